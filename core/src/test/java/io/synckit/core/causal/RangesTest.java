package io.synckit.core.causal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.synckit.core.codec.Reader;
import io.synckit.core.codec.Writer;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RangesTest {
    /** Seeded: random adds, ranges and differences agree with a TreeSet model, through encode/decode. */
    @Test
    void behavesLikeASetOfInts() {
        long seed = Long.getLong("synckit.seed", System.nanoTime());
        Random rnd = new Random(seed);
        for (int round = 0; round < 2000; round++) {
            Ranges a = new Ranges();
            Ranges b = new Ranges();
            TreeSet<Integer> ma = new TreeSet<>();
            TreeSet<Integer> mb = new TreeSet<>();
            for (int k = 0; k < rnd.nextInt(12); k++) {
                int lo = 1 + rnd.nextInt(40);
                int hi = lo + rnd.nextInt(rnd.nextBoolean() ? 1 : 6);
                Ranges target = rnd.nextBoolean() ? a : b;
                target.addRange(lo, hi);
                for (int x = lo; x <= hi; x++) {
                    (target == a ? ma : mb).add(x);
                }
            }
            for (int x = 0; x <= 50; x++) {
                assertEquals(ma.contains(x), a.contains(x), "contains " + x + "; seed " + seed);
            }
            assertEquals(ma.isEmpty() ? 0 : ma.last(), a.max(), "max; seed " + seed);
            Ranges d = a.minus(b);
            TreeSet<Integer> md = new TreeSet<>(ma);
            md.removeAll(mb);
            for (int x = 0; x <= 50; x++) {
                assertEquals(md.contains(x), d.contains(x), "minus at " + x + "; seed " + seed);
            }
            Writer w = new Writer();
            a.write(w);
            Ranges back = Ranges.read(new Reader(w.toByteArray()));
            assertEquals(a, back, "round trip; seed " + seed);
            Ranges c = a.copy();
            c.addAll(b);
            TreeSet<Integer> mc = new TreeSet<>(ma);
            mc.addAll(mb);
            for (int x = 0; x <= 50; x++) {
                assertEquals(mc.contains(x), c.contains(x), "union at " + x + "; seed " + seed);
            }
        }
    }
}
