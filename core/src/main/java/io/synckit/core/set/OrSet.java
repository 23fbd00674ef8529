package io.synckit.core.set;

import io.synckit.core.Replicated;
import io.synckit.core.causal.CausalContext;
import io.synckit.core.causal.Dot;
import io.synckit.core.codec.DecodeException;
import io.synckit.core.codec.Envelope;
import io.synckit.core.codec.Reader;
import io.synckit.core.codec.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An add-wins observed-remove set of strings, without tombstones (the "optimized OR-set" of Bieniusa et
 * al. 2012, as a delta-state CRDT after Almeida et al. 2018).
 *
 * <p>Each add is a new event, a dot, tagged to the element; the set also keeps the causal context of
 * every dot it has seen. An element is present while it has a live dot. Remove drops the element's live
 * dots and records nothing: the context still covers them, and "seen but not live" means removed. So a
 * remove only cancels the adds it has seen, and an add concurrent with a remove survives (add wins).
 * Removed elements leave no tags behind: what remains is the context, which is a version vector once
 * deliveries have caught up.
 *
 * <p>A diff for a peer carries (1) the live (element, dot) pairs the peer has not seen and (2) this
 * replica's context minus its live dots the peer has seen, as ranges; the peer drops any live dot in
 * (2) that is not in (1). For append-mostly sets (2) is a few ranges; with many removes it is at most
 * one range per gap between live elements.
 */
public final class OrSet extends Replicated<OrSet.Delta> {
    private final Map<String, Dot[]> live = new HashMap<>();
    private final CausalContext seen = new CausalContext();

    public OrSet(double replicaId) {
        super(Envelope.TYPE_OR_SET, "OrSet", replicaId);
    }


    public void add(String element) {
        requireElement(element);
        int seq = seen.max(replica) + 1;
        if (seq <= 0) {
            throw new IllegalStateException("this replica has issued 2^31-1 operations; use a new replica id");
        }
        Dot dot = new Dot(replica, seq);
        seen.add(dot);
        boolean wasPresent = live.containsKey(element);
        live.put(element, new Dot[] {dot}); // supersedes the dots this add has observed
        if (!wasPresent) {
            changed();
        }
    }

    public void remove(String element) {
        requireElement(element);
        if (live.remove(element) != null) {
            changed();
        }
    }

    public boolean has(String element) {
        requireElement(element);
        return live.containsKey(element);
    }

    public int size() {
        return live.size();
    }

    /** The elements in ascending order (String.compareTo, as JS sorts strings). */
    public String[] values() {
        String[] out = live.keySet().toArray(new String[0]);
        Arrays.sort(out);
        return out;
    }

    /** The live dots of an element (for tests' oracles). */
    Dot[] liveDots(String element) {
        Dot[] ds = live.get(element);
        return ds == null ? new Dot[0] : ds.clone();
    }

    @Override
    protected CausalContext context() {
        return seen;
    }

    @Override
    protected void writeDiff(Writer w, CausalContext peer) {
        List<String> elements = new ArrayList<>();
        List<Dot[]> newDots = new ArrayList<>();
        CausalContext liveSeenByPeer = new CausalContext();
        for (String e : values()) {
            List<Dot> fresh = new ArrayList<>();
            for (Dot d : live.get(e)) {
                if (peer.contains(d)) {
                    liveSeenByPeer.add(d);
                } else {
                    fresh.add(d);
                }
            }
            if (!fresh.isEmpty()) {
                elements.add(e);
                newDots.add(fresh.toArray(new Dot[0]));
            }
        }
        seen.minus(liveSeenByPeer).write(w);
        w.writeVarUint(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            w.writeString(elements.get(i));
            Dot[] ds = newDots.get(i);
            w.writeVarUint(ds.length);
            for (Dot d : ds) {
                w.writeVarUint53(d.replica).writeVarUint(d.seq);
            }
        }
    }

    @Override
    protected Delta readUpdate(Reader r) {
        CausalContext context = CausalContext.read(r);
        int count = r.readCount(3, "OrSet update");
        String[] elements = new String[count];
        Dot[][] dots = new Dot[count][];
        for (int i = 0; i < count; i++) {
            elements[i] = r.readString();
            if (i > 0 && elements[i].compareTo(elements[i - 1]) <= 0) {
                throw new DecodeException("OrSet update: elements out of order at " + i);
            }
            int n = r.readCount(2, "OrSet dots");
            if (n == 0) {
                throw new DecodeException("OrSet update: element " + i + " has no dots");
            }
            dots[i] = new Dot[n];
            for (int k = 0; k < n; k++) {
                double id = r.readVarUint53();
                int seq = r.readVarUint();
                if (seq < 1 || !context.contains(id, seq)) {
                    throw new DecodeException("OrSet update: a dot of element " + i + " is outside the update's context");
                }
                dots[i][k] = new Dot(id, seq);
            }
        }
        return new Delta(context, elements, dots);
    }

    @Override
    protected boolean merge(Delta d) {
        boolean changed = false;
        Map<Dot, Boolean> incoming = new HashMap<>();
        for (Dot[] ds : d.dots) {
            for (Dot x : ds) {
                incoming.put(x, Boolean.TRUE);
            }
        }
        // 1. Our live dots that the update has seen but does not carry were removed there.
        List<String> emptied = new ArrayList<>();
        for (Map.Entry<String, Dot[]> e : live.entrySet()) {
            Dot[] ds = e.getValue();
            int keep = 0;
            for (Dot x : ds) {
                if (!d.context.contains(x) || incoming.containsKey(x)) {
                    keep++;
                }
            }
            if (keep != ds.length) {
                Dot[] kept = new Dot[keep];
                int k = 0;
                for (Dot x : ds) {
                    if (!d.context.contains(x) || incoming.containsKey(x)) {
                        kept[k++] = x;
                    }
                }
                if (keep == 0) {
                    emptied.add(e.getKey());
                } else {
                    e.setValue(kept);
                }
            }
        }
        for (String e : emptied) {
            live.remove(e);
            changed = true;
        }
        // 2. Their live dots that we have not seen are new adds (seen ones we already have, or removed).
        for (int i = 0; i < d.elements.length; i++) {
            for (Dot x : d.dots[i]) {
                if (!seen.contains(x)) {
                    Dot[] ds = live.get(d.elements[i]);
                    if (ds == null) {
                        live.put(d.elements[i], new Dot[] {x});
                        changed = true;
                    } else if (!contains(ds, x)) {
                        Dot[] grown = Arrays.copyOf(ds, ds.length + 1);
                        grown[ds.length] = x;
                        live.put(d.elements[i], grown);
                    }
                }
            }
        }
        seen.addAll(d.context);
        return changed;
    }

    private static void requireElement(String element) {
        if (element == null) {
            throw new IllegalArgumentException("set elements must be strings; got null");
        }
    }

    /** A decoded update. */
    static final class Delta {
        final CausalContext context;
        final String[] elements;
        final Dot[][] dots;

        Delta(CausalContext context, String[] elements, Dot[][] dots) {
            this.context = context;
            this.elements = elements;
            this.dots = dots;
        }
    }

    private static boolean contains(Dot[] dots, Dot x) {
        for (Dot d : dots) {
            if (d.equals(x)) {
                return true;
            }
        }
        return false;
    }
}
