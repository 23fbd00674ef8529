package io.synckit.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HlcTest {
    double now = 1_700_000_000_000.0;

    @Test
    void stampsGrowEvenWhenTheWallClockGoesBackwards() {
        Hlc c = new Hlc(1, () -> now, Hlc.DEFAULT_MAX_SKEW_MILLIS);
        Stamp a = c.tick();
        now -= 5_000;
        Stamp b = c.tick();
        Stamp d = c.tick();
        assertTrue(b.after(a) && d.after(b));
        assertEquals(a.wall, d.wall, "the wall part holds while the clock is behind");
        now += 10_000;
        Stamp e = c.tick();
        assertEquals(now, e.wall);
        assertEquals(0, e.counter);
    }

    @Test
    void aWriteAfterSeeingAnotherIsNewerWhateverTheClocksSay() {
        Hlc ahead = new Hlc(1, () -> now + 30_000, Hlc.DEFAULT_MAX_SKEW_MILLIS);
        Hlc behind = new Hlc(2, () -> now, Hlc.DEFAULT_MAX_SKEW_MILLIS);
        Stamp s = ahead.tick();
        behind.check(s);
        behind.observe(s);
        assertTrue(behind.tick().after(s));
    }

    @Test
    void farFutureStampsAreRefusedWithAMessage() {
        Hlc c = new Hlc(1, () -> now, 60_000);
        Stamp ok = new Stamp(now + 59_000, 0, 2);
        c.check(ok);
        Stamp bad = new Stamp(now + 3_600_000, 0, 2);
        ClockSkewException e = assertThrows(ClockSkewException.class, () -> c.check(bad));
        assertTrue(e.getMessage().contains("3600 s ahead"), e.getMessage());
        assertTrue(c.tick().wall < now + 1000, "refusing did not move our clock");
    }

    @Test
    void tiesAreBrokenByReplicaId() {
        assertTrue(new Stamp(5, 0, 3).after(new Stamp(5, 0, 2)));
        assertTrue(new Stamp(5, 1, 2).after(new Stamp(5, 0, 3)));
        assertTrue(new Stamp(6, 0, 0).after(new Stamp(5, 9, 9)));
    }

    @Test
    void replicaIdsMustBeSafeIntegers() {
        assertEquals(9007199254740991.0, ReplicaIds.check(9007199254740991.0));
        for (double bad : new double[] {-1, 1.5, 9007199254740992.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> ReplicaIds.check(bad), "id " + bad);
        }
        assertEquals(4294967296.0 * 0x1FFFFF + 4294967295.0, ReplicaIds.fromRandomBits(-1, -1));
        assertEquals(0.0, ReplicaIds.fromRandomBits(0, 0));
    }
}
