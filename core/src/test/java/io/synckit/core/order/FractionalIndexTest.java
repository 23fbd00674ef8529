package io.synckit.core.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class FractionalIndexTest {
    private static final double MAX_ID = 9007199254740991.0; // 2^53 - 1
    private static final double[] EDGE_IDS = {0, 1, 4294967301.0 /* 2^32 + 5 */, MAX_ID};

    private static long seed() {
        return Long.getLong("synckit.seed", System.nanoTime());
    }

    private static void assertBetween(String before, String key, String after, String context) {
        FractionalIndex.validate(key);
        if (before != null) {
            assertTrue(before.compareTo(key) < 0, context + ": expected " + before + " < " + key);
        }
        if (after != null) {
            assertTrue(key.compareTo(after) < 0, context + ": expected " + key + " < " + after);
        }
    }

    private static boolean isAlphanumeric(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return true;
    }

    @Test
    void endsOfTheListForEveryEdgeReplicaId() {
        for (double id : EDGE_IDS) {
            String first = FractionalIndex.between(null, null, id);
            assertTrue(isAlphanumeric(first), first);
            assertBetween(null, first, null, "first key, id " + id);
            String later = FractionalIndex.between(first, null, id);
            String earlier = FractionalIndex.between(null, first, id);
            assertBetween(first, later, null, "append, id " + id);
            assertBetween(null, earlier, first, "prepend, id " + id);
            assertBetween(earlier, FractionalIndex.between(earlier, first, id), first, "middle, id " + id);
            assertBetween(first, FractionalIndex.between(first, later, id), later, "middle, id " + id);
        }
    }

    @Test
    void sameCallGivesTheSameKey() {
        String a = FractionalIndex.between(null, null, 7);
        String b = FractionalIndex.between(a, null, 7);
        for (double id : EDGE_IDS) {
            assertEquals(FractionalIndex.between(a, b, id), FractionalIndex.between(a, b, id));
            assertEquals(FractionalIndex.between(null, a, id), FractionalIndex.between(null, a, id));
        }
    }

    @Test
    void concurrentInsertsIntoOneGapDifferAndStayInside() {
        String a = FractionalIndex.between(null, null, 3);
        String b = FractionalIndex.between(a, null, 3);
        String[][] gaps = {{null, null}, {a, null}, {null, a}, {a, b}};
        double[] ids = {0, 1, 2, 61, 62, 63, 3843, 3844, 4294967301.0, MAX_ID - 1, MAX_ID};
        for (String[] gap : gaps) {
            Set<String> seen = new HashSet<>();
            for (double id : ids) {
                String k = FractionalIndex.between(gap[0], gap[1], id);
                assertBetween(gap[0], k, gap[1], "id " + id);
                assertTrue(seen.add(k), "replica " + id + " got the same key " + k + " as another replica");
            }
        }
    }

    /**
     * Seeded: the last digit n says the n digits before it are the replica's, so a key names its
     * replica and keys of different replicas never collide, even in different gaps.
     */
    @Test
    void replicaSuffixIsReadableFromTheEndAndDiffersPerReplica() {
        long seed = seed();
        Random rnd = new Random(seed);
        List<Double> ids = new ArrayList<>(List.of(0.0, 1.0, 41.0, 42.0, 43.0, 61.0, 62.0, 2645.0, 2646.0,
                3843.0, 4294967301.0, MAX_ID - 1, MAX_ID));
        for (int i = 0; i < 2000; i++) {
            ids.add((double) (rnd.nextLong() >>> (11 + rnd.nextInt(50))));
        }
        String a = FractionalIndex.between(null, null, 7);
        String b = FractionalIndex.between(a, null, 7);
        String[][] gaps = {{null, null}, {a, null}, {null, a}, {a, b}};
        java.util.Map<String, Double> owner = new java.util.HashMap<>();
        for (double id : ids) {
            String suffix = null;
            for (String[] gap : gaps) {
                String k = FractionalIndex.between(gap[0], gap[1], id);
                int n = k.charAt(k.length() - 1) - '0';
                assertTrue(n >= 1 && n <= 9, k);
                String s = k.substring(k.length() - n - 1);
                assertTrue(s.charAt(0) >= 'A' && s.charAt(0) <= 'p', "suffix " + s + " of id " + id);
                if (suffix == null) {
                    suffix = s;
                }
                assertEquals(suffix, s, "id " + id + " gave different suffixes; seed " + seed);
            }
            Double other = owner.put(suffix, id);
            assertTrue(other == null || other == id, "ids " + id + " and " + other + " share suffix " + suffix
                    + "; rerun with -Dsynckit.seed=" + seed);
        }
        assertEquals(10, FractionalIndex.between(null, null, MAX_ID).length() - 2, "2^53-1 takes 9 digits + count");
        assertEquals(2, FractionalIndex.between(null, null, 41).length() - 2, "ids below 42 take 1 digit + count");
        assertEquals(3, FractionalIndex.between(null, null, 42).length() - 2, "42 takes 2 digits + count");
    }

    @Test
    void rejectsInvalidReplicaIds() {
        double[] bad = {-1, 1.5, Double.NaN, 9007199254740992.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double id : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FractionalIndex.between(null, null, id), "id " + id);
            assertTrue(e.getMessage().contains("replicaId"), e.getMessage());
        }
    }

    @Test
    void rejectsMalformedKeysNamingThem() {
        String good = FractionalIndex.between(null, null, 1);
        String[] bad = {
            "",                            // empty
            "5abc",                        // no head letter
            "b1",                          // head announces 2 digits, has 1
            "a0-1",                        // not a base-62 digit
            "a0 1",
            "a0\u00e91",
            "a010",                        // fraction ends in 0
            "A" + "0".repeat(26),          // smallest integer alone: nothing fits before it
        };
        for (String key : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FractionalIndex.validate(key), "key \"" + key + "\"");
            assertTrue(e.getMessage().contains("\"" + key + "\""), e.getMessage());
            assertTrue(e.getMessage().contains("Expected"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> FractionalIndex.between(key, null, 1));
            assertThrows(IllegalArgumentException.class, () -> FractionalIndex.between(null, key, 1));
            assertThrows(IllegalArgumentException.class, () -> FractionalIndex.between(key, good, 1));
        }
        assertThrows(IllegalArgumentException.class, () -> FractionalIndex.validate(null));
        FractionalIndex.validate(good);
        FractionalIndex.validate("a5"); // integer-only keys are never produced but are well-formed
    }

    @Test
    void rejectsBeforeNotLessThanAfter() {
        String a = FractionalIndex.between(null, null, 1);
        String b = FractionalIndex.between(a, null, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FractionalIndex.between(b, a, 1));
        assertTrue(e.getMessage().contains("must be less than"), e.getMessage());
        assertTrue(e.getMessage().contains(a) && e.getMessage().contains(b), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FractionalIndex.between(a, a, 1));
    }

    @Test
    void extremeIntegersFallBackToTheFraction() {
        String max = "z" + "z".repeat(26) + "1";
        String k = max;
        for (int i = 0; i < 100; i++) {
            String next = FractionalIndex.between(k, null, 5);
            assertBetween(k, next, null, "append past the largest integer");
            k = next;
        }
        String min = "A" + "0".repeat(26) + "1";
        k = min;
        for (int i = 0; i < 100; i++) {
            String prev = FractionalIndex.between(null, k, 5);
            assertBetween(null, prev, k, "prepend before the smallest integer");
            k = prev;
        }
        assertBetween(null, FractionalIndex.between(null, "A" + "0".repeat(26) + "001", 0), min, "tiny");
    }

    @Test
    void walksAcrossIntegerLengthBoundaries() {
        // Across a0..az -> b00.. and Zz.. -> Y.. the head changes length; order must hold.
        String up = FractionalIndex.between(null, null, 0);
        String down = up;
        for (int i = 0; i < 300_000; i++) {
            String next = FractionalIndex.between(up, null, 0);
            if (next.compareTo(up) <= 0) {
                throw new AssertionError("append " + i + ": " + next + " <= " + up);
            }
            up = next;
            String prev = FractionalIndex.between(null, down, 0);
            if (prev.compareTo(down) >= 0) {
                throw new AssertionError("prepend " + i + ": " + prev + " >= " + down);
            }
            down = prev;
        }
        FractionalIndex.validate(up);
        FractionalIndex.validate(down);
    }

    @Test
    void spreadGivesIncreasingKeysInsideTheGap() {
        String a = FractionalIndex.between(null, null, 1);
        String b = FractionalIndex.between(a, null, 1);
        String[][] gaps = {{null, null}, {a, null}, {null, a}, {a, b}};
        for (String[] gap : gaps) {
            for (int count : new int[] {0, 1, 2, 3, 10, 1000}) {
                String[] keys = FractionalIndex.spread(gap[0], gap[1], count, MAX_ID);
                assertEquals(count, keys.length);
                String prev = gap[0];
                int maxLen = 0;
                for (String k : keys) {
                    assertBetween(prev, k, gap[1], "spread of " + count);
                    prev = k;
                    maxLen = Math.max(maxLen, k.length());
                }
                assertTrue(maxLen <= 18, "spread of " + count + " made a key of length " + maxLen);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> FractionalIndex.spread(null, null, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> FractionalIndex.spread(b, a, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> FractionalIndex.spread(a, b, 2, -1));
    }

    /**
     * Seeded: several replicas insert at random places, sometimes concurrently into the same gap.
     * The list must stay strictly ordered, concurrent keys must differ, and every gap must stay open.
     */
    @Test
    void randomInsertsByManyReplicasKeepTheListOrdered() {
        long seed = seed();
        String rerun = "; rerun with -Dsynckit.seed=" + seed;
        Random rnd = new Random(seed);
        // Ids must be distinct: two replicas never share one (a drawn 0 once duplicated replica 0).
        double[] replicas = {0, 1, 2, 4294967301.0, MAX_ID, 0, 0};
        replicas[5] = 3 + (double) (rnd.nextLong() >>> 12); // in [3, 2^52 + 3): below MAX_ID = 2^53 - 1
        replicas[6] = 3 + rnd.nextInt(1000);
        assertNotEquals(replicas[5], replicas[6], "replica ids must be distinct" + rerun);
        List<String> list = new ArrayList<>();
        for (int op = 0; op < 4000; op++) {
            int gap = rnd.nextInt(list.size() + 1); // insert before list[gap]; 0 = start, size = end
            String before = gap == 0 ? null : list.get(gap - 1);
            String after = gap == list.size() ? null : list.get(gap);
            int writers = rnd.nextInt(4) == 0 ? 2 + rnd.nextInt(3) : 1;
            List<String> made = new ArrayList<>();
            int first = rnd.nextInt(replicas.length);
            for (int w = 0; w < writers; w++) {
                double id = replicas[(first + w) % replicas.length];
                String k = FractionalIndex.between(before, after, id);
                assertEquals(k, FractionalIndex.between(before, after, id), "not deterministic" + rerun);
                assertBetween(before, k, after, "op " + op + ", replica " + id + rerun);
                for (String other : made) {
                    assertNotEquals(other, k, "concurrent inserts collided at op " + op + rerun);
                }
                made.add(k);
            }
            made.sort(null);
            list.addAll(gap, made);
            for (int i = 1; i < list.size(); i++) {
                if (list.get(i - 1).compareTo(list.get(i)) >= 0) {
                    throw new AssertionError("list out of order after op " + op + " at " + i + ": "
                            + list.get(i - 1) + " >= " + list.get(i) + rerun);
                }
            }
        }
        for (int i = 0; i + 1 < list.size(); i++) {
            String a = list.get(i);
            String b = list.get(i + 1);
            double id = replicas[rnd.nextInt(replicas.length)];
            assertBetween(a, FractionalIndex.between(a, b, id), b, "neighbours " + i + rerun);
        }
    }

    /** Seeded: keeps inserting into gaps between random earlier keys; checks every gap stays open. */
    @Test
    void nestedInsertsBetweenAnyTwoKeysWork() {
        long seed = seed();
        String rerun = "; rerun with -Dsynckit.seed=" + seed;
        Random rnd = new Random(seed);
        TreeSet<String> set = new TreeSet<>();
        List<String> all = new ArrayList<>();
        String k0 = FractionalIndex.between(null, null, 9);
        String k1 = FractionalIndex.between(k0, null, 9);
        set.add(k0);
        set.add(k1);
        all.add(k0);
        all.add(k1);
        for (int op = 0; op < 5000; op++) {
            String a = all.get(rnd.nextInt(all.size()));
            String b = all.get(rnd.nextInt(all.size()));
            if (a.equals(b)) {
                continue;
            }
            if (a.compareTo(b) > 0) {
                String t = a;
                a = b;
                b = t;
            }
            double id = rnd.nextInt(3) == 0 ? (double) (rnd.nextLong() >>> 11) : rnd.nextInt(5);
            String k = FractionalIndex.between(a, b, id);
            assertBetween(a, k, b, "op " + op + rerun);
            if (set.add(k)) {
                all.add(k);
            }
        }
        // Far-apart pairs share short prefixes, so a reused replica id can repeat a key here; real
        // replicas insert between neighbours, where their own keys never repeat.
        assertTrue(all.size() > 1000, "only " + all.size() + " distinct keys" + rerun);
    }

    /**
     * Seeded: any two well-formed keys, not only ones this class made, have room between them.
     * Digits are biased to 0, 1, y and z and heads to the extremes, where carries and borrows happen.
     */
    @Test
    void anyTwoWellFormedKeysHaveRoomBetween() {
        long seed = seed();
        String rerun = "; rerun with -Dsynckit.seed=" + seed;
        Random rnd = new Random(seed);
        for (int op = 0; op < 20_000; op++) {
            String a = rnd.nextInt(8) == 0 ? null : randomKey(rnd);
            String b = rnd.nextInt(8) == 0 ? null : randomKey(rnd);
            if (a != null && b != null) {
                int c = a.compareTo(b);
                if (c == 0) {
                    continue;
                }
                if (c > 0) {
                    String t = a;
                    a = b;
                    b = t;
                }
            }
            double id = rnd.nextBoolean() ? rnd.nextInt(200) : (double) (rnd.nextLong() >>> 11);
            String k = FractionalIndex.between(a, b, id);
            assertBetween(a, k, b, "between " + a + " and " + b + rerun);
        }
    }

    private static String randomKey(Random rnd) {
        String letters = "AABYZZabyzz";
        String digits = "0000011yzzz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        while (true) {
            char head = letters.charAt(rnd.nextInt(letters.length()));
            int n = head >= 'a' ? head - 'a' + 1 : 'Z' - head + 1;
            StringBuilder sb = new StringBuilder().append(head);
            for (int i = 0; i < n; i++) {
                sb.append(digits.charAt(rnd.nextInt(digits.length())));
            }
            int frac = rnd.nextInt(6);
            for (int i = 0; i < frac; i++) {
                sb.append(digits.charAt(rnd.nextInt(digits.length())));
            }
            String key = sb.toString();
            if (frac > 0 && key.endsWith("0") || key.equals("A" + "0".repeat(26))) {
                continue;
            }
            FractionalIndex.validate(key);
            return key;
        }
    }

    @Test
    void keysStayShort() {
        long seed = seed();
        String rerun = "; rerun with -Dsynckit.seed=" + seed;
        Random rnd = new Random(seed);

        int[] append = chain(1_000_000, true);
        int[] prepend = chain(1_000_000, false);
        System.out.println("fractional-index growth: 1,000,000 appends -> final key length " + append[0]
                + ", max " + append[1] + " (10 of them the replica suffix)");
        System.out.println("fractional-index growth: 1,000,000 prepends -> final key length " + prepend[0]
                + ", max " + prepend[1]);
        assertTrue(append[1] <= 16, "appends grew keys to " + append[1]);
        assertTrue(prepend[1] <= 16, "prepends grew keys to " + prepend[1]);

        // Random positions: pick a random existing key and insert right after it (or at the start).
        double[] replicas = {MAX_ID, (double) (rnd.nextLong() >>> 11), (double) (rnd.nextLong() >>> 11)};
        TreeSet<String> set = new TreeSet<>();
        List<String> all = new ArrayList<>();
        String last = FractionalIndex.between(null, null, replicas[0]);
        set.add(last);
        all.add(last);
        int max = last.length();
        long total = 0;
        for (int i = 1; i < 100_000; i++) {
            double id = replicas[rnd.nextInt(replicas.length)];
            String k;
            if (rnd.nextInt(all.size() + 1) == 0) {
                k = FractionalIndex.between(null, set.first(), id);
            } else {
                String a = all.get(rnd.nextInt(all.size()));
                k = FractionalIndex.between(a, set.higher(a), id);
            }
            assertTrue(set.add(k), "duplicate key " + k + rerun);
            all.add(k);
            max = Math.max(max, k.length());
            total += k.length();
            last = k;
        }
        System.out.println("fractional-index growth: 100,000 random inserts -> last key length " + last.length()
                + ", max " + max + ", mean " + (total / 99_999.0) + " (seed " + seed + ")");
        assertTrue(max <= 26, "random inserts grew keys to " + max + rerun);

        // The known weak spot of fractional indexing: always inserting at the same place. It grows
        // keys linearly; the bound checks it stays near one character per five inserts for any id.
        for (double id : new double[] {0, 1, 61, 3843, 4294967301.0, MAX_ID}) {
            String a = FractionalIndex.between(null, null, id);
            String b = FractionalIndex.between(a, null, id);
            String afterA = b;
            String beforeB = a;
            for (int i = 0; i < 1000; i++) {
                afterA = FractionalIndex.between(a, afterA, id);
                beforeB = FractionalIndex.between(beforeB, b, id);
            }
            System.out.println("fractional-index growth: replica " + (long) id + ", 1,000 inserts right after"
                    + " one item -> key length " + afterA.length() + ", right before one item -> "
                    + beforeB.length());
            assertTrue(afterA.length() <= 240, "inserts after one item grew keys to " + afterA.length());
            assertTrue(beforeB.length() <= 290, "inserts before one item grew keys to " + beforeB.length());
        }
    }

    /** Appends (or prepends) n times from the first key; returns {final length, max length}. */
    private static int[] chain(int n, boolean append) {
        String k = FractionalIndex.between(null, null, MAX_ID);
        int max = k.length();
        for (int i = 0; i < n; i++) {
            k = append ? FractionalIndex.between(k, null, MAX_ID) : FractionalIndex.between(null, k, MAX_ID);
            max = Math.max(max, k.length());
        }
        return new int[] {k.length(), max};
    }
}
