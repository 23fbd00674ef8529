package io.synckit.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.codec.DecodeException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TextDocTest {
    @Test
    void localEditing() {
        TextDoc d = new TextDoc(1);
        d.insert(0, "hello");
        d.insert(5, " world");
        d.insert(0, ">");
        d.delete(1, 1);
        d.insert(3, "__");
        assertEquals(">el__lo world", d.toString());
        assertEquals(13, d.length());
        assertThrows(IllegalArgumentException.class, () -> d.insert(14, "x"));
        assertThrows(IllegalArgumentException.class, () -> d.delete(10, 4));
    }

    @Test
    void concurrentInsertsAtTheSameSpotOrderByClientIdAndConverge() {
        TextDoc a = new TextDoc(1);
        TextDoc b = new TextDoc(2);
        a.insert(0, "ab");
        b.applyUpdate(a.encodeState());
        a.insert(1, "A");
        b.insert(1, "B");
        byte[] ua = a.encodeDiff(b.encodeStateVector());
        byte[] ub = b.encodeDiff(a.encodeStateVector());
        a.applyUpdate(ub);
        b.applyUpdate(ua);
        assertEquals(a.toString(), b.toString());
        assertEquals("aABb", a.toString(), "the lower client id goes first, as in Yjs");
    }

    @Test
    void updatesArrivingBeforeTheirDependenciesWaitAndThenApply() {
        TextDoc a = new TextDoc(1);
        TextDoc b = new TextDoc(2);
        a.insert(0, "one ");
        byte[] first = a.encodeState();
        byte[] sv = a.encodeStateVector();
        a.insert(4, "two ");
        a.delete(0, 1);
        byte[] second = a.encodeDiff(sv);
        b.applyUpdate(second); // depends on `first`
        assertEquals("", b.toString());
        b.applyUpdate(first);
        assertEquals("ne two ", b.toString());
        assertEquals(a.toString(), b.toString());
    }

    @Test
    void surrogatePairsAreNeverSplit() {
        TextDoc d = new TextDoc(1);
        d.insert(0, "a😀b");
        d.insert(2, "x"); // between the halves: goes before the pair
        assertEquals("ax😀b", d.toString());
        d.delete(3, 1); // half a pair: the whole pair goes
        assertEquals("axb", d.toString());
    }

    @Test
    void malformedUpdatesAreRejectedWithoutChanges() {
        TextDoc a = new TextDoc(1);
        a.insert(0, "text");
        a.delete(1, 2);
        byte[] state = a.encodeState();
        TextDoc b = new TextDoc(2);
        b.insert(0, "mine");
        byte[] before = b.encodeState();
        for (int pos = 0; pos < state.length; pos++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = state.clone();
                bad[pos] ^= (byte) (1 << bit);
                assertThrows(DecodeException.class, () -> b.applyUpdate(bad));
            }
        }
        for (int len = 0; len < state.length; len++) {
            byte[] cut = Arrays.copyOf(state, len);
            assertThrows(DecodeException.class, () -> b.applyUpdate(cut));
        }
        assertTrue(Arrays.equals(before, b.encodeState()));
    }
}
