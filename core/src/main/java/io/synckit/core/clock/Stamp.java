package io.synckit.core.clock;

import io.synckit.core.codec.Texts;

/**
 * A hybrid-logical-clock timestamp: wall milliseconds, a logical counter for events within one
 * millisecond (or while the wall clock lags behind), and the replica id as the final tie-break.
 * Totally ordered; two writes by different replicas never compare equal. Immutable.
 */
public final class Stamp implements Comparable<Stamp> {
    public static final Stamp ZERO = new Stamp(0, 0, 0);

    public final double wall;
    public final int counter;
    public final double replica;

    public Stamp(double wall, int counter, double replica) {
        this.wall = wall;
        this.counter = counter;
        this.replica = replica;
    }

    @Override
    public int compareTo(Stamp o) {
        if (wall != o.wall) {
            return wall < o.wall ? -1 : 1;
        }
        if (counter != o.counter) {
            return counter < o.counter ? -1 : 1;
        }
        if (replica != o.replica) {
            return replica < o.replica ? -1 : 1;
        }
        return 0;
    }

    public boolean after(Stamp o) {
        return compareTo(o) > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Stamp && compareTo((Stamp) o) == 0;
    }

    @Override
    public int hashCode() {
        return (int) (wall % 1000003) * 31 + counter * 17 + (int) (replica % 1000003); // no long (BigInt in JS)
    }

    @Override
    public String toString() {
        return Texts.number(wall) + "." + counter + "@" + Texts.number(replica);
    }
}
