package io.synckit.server;

import java.util.function.LongSupplier;

/**
 * One connection's read rate: two token buckets, frames per second and bytes per second, each with a
 * burst capacity. The server has already read the frame when it asks, so it is never refused; instead
 * {@link #delayNanos} says how long to wait before reading the next one, which turns the limit into TCP
 * backpressure on the client (see {@link SyncEndpoint}). A rate of 0 turns its bucket off.
 *
 * <p>Each bucket is kept as the time at which it will be full again (the "theoretical arrival time" of
 * GCRA), which is exact in integer nanoseconds and needs no refill step. Not thread-safe: one connection
 * reads one frame at a time.
 */
final class RateLimiter {
    private static final long SECOND = 1_000_000_000L;

    private final LongSupplier nanoClock;
    private final Bucket frames;
    private final Bucket bytes;
    private boolean lastByBytes;

    /**
     * @param framesPerSecond sustained frames per second, 0 for no frame limit
     * @param burstFrames frames that may arrive at once on a rested connection
     * @param bytesPerSecond sustained bytes per second, 0 for no byte limit
     * @param burstBytes bytes that may arrive at once on a rested connection
     * @param nanoClock {@link System#nanoTime} or a test's clock
     */
    RateLimiter(int framesPerSecond, int burstFrames, int bytesPerSecond, long burstBytes, LongSupplier nanoClock) {
        if (framesPerSecond < 0 || burstFrames < 0 || bytesPerSecond < 0 || burstBytes < 0) {
            throw new IllegalArgumentException("rate limits must not be negative");
        }
        this.nanoClock = nanoClock;
        long now = nanoClock.getAsLong();
        this.frames = framesPerSecond == 0 ? null : new Bucket(framesPerSecond, burstFrames, now);
        this.bytes = bytesPerSecond == 0 ? null : new Bucket(bytesPerSecond, burstBytes, now);
    }

    /** True when neither bucket is on: then {@link #delayNanos} is always 0. */
    boolean off() {
        return frames == null && bytes == null;
    }

    /**
     * Takes one frame of {@code frameBytes} bytes out of the buckets. Returns 0 while within the rate
     * (and the burst), else the nanoseconds until the buckets are back to where the next frame is within
     * it: the caller reads nothing from this connection for that long.
     */
    long delayNanos(int frameBytes) {
        long now = nanoClock.getAsLong();
        long byFrames = frames == null ? 0 : frames.take(1, now);
        long byBytes = bytes == null ? 0 : bytes.take(Math.max(0, frameBytes), now);
        lastByBytes = byBytes > byFrames;
        return Math.max(byFrames, byBytes);
    }

    /** Whether the last positive delay came from the byte bucket rather than the frame bucket. */
    boolean lastDelayByBytes() {
        return lastByBytes;
    }

    private static final class Bucket {
        private final long perSecond;
        /** How far the bucket may run ahead of now: the burst's worth of time. */
        private final long toleranceNanos;
        /** When the bucket is full again; at or before now: it is full. */
        private long fullAt;

        Bucket(long perSecond, long burst, long now) {
            this.perSecond = perSecond;
            this.toleranceNanos = nanosFor(burst);
            this.fullAt = now;
        }

        /** Nanoseconds that {@code units} take at this rate (rounded up; saturates instead of overflowing). */
        private long nanosFor(long units) {
            if (units > Long.MAX_VALUE / SECOND) {
                return Long.MAX_VALUE / 4;
            }
            return (units * SECOND + perSecond - 1) / perSecond;
        }

        long take(long units, long now) {
            // Time since fullAt refilled the bucket, but never past full.
            long start = now - fullAt > 0 ? now : fullAt;
            fullAt = start + nanosFor(units);
            long over = fullAt - now - toleranceNanos;
            return over > 0 ? over : 0;
        }
    }
}
