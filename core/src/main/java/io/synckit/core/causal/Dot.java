package io.synckit.core.causal;

/** One event: the {@code seq}-th event (from 1) issued by {@code replica}. Immutable. */
public final class Dot {
    public final double replica;
    public final int seq;

    public Dot(double replica, int seq) {
        this.replica = replica;
        this.seq = seq;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dot && ((Dot) o).replica == replica && ((Dot) o).seq == seq;
    }

    @Override
    public int hashCode() {
        return (int) (replica % 1000003) * 31 + seq; // not Double.hashCode: a long (BigInt) in JS
    }
}
