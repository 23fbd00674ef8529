package io.synckit.core.clock;

import io.synckit.core.codec.Texts;

/**
 * A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014) for one replica.
 *
 * <ul>
 *   <li><b>Monotonic</b>: a local tick takes max(last wall, now); if the wall clock goes backwards or
 *   stands still, the counter advances instead, so stamps only grow.</li>
 *   <li><b>Causal</b>: {@link #observe} folds in every remote stamp, so a write made after seeing
 *   another always carries a greater stamp and wins over it, whatever the wall clocks say.</li>
 *   <li><b>Bounded skew</b>: a remote stamp more than {@code maxSkewMillis} ahead of our wall clock is
 *   refused ({@link #check} throws {@link ClockSkewException}, and callers check a whole update before
 *   applying any of it). Accepting it would pin every replica's clock to the bad future time (all
 *   later stamps become that time plus a counter: the clock "freezes") and make the bad replica's
 *   concurrent writes win for as long as its clock is ahead ("hijack"). Refusing confines the damage to
 *   the replica with the wrong clock, whose updates are rejected with a message that says so.</li>
 *   <li>Counter overflow (2^31 events in one millisecond, only reachable while pinned) moves the wall
 *   part forward by 1 ms instead of wrapping.</li>
 * </ul>
 */
public final class Hlc {
    /** Default tolerance for remote clocks ahead of ours: 1 hour. */
    public static final double DEFAULT_MAX_SKEW_MILLIS = 60 * 60 * 1000;

    private final double replica;
    private final WallClock clock;
    private final double maxSkewMillis;
    private double wall;
    private int counter;

    public Hlc(double replica, WallClock clock, double maxSkewMillis) {
        this.replica = ReplicaIds.check(replica);
        if (clock == null) {
            throw new IllegalArgumentException("a WallClock is required (core never reads the time itself)");
        }
        if (!(maxSkewMillis > 0)) {
            throw new IllegalArgumentException("maxSkewMillis must be positive, got " + Texts.number(maxSkewMillis));
        }
        this.clock = clock;
        this.maxSkewMillis = maxSkewMillis;
    }

    /** A new stamp for a local event, greater than every stamp issued or observed before. */
    public Stamp tick() {
        double now = Math.floor(clock.nowMillis());
        if (now > wall) {
            wall = now;
            counter = 0;
        } else if (counter == Integer.MAX_VALUE) {
            wall += 1;
            counter = 0;
        } else {
            counter++;
        }
        return new Stamp(wall, counter, replica);
    }

    /** Refuses a remote stamp from a clock too far ahead; see the class comment. Changes nothing. */
    public void check(Stamp remote) {
        double now = clock.nowMillis();
        if (remote.wall > now + maxSkewMillis && remote.wall > wall) {
            throw new ClockSkewException("update from replica " + Texts.number(remote.replica) + " is stamped "
                    + Texts.number(Math.floor((remote.wall - now) / 1000)) + " s ahead of this device's clock (limit "
                    + Texts.number(Math.floor(maxSkewMillis / 1000)) + " s); the sender's clock, or this device's, is wrong."
                    + " Fix the clock; the update was not applied");
        }
    }

    /** Folds a remote stamp in (after {@link #check}), so later local stamps are greater. */
    public void observe(Stamp remote) {
        if (remote.wall > wall) {
            wall = remote.wall;
            counter = remote.counter;
        } else if (remote.wall == wall && remote.counter > counter) {
            counter = remote.counter;
        }
    }

    public double replica() {
        return replica;
    }
}
