package io.synckit.core.clock;

/** The physical clock, injected: core never reads the time itself. Milliseconds since the Unix epoch. */
@FunctionalInterface
public interface WallClock {
    double nowMillis();
}
