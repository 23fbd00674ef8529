package io.synckit.core.counter;

import io.synckit.core.codec.Texts;
import io.synckit.core.Replicated;
import io.synckit.core.causal.CausalContext;
import io.synckit.core.clock.ReplicaMap;
import io.synckit.core.codec.DecodeException;
import io.synckit.core.codec.Envelope;
import io.synckit.core.codec.Reader;
import io.synckit.core.codec.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * A positive-negative counter. Each replica keeps its own running totals of increments (P) and
 * decrements (N) and a sequence number counting its operations; only that replica ever changes its slot.
 * Merging keeps, per replica, the slot with the higher sequence number, so a duplicated, reordered or
 * re-sent update can never count twice. The value is the sum of P - N over replicas, added in ascending
 * replica order so every replica computes the same floating-point result.
 */
public final class PnCounter extends Replicated<PnCounter.Slot[]> {
    private final ReplicaMap<Slot> slots = new ReplicaMap<>();

    public PnCounter(double replicaId) {
        super(Envelope.TYPE_COUNTER, "Counter", replicaId);
    }


    public void increment(double amount) {
        if (Double.isNaN(amount) || Double.isInfinite(amount)) {
            throw new IllegalArgumentException("amount must be a finite number; got " + Texts.number(amount));
        }
        if (amount == 0) {
            return;
        }
        Slot mine = slots.get(replica);
        int seq = mine == null ? 1 : mine.seq + 1;
        double p = mine == null ? 0 : mine.p;
        double n = mine == null ? 0 : mine.n;
        if (amount > 0) {
            p += amount;
        } else {
            n -= amount;
        }
        slots.put(replica, new Slot(replica, seq, p, n));
        changed();
    }

    public void decrement(double amount) {
        increment(-amount);
    }

    public double value() {
        double sum = 0;
        for (int i = 0; i < slots.size(); i++) { // ascending replica id: the same float result everywhere
            Slot s = slots.valueAt(i);
            sum += s.p - s.n;
        }
        return sum;
    }

    /** The state vector: replica -> [1, seq] (a slot summarises all of its replica's operations). */
    @Override
    protected CausalContext context() {
        CausalContext c = new CausalContext();
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.valueAt(i);
            c.addRange(s.replica, 1, s.seq);
        }
        return c;
    }

    @Override
    protected void writeDiff(Writer w, CausalContext peer) {
        List<Slot> out = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.valueAt(i);
            if (s.seq > peer.max(s.replica)) {
                out.add(s);
            }
        }
        w.writeVarUint(out.size());
        for (Slot s : out) {
            w.writeVarUint53(s.replica).writeVarUint(s.seq);
            writeTotal(w, s.p);
            writeTotal(w, s.n);
        }
    }

    @Override
    protected Slot[] readUpdate(Reader r) {
        int count = r.readCount(4, "Counter update");
        Slot[] out = new Slot[count];
        double prev = -1;
        for (int i = 0; i < count; i++) {
            double id = r.readVarUint53();
            if (id <= prev) {
                throw new DecodeException("Counter update: replica ids out of order at slot " + i);
            }
            prev = id;
            int seq = r.readVarUint();
            if (seq < 1) {
                throw new DecodeException("Counter update: slot " + i + " has sequence number 0");
            }
            out[i] = new Slot(id, seq, readTotal(r), readTotal(r));
        }
        return out;
    }

    @Override
    protected boolean merge(Slot[] update) {
        boolean changed = false;
        for (Slot s : update) {
            Slot mine = slots.get(s.replica);
            if (mine == null || s.seq > mine.seq) {
                slots.put(s.replica, s);
                changed |= mine == null ? s.p != s.n : (s.p - s.n) != (mine.p - mine.n);
            }
        }
        return changed;
    }

    /** Totals are non-negative: integers as varints, anything else as 8-byte doubles (flag in the low bit). */
    private static void writeTotal(Writer w, double v) {
        if (v == Math.floor(v) && v <= 4503599627370495.0) {
            w.writeVarUint53(v * 2);
        } else {
            w.writeVarUint(1).writeDouble(v);
        }
    }

    private static double readTotal(Reader r) {
        double t = r.readVarUint53();
        double v;
        if (t == 1) {
            v = r.readDouble();
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new DecodeException("Counter update: a total is negative or not finite");
            }
        } else if (t % 2 == 0) {
            v = t / 2;
        } else {
            throw new DecodeException("Counter update: malformed total");
        }
        return v;
    }

    /** One replica's totals after its {@code seq}-th operation. Immutable. */
    static final class Slot {
        final double replica;
        final int seq;
        final double p;
        final double n;

        Slot(double replica, int seq, double p, double n) {
            this.replica = replica;
            this.seq = seq;
            this.p = p;
            this.n = n;
        }
    }
}
