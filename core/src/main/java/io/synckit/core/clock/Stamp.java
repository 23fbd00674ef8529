package io.synckit.core.clock;

import io.synckit.core.codec.Texts;

/**
 * A hybrid-logical-clock timestamp: wall milliseconds, a logical counter for events within one
 * millisecond (or while the wall clock lags behind), and the replica id as the final tie-break.
 * Totally ordered; two writes by different replicas never compare equal. Immutable. Not final: a
 * document's entry extends it, saving an object per field.
 */
public class Stamp implements Comparable<Stamp> {
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
    public String toString() {
        return Texts.number(wall) + "." + counter + "@" + Texts.number(replica);
    }
}
