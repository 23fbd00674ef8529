package io.synckit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.synckit.core.codec.DecodeException;
import io.synckit.core.counter.PnCounter;
import io.synckit.core.json.Json;
import io.synckit.core.lww.LwwDoc;
import io.synckit.core.set.OrSet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every truncation and every single-bit flip, at every byte position, of valid states, diffs and state
 * vectors: each must raise {@link DecodeException} and leave the receiving object exactly as it was.
 */
class CorruptionTest {
    static final double T0 = 1_700_000_000_000.0;

    @Test
    void lwwDoc() {
        LwwDoc a = new LwwDoc(4294967301.0, () -> T0);
        Map<String, Object> todo = new LinkedHashMap<>();
        todo.put("title", "Buy milk é😀");
        todo.put("done", Boolean.FALSE);
        todo.put("tags", List.of("home", 2.5, Json.NULL));
        a.set(new String[] {"todo"}, todo);
        a.delete(new String[] {"todo", "done"});
        a.set(new String[] {"n"}, -12.0);
        check(a, () -> {
            LwwDoc b = new LwwDoc(2, () -> T0);
            b.set(new String[] {"mine"}, "kept");
            return b;
        });
    }

    @Test
    void counter() {
        PnCounter a = new PnCounter(9007199254740991.0);
        a.increment(5);
        a.decrement(2.5);
        check(a, () -> {
            PnCounter b = new PnCounter(1);
            b.increment(7);
            return b;
        });
    }

    @Test
    void orSet() {
        OrSet a = new OrSet(3);
        a.add("x");
        a.add("y");
        a.remove("x");
        a.add("z");
        check(a, () -> {
            OrSet b = new OrSet(4);
            b.add("mine");
            return b;
        });
    }

    private static <T extends Replicated<?>> void check(T source, Supplier<T> receiver) {
        T base = receiver.get();
        byte[] diff = source.encodeDiff(base.encodeStateVector());
        for (byte[] valid : new byte[][] {source.encodeState(), diff}) {
            T target = receiver.get();
            byte[] before = target.encodeState();
            for (int len = 0; len < valid.length; len++) {
                byte[] cut = Arrays.copyOf(valid, len);
                assertThrows(DecodeException.class, () -> target.applyUpdate(cut), "truncated to " + len);
            }
            for (int pos = 0; pos < valid.length; pos++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] bad = valid.clone();
                    bad[pos] ^= (byte) (1 << bit);
                    assertThrows(DecodeException.class, () -> target.applyUpdate(bad), "bit " + bit + " of byte " + pos);
                }
            }
            assertArrayEquals(before, target.encodeState(), "a rejected update changed the object");
            target.applyUpdate(valid); // and the intact bytes still apply
        }
        byte[] sv = base.encodeStateVector();
        for (int pos = 0; pos < sv.length; pos++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = sv.clone();
                bad[pos] ^= (byte) (1 << bit);
                assertThrows(DecodeException.class, () -> source.encodeDiff(bad), "state vector bit " + bit + " of byte " + pos);
            }
        }
        for (int len = 0; len < sv.length; len++) {
            byte[] cut = Arrays.copyOf(sv, len);
            assertThrows(DecodeException.class, () -> source.encodeDiff(cut), "state vector truncated to " + len);
        }
    }
}
