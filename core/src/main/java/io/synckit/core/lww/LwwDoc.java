package io.synckit.core.lww;

import io.synckit.core.Replicated;
import io.synckit.core.causal.CausalContext;
import io.synckit.core.clock.Hlc;
import io.synckit.core.clock.ReplicaMap;
import io.synckit.core.clock.Stamp;
import io.synckit.core.clock.WallClock;
import io.synckit.core.codec.DecodeException;
import io.synckit.core.codec.Envelope;
import io.synckit.core.codec.Reader;
import io.synckit.core.codec.Writer;
import io.synckit.core.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document whose fields are last-writer-wins registers, merged field by field along paths.
 *
 * <p><b>Model.</b> The document is a tree of paths. Each write puts one entry at a path, stamped by a
 * {@link Hlc hybrid logical clock} and identified by a dot (replica, sequence number) for sync:
 * <ul>
 *   <li>a <i>leaf</i>: a JSON value that is not an object (arrays are atomic values);</li>
 *   <li>an <i>object marker</i>: "this path is an object as of this stamp", written when a whole object is
 *   {@link #set set}; entries below it that are older are hidden (set replaces);</li>
 *   <li>a <i>tombstone</i>: {@link #delete}; entries below it that are older are hidden.</li>
 * </ul>
 * A path keeps only its newest entry (by stamp). The visible value of a path: entries below it that
 * are newer than its own entry (and than every entry above it) form an object; otherwise its own entry
 * decides. So {@link #update} merges fields into nested objects, and concurrent edits of different
 * fields never conflict. Every replica applies the same rule to the same entries, so all converge.
 *
 * <p><b>Tombstones</b> are kept, because a replica that has not yet seen a delete could otherwise send an
 * older write that reappears. A tombstone (and the older entries it hides) can be dropped once it is
 * causally stable: every replica has reported a state vector containing its dot, and this replica has
 * received everything those replicas had issued when they reported; then no write concurrent with the
 * delete can still arrive, and every future write is newer than it. Replicas that join later start from
 * a state without it, which is equivalent. (Collection is driven by the sync server, which knows every
 * replica's state vector; it arrives with the sync-protocol issue.)
 */
public final class LwwDoc extends Replicated<LwwDoc.Delta> {
    static final int LEAF = 0;
    static final int OBJECT = 1;
    static final int DELETED = 2;

    private final Hlc clock;
    private final CausalContext seen = new CausalContext();
    private final Node root = new Node();

    public LwwDoc(double replicaId, WallClock wallClock) {
        this(replicaId, wallClock, Hlc.DEFAULT_MAX_SKEW_MILLIS);
    }

    public LwwDoc(double replicaId, WallClock wallClock, double maxClockSkewMillis) {
        super(Envelope.TYPE_LWW_DOC, "LwwDoc", replicaId);
        this.clock = new Hlc(replicaId, wallClock, maxClockSkewMillis);
    }


    // ---- local operations ----

    /** Replaces the value at {@code path}; an object value replaces the whole object there. */
    public void set(String[] path, Object value) {
        requirePath(path, false);
        Json.check(value);
        write(path, value);
        changed();
    }

    /** {@link #set(String[], Object)} for a top-level field. */
    public void set(String key, Object value) {
        set(new String[] {key}, value);
    }

    public void delete(String key) {
        delete(new String[] {key});
    }

    public Object get(String key) {
        return get(new String[] {key});
    }

    /** Merges {@code fields} (a JSON object) into the document, recursively: other fields are kept. */
    public void update(Map<String, Object> fields) {
        Json.check(fields);
        mergeFields(new String[0], fields);
        changed();
    }

    /** Merges {@code fields} into the object at {@code path}. */
    public void update(String[] path, Map<String, Object> fields) {
        requirePath(path, true);
        Json.check(fields);
        mergeFields(path, fields);
        changed();
    }

    public void delete(String[] path) {
        requirePath(path, false);
        if (get(path) != null) {
            put(path, DELETED, null);
            changed();
        }
    }

    /** The value at {@code path} (the whole document for an empty path), or null when absent. */
    public Object get(String[] path) {
        requirePath(path, true);
        Node n = root;
        Stamp cut = null;
        for (String key : path) {
            if (n.own != null) {
                cut = max(cut, n.own);
            }
            n = n.get(key);
            if (n == null || (cut != null && !n.maxStamp.after(cut))) {
                return null;
            }
        }
        return path.length == 0 ? rootValue() : value(n, cut);
    }

    /** The whole document as a JSON object (fields sorted by key). */
    public Map<String, Object> toJSON() {
        return rootValue();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> rootValue() {
        Object v = value(root, null);
        return v instanceof Map ? (Map<String, Object>) v : Collections.emptyMap();
    }

    private void mergeFields(String[] path, Map<String, Object> fields) {
        if (path.length > 0 && !(get(path) instanceof Map)) {
            put(path, OBJECT, null); // make it an object first, so the fields land in one
        }
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            String[] p = append(path, e.getKey());
            if (e.getValue() instanceof Map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> sub = (Map<String, Object>) e.getValue();
                mergeFields(p, sub);
            } else {
                put(p, LEAF, e.getValue());
            }
        }
    }

    private void write(String[] path, Object value) {
        if (value instanceof Map) {
            put(path, OBJECT, null);
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                write(append(path, (String) e.getKey()), e.getValue());
            }
        } else {
            put(path, LEAF, value);
        }
    }

    private void put(String[] path, int kind, Object value) {
        int seq = seen.max(replica) + 1;
        if (seq <= 0) {
            throw new IllegalStateException("this replica has issued 2^31-1 writes; use a new replica id");
        }
        Stamp stamp = clock.tick();
        Entry entry = new Entry(kind, value, stamp.wall, stamp.counter, stamp.replica, seq);
        seen.add(replica, seq);
        Node n = root;
        n.raise(entry);
        for (String key : path) {
            n = n.child(key);
            n.raise(entry);
        }
        n.own = entry;
    }

    // ---- reading ----

    /** The visible value of node {@code n} given the newest entry {@code cut} above it (null: none). */
    private static Object value(Node n, Stamp cut) {
        Entry own = n.own != null && (cut == null || n.own.after(cut)) ? n.own : null;
        Stamp childCut = own != null ? own : cut;
        Map<String, Object> fields = null;
        for (int i = 0; i < n.count; i++) { // keys are kept sorted
            Node c = n.nodes[i];
            if (childCut == null || c.maxStamp.after(childCut)) {
                Object v = value(c, childCut);
                if (v != null) {
                    if (fields == null) {
                        fields = new LinkedHashMap<>();
                    }
                    fields.put(n.keys[i], v);
                }
            }
        }
        if (fields != null) {
            return Collections.unmodifiableMap(fields);
        }
        if (own == null) {
            return null;
        }
        switch (own.kind) {
            case LEAF: return own.value;
            case OBJECT: return Collections.emptyMap();
            default: return null;
        }
    }

    // ---- sync ----

    @Override
    protected CausalContext context() {
        return seen;
    }

    @Override
    protected void writeDiff(Writer w, CausalContext peer) {
        List<String[]> paths = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        collect(root, new String[0], peer, paths, entries);
        seen.minus(peer).write(w);
        // Replica table, in ascending id order: entries refer to replicas by index.
        ReplicaMap<Integer> table = new ReplicaMap<>();
        for (int i = 0; i < entries.size(); i++) {
            table.put(entries.get(i).replica, 0);
        }
        w.writeVarUint(table.size());
        for (int i = 0; i < table.size(); i++) {
            w.writeVarUint53(table.idAt(i));
            table.put(table.idAt(i), i);
        }
        w.writeVarUint(entries.size());
        String[] prev = new String[0];
        for (int i = 0; i < entries.size(); i++) {
            String[] p = paths.get(i);
            int common = 0;
            while (common < prev.length && common < p.length && prev[common].equals(p[common])) {
                common++;
            }
            w.writeVarUint(common).writeVarUint(p.length - common);
            for (int k = common; k < p.length; k++) {
                w.writeString(p[k]);
            }
            prev = p;
            Entry e = entries.get(i);
            w.writeByte(e.kind);
            if (e.kind == LEAF) {
                Json.write(w, e.value);
            }
            w.writeVarUint53(e.wall).writeVarUint(e.counter);
            w.writeVarUint(table.get(e.replica));
            w.writeVarUint(e.seq);
        }
    }

    private static void collect(Node n, String[] path, CausalContext peer, List<String[]> paths, List<Entry> out) {
        if (n.own != null && !peer.contains(n.own.replica, n.own.seq)) {
            paths.add(path);
            out.add(n.own);
        }
        for (int i = 0; i < n.count; i++) {
            collect(n.nodes[i], append(path, n.keys[i]), peer, paths, out);
        }
    }

    @Override
    protected Delta readUpdate(Reader r) {
        CausalContext context = CausalContext.read(r);
        int distinct = r.readCount(1, "LwwDoc replica table");
        double[] ids = new double[distinct];
        for (int i = 0; i < distinct; i++) {
            ids[i] = r.readVarUint53();
            if (i > 0 && ids[i] <= ids[i - 1]) {
                throw new DecodeException("LwwDoc update: replica table out of order");
            }
        }
        int count = r.readCount(5, "LwwDoc update");
        String[][] paths = new String[count][];
        Entry[] entries = new Entry[count];
        String[] prev = new String[0];
        for (int i = 0; i < count; i++) {
            int common = r.readVarUint();
            int rest = r.readCount(1, "LwwDoc path");
            if (common > prev.length || common + rest == 0 || common + rest > Json.MAX_DEPTH) {
                throw new DecodeException("LwwDoc update: entry " + i + " has a malformed path");
            }
            String[] p = new String[common + rest];
            System.arraycopy(prev, 0, p, 0, common);
            for (int k = common; k < p.length; k++) {
                p[k] = r.readString();
            }
            int kind = r.readByte();
            Object value = null;
            if (kind == LEAF) {
                value = Json.read(r);
                if (value instanceof Map) {
                    throw new DecodeException("LwwDoc update: entry " + i + " stores an object as a leaf");
                }
            } else if (kind != OBJECT && kind != DELETED) {
                throw new DecodeException("LwwDoc update: entry " + i + " has unknown kind " + kind);
            }
            double wall = r.readVarUint53();
            int counter = r.readVarUint();
            int idx = r.readVarUint();
            int seq = r.readVarUint();
            if (idx >= distinct || seq < 1 || !context.contains(ids[idx], seq)) {
                throw new DecodeException("LwwDoc update: entry " + i + " has a dot outside the update's context");
            }
            paths[i] = p;
            entries[i] = new Entry(kind, value, wall, counter, ids[idx], seq);
            prev = p;
        }
        Entry newest = null;
        for (Entry e : entries) {
            if (newest == null || e.after(newest)) {
                newest = e;
            }
        }
        if (newest != null) {
            clock.check(newest); // all or nothing: refuse the whole update before changing anything
        }
        return new Delta(context, paths, entries);
    }

    @Override
    protected boolean merge(Delta d) {
        boolean changed = false;
        for (int i = 0; i < d.entries.length; i++) {
            Entry e = d.entries[i];
            clock.observe(e);
            // Raising on the way down is safe even when e loses below: then an entry at least as new
            // as e is already there, so every ancestor's maxStamp is already at least e.
            Node n = root;
            n.raise(e);
            for (String key : d.paths[i]) {
                n = n.child(key);
                n.raise(e);
            }
            if (n.own == null || e.after(n.own)) {
                n.own = e;
                changed = true;
            }
        }
        seen.addAll(d.context);
        return changed;
    }

    // ---- helpers ----

    private static void requirePath(String[] path, boolean emptyAllowed) {
        if (path == null) {
            throw new IllegalArgumentException("path must be a key or an array of keys; got null");
        }
        if (path.length == 0 && !emptyAllowed) {
            throw new IllegalArgumentException("path must have at least one key");
        }
        if (path.length > Json.MAX_DEPTH) {
            throw new IllegalArgumentException("path is deeper than " + Json.MAX_DEPTH + " keys");
        }
        for (String k : path) {
            if (k == null) {
                throw new IllegalArgumentException("path keys must be strings; got null");
            }
        }
    }

    private static String[] append(String[] path, String key) {
        String[] p = Arrays.copyOf(path, path.length + 1);
        p[path.length] = key;
        return p;
    }

    private static Stamp max(Stamp a, Stamp b) {
        return a == null || b.after(a) ? b : a;
    }

    /** One write: its stamp (inherited), kind, value and sequence number. Immutable. */
    static final class Entry extends Stamp {
        final int kind;
        final Object value;
        final int seq;

        Entry(int kind, Object value, double wall, int counter, double replica, int seq) {
            super(wall, counter, replica);
            this.kind = kind;
            this.value = value;
            this.seq = seq;
        }
    }

    /**
     * A path in the tree: its newest entry, its children, and the newest stamp anywhere below.
     * Children are two arrays sorted by key, not a HashMap: a small document holds a handful of
     * fields, where a hash table's buckets and entry objects would be most of its memory, and reads
     * want the keys in order anyway.
     */
    static final class Node {
        private static final String[] NO_KEYS = new String[0];
        private static final Node[] NO_NODES = new Node[0];

        Entry own;
        String[] keys = NO_KEYS;
        Node[] nodes = NO_NODES;
        int count;
        Stamp maxStamp = Stamp.ZERO;

        Node get(String key) {
            int i = find(key);
            return i >= 0 ? nodes[i] : null;
        }

        Node child(String key) {
            int i = find(key);
            if (i >= 0) {
                return nodes[i];
            }
            i = -i - 1;
            if (count == keys.length) {
                int cap = count < 4 ? 4 : count * 2;
                keys = Arrays.copyOf(keys, cap);
                nodes = Arrays.copyOf(nodes, cap);
            }
            System.arraycopy(keys, i, keys, i + 1, count - i);
            System.arraycopy(nodes, i, nodes, i + 1, count - i);
            Node c = new Node();
            keys[i] = key;
            nodes[i] = c;
            count++;
            return c;
        }

        private int find(String key) {
            int lo = 0;
            int hi = count - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int c = keys[mid].compareTo(key);
                if (c < 0) {
                    lo = mid + 1;
                } else if (c > 0) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -lo - 1;
        }

        void raise(Stamp s) {
            if (s.after(maxStamp)) {
                maxStamp = s;
            }
        }
    }

    /** A decoded, validated update. */
    static final class Delta {
        final CausalContext context;
        final String[][] paths;
        final Entry[] entries;

        Delta(CausalContext context, String[][] paths, Entry[] entries) {
            this.context = context;
            this.paths = paths;
            this.entries = entries;
        }
    }
}
