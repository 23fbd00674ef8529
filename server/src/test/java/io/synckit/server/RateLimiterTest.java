package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The token buckets against a hand-driven clock. */
class RateLimiterTest {
    static final long MS = 1_000_000L;
    long now = 1_000_000_000_000L; // an arbitrary origin: nanoTime is not zero-based

    RateLimiter limiter(int frames, int burst, int bytes, long burstBytes) {
        return new RateLimiter(frames, burst, bytes, burstBytes, () -> now);
    }

    @Test
    void withinTheBurstThereIsNoDelay() {
        RateLimiter r = limiter(20, 20, 0, 0);
        for (int i = 0; i < 20; i++) {
            assertEquals(0, r.delayNanos(10), "frame " + i);
        }
    }

    @Test
    void beyondTheBurstEachFrameWaitsOneInterval() {
        RateLimiter r = limiter(20, 20, 0, 0);
        for (int i = 0; i < 20; i++) {
            r.delayNanos(10);
        }
        assertEquals(50 * MS, r.delayNanos(10), "the 21st frame: 1/20 s until the next one may be read");
        assertFalse(r.lastDelayByBytes());
        // Without waiting, the debt keeps growing by one interval per frame.
        assertEquals(100 * MS, r.delayNanos(10));
        // A reader that waits as told sees the same delay every time: the sustained rate is 20 frames/s.
        now += 100 * MS;
        assertEquals(50 * MS, r.delayNanos(10));
        now += 50 * MS;
        assertEquals(50 * MS, r.delayNanos(10));
    }

    @Test
    void tokensComeBackWithTimeButNeverBeyondTheBurst() {
        RateLimiter r = limiter(10, 5, 0, 0);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, r.delayNanos(1));
        }
        assertEquals(100 * MS, r.delayNanos(1));
        now += 300 * MS; // pays the 100 ms debt, then two frames' worth
        assertEquals(0, r.delayNanos(1));
        assertEquals(0, r.delayNanos(1));
        assertEquals(100 * MS, r.delayNanos(1));
        now += 3_600_000 * MS; // an hour idle refills to the burst of 5, not to 36,000
        for (int i = 0; i < 5; i++) {
            assertEquals(0, r.delayNanos(1), "frame " + i);
        }
        assertEquals(100 * MS, r.delayNanos(1));
    }

    @Test
    void theByteBucketLimitsLargeFrames() {
        RateLimiter r = limiter(0, 0, 1000, 3000); // 1000 bytes/s, burst 3000, no frame limit
        assertEquals(0, r.delayNanos(1000));
        assertEquals(0, r.delayNanos(2000));
        assertEquals(500 * MS, r.delayNanos(500), "500 bytes over the burst at 1000 bytes/s");
        assertTrue(r.lastDelayByBytes());
        now += 500 * MS;
        assertEquals(1000 * MS, r.delayNanos(1000));
        // Many tiny frames are fine: only the byte bucket is on.
        RateLimiter tiny = limiter(0, 0, 1000, 3000);
        for (int i = 0; i < 3000; i++) {
            assertEquals(0, tiny.delayNanos(1));
        }
    }

    @Test
    void theLongerOfTheTwoDelaysWins() {
        RateLimiter r = limiter(10, 1, 1000, 1000);
        assertEquals(0, r.delayNanos(1000));
        assertEquals(2000 * MS, r.delayNanos(2000), "bytes: 2 s; frames: 0.1 s");
        assertTrue(r.lastDelayByBytes());
        now += 2000 * MS; // waited as told: both buckets are back within their bursts
        assertEquals(0, r.delayNanos(0));
        assertEquals(100 * MS, r.delayNanos(0), "frames: the burst of 1 is used up; bytes: nothing sent");
        assertFalse(r.lastDelayByBytes());
    }

    @Test
    void zeroTurnsALimitOff() {
        RateLimiter off = limiter(0, 0, 0, 0);
        assertTrue(off.off());
        for (int i = 0; i < 100_000; i++) {
            assertEquals(0, off.delayNanos(1 << 20));
        }
        assertFalse(limiter(1, 1, 0, 0).off());
        assertFalse(limiter(0, 0, 1, 1).off());
    }

    @Test
    void aZeroBurstWaitsAfterEveryFrame() {
        RateLimiter r = limiter(4, 0, 0, 0);
        assertEquals(250 * MS, r.delayNanos(1));
    }

    @Test
    void negativeLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> limiter(-1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> limiter(0, 0, -1, 0));
    }
}
