package io.synckit.core.causal;

import io.synckit.core.clock.ReplicaIds;
import io.synckit.core.clock.ReplicaMap;
import io.synckit.core.codec.DecodeException;
import io.synckit.core.codec.Reader;
import io.synckit.core.codec.Writer;

/**
 * The set of events (dots) a replica has seen: per replica, a set of sequence numbers. In the steady
 * state each replica's set is [1, n], i.e. a version vector; out-of-order delivery leaves gaps (a "dot
 * cloud") that close as the missing deltas arrive. It is exact, not an approximation: the OR-set relies
 * on "seen but no longer present" meaning "removed" (Almeida, Shoker, Baquero: Delta State Replicated
 * Data Types, 2018).
 *
 * <p>It doubles as the state vector a peer sends to ask for what it lacks.
 */
public final class CausalContext {
    private final ReplicaMap<Ranges> seen = new ReplicaMap<>();

    public boolean contains(double replica, int seq) {
        Ranges r = seen.get(replica);
        return r != null && r.contains(seq);
    }

    public boolean contains(Dot d) {
        return contains(d.replica, d.seq);
    }

    public void add(double replica, int seq) {
        ranges(replica).add(seq);
    }

    public void addRange(double replica, int fromSeq, int toSeq) {
        ranges(replica).addRange(fromSeq, toSeq);
    }

    public void add(Dot d) {
        add(d.replica, d.seq);
    }

    /** The highest sequence number seen from {@code replica} (for the next local dot: max + 1). */
    public int max(double replica) {
        Ranges r = seen.get(replica);
        return r == null ? 0 : r.max();
    }

    public void addAll(CausalContext other) {
        for (int i = 0; i < other.seen.size(); i++) {
            ranges(other.seen.idAt(i)).addAll(other.seen.valueAt(i));
        }
    }

    /** Dots in this context and not in {@code other}. */
    public CausalContext minus(CausalContext other) {
        CausalContext out = new CausalContext();
        for (int i = 0; i < seen.size(); i++) {
            Ranges theirs = other.seen.get(seen.idAt(i));
            Ranges diff = theirs == null ? seen.valueAt(i).copy() : seen.valueAt(i).minus(theirs);
            if (!diff.isEmpty()) {
                out.seen.put(seen.idAt(i), diff);
            }
        }
        return out;
    }

    public boolean isEmpty() {
        for (int i = 0; i < seen.size(); i++) {
            if (!seen.valueAt(i).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    public CausalContext copy() {
        CausalContext c = new CausalContext();
        for (int i = 0; i < seen.size(); i++) {
            c.seen.put(seen.idAt(i), seen.valueAt(i).copy());
        }
        return c;
    }

    /** Encodes as [replica count] then per replica (ascending): [id varint53] [ranges]. */
    public void write(Writer w) {
        int nonEmpty = 0;
        for (int i = 0; i < seen.size(); i++) {
            if (!seen.valueAt(i).isEmpty()) {
                nonEmpty++;
            }
        }
        w.writeVarUint(nonEmpty);
        for (int i = 0; i < seen.size(); i++) {
            Ranges r = seen.valueAt(i);
            if (!r.isEmpty()) {
                w.writeVarUint53(seen.idAt(i));
                r.write(w);
            }
        }
    }

    public static CausalContext read(Reader rd) {
        CausalContext c = new CausalContext();
        int count = rd.readCount(2, "causal context");
        double prev = -1;
        for (int i = 0; i < count; i++) {
            double id = rd.readVarUint53();
            if (id <= prev) {
                throw new DecodeException("causal context: replica ids out of order at entry " + i);
            }
            prev = id;
            c.seen.put(id, Ranges.read(rd));
        }
        return c;
    }


    private Ranges ranges(double replica) {
        Ranges r = seen.get(replica);
        if (r == null) {
            ReplicaIds.check(replica);
            r = new Ranges();
            seen.put(replica, r);
        }
        return r;
    }
}
