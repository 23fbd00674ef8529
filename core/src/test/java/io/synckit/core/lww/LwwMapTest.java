package io.synckit.core.lww;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.synckit.core.codec.DecodeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LwwMapTest {
    @Test
    void laterWriteWinsOverOneItHasSeen() {
        LwwMap a = new LwwMap(9);
        LwwMap b = new LwwMap(1);
        a.set("k", "from a");
        b.applyUpdate(a.encodeState());
        b.set("k", "from b, after seeing a");   // lower replica id, but causally later
        a.applyUpdate(b.encodeState());
        assertEquals("from b, after seeing a", a.get("k"));
    }

    @Test
    void concurrentWritesResolveByReplicaIdInEitherOrder() {
        LwwMap a = new LwwMap(1);
        LwwMap b = new LwwMap(2);
        a.set("k", "a");
        b.set("k", "b");
        byte[] sa = a.encodeState();
        byte[] sb = b.encodeState();
        a.applyUpdate(sb);
        b.applyUpdate(sa);
        assertEquals("b", a.get("k"));
        assertEquals("b", b.get("k"));
        assertArrayEquals(a.encodeState(), b.encodeState());
    }

    @Test
    void deleteIsATombstoneThatSyncs() {
        LwwMap a = new LwwMap(1);
        LwwMap b = new LwwMap(2);
        a.set("k", "v");
        b.applyUpdate(a.encodeState());
        a.delete("k");
        b.applyUpdate(a.encodeState());
        assertNull(b.get("k"));
        assertEquals(0, b.size());
        assertArrayEquals(new String[0], b.keys());
    }

    @Test
    void applyingTheSameUpdateTwiceChangesNothing() {
        LwwMap a = new LwwMap(1);
        a.set("x", "1");
        a.set("y", "2");
        LwwMap b = new LwwMap(2);
        assertEquals(2, b.applyUpdate(a.encodeState()));
        assertEquals(0, b.applyUpdate(a.encodeState()));
    }

    @Test
    void everyTruncationIsRejectedAndLeavesTheMapUnchanged() {
        LwwMap a = new LwwMap(1);
        a.set("title", "Buy milk");
        a.set("done", "no");
        a.delete("done");
        byte[] full = a.encodeState();
        LwwMap b = new LwwMap(2);
        b.set("title", "mine");
        byte[] before = b.encodeState();
        for (int len = 0; len < full.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(full, len);
            assertThrows(DecodeException.class, () -> b.applyUpdate(cut), "prefix of " + len + " bytes");
            assertArrayEquals(before, b.encodeState(), "state after prefix of " + len);
        }
    }

    @Test
    void unknownVersionIsRejectedWithAnUpgradeHint() {
        DecodeException e = assertThrows(DecodeException.class, () -> new LwwMap(1).applyUpdate(new byte[] {2, 0}));
        assertEquals(true, e.getMessage().contains("upgrade SyncKit"), e.getMessage());
    }

    @Test
    void rejectsNegativeReplicaIdAndNullKey() {
        assertThrows(IllegalArgumentException.class, () -> new LwwMap(-1));
        assertThrows(IllegalArgumentException.class, () -> new LwwMap(1).set(null, "v"));
    }

    /** Seeded: replicas make random writes and exchange states in random orders; all must converge. */
    @Test
    void randomSessionsConverge() {
        long seed = Long.getLong("synckit.seed", System.nanoTime());
        Random rnd = new Random(seed);
        for (int session = 0; session < 200; session++) {
            int n = 2 + rnd.nextInt(4);
            List<LwwMap> replicas = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                replicas.add(new LwwMap(rnd.nextInt(Integer.MAX_VALUE)));
            }
            for (int step = 0; step < 60; step++) {
                LwwMap r = replicas.get(rnd.nextInt(n));
                int op = rnd.nextInt(10);
                String key = "k" + rnd.nextInt(5);
                if (op < 6) {
                    r.set(key, "v" + rnd.nextInt(100));
                } else if (op < 8) {
                    r.delete(key);
                } else {
                    r.applyUpdate(replicas.get(rnd.nextInt(n)).encodeState());
                }
            }
            List<byte[]> states = new ArrayList<>();
            for (LwwMap r : replicas) {
                states.add(r.encodeState());
            }
            for (LwwMap r : replicas) {
                List<byte[]> shuffled = new ArrayList<>(states);
                Collections.shuffle(shuffled, rnd);
                for (byte[] s : shuffled) {
                    r.applyUpdate(s);
                }
            }
            byte[] expected = replicas.get(0).encodeState();
            for (LwwMap r : replicas) {
                assertArrayEquals(expected, r.encodeState(), "diverged; rerun with -Dsynckit.seed=" + seed);
            }
        }
    }
}
