package io.synckit.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TextDoc#encodeLocalChanges}: what the sync engine's outbox holds for text. Each update carries
 * only the deletions made since the previous one, so a keystroke stays small however much was deleted
 * before; the sequence of them, applied in order, rebuilds the text.
 */
class TextDocLocalChangesTest {
    /** A replica as the sync engine drives it: every local edit is followed by encodeLocalChanges. */
    private static final class Writer {
        final TextDoc doc;
        byte[] flushed;

        Writer(double replica) {
            doc = new TextDoc(replica);
            flushed = doc.encodeStateVector();
            doc.encodeLocalChanges(flushed); // starts recording, as SyncClient.open does
        }

        byte[] localChange() {
            byte[] u = doc.encodeLocalChanges(flushed);
            flushed = doc.encodeStateVector();
            return u;
        }

        void remote(byte[] u) {
            doc.applyUpdate(u);
            flushed = doc.encodeStateVector();
        }
    }

    @Test
    void aKeystrokeStaysSmallAfterThousandsOfDeletions() {
        Writer a = new Writer(1);
        TextDoc b = new TextDoc(2);
        Random random = new Random(42);
        for (int i = 0; i < 4000; i++) {
            a.doc.insert(a.doc.length() == 0 ? 0 : random.nextInt(a.doc.length() + 1), "x");
            b.applyUpdate(a.localChange());
        }
        for (int i = 0; i < 3000; i++) {
            a.doc.delete(random.nextInt(a.doc.length()), 1); // scattered: thousands of delete ranges
            b.applyUpdate(a.localChange());
        }
        assertEquals(1000, a.doc.length());

        byte[] sinceSv = a.flushed;
        a.doc.insert(500, "k");
        byte[] full = a.doc.encodeDiff(sinceSv);
        byte[] keystroke = a.localChange();
        assertTrue(keystroke.length < 64, "one keystroke: " + keystroke.length + " bytes");
        assertTrue(full.length > 1000 && full.length > 20 * keystroke.length,
                "encodeDiff carries the whole delete set: " + full.length + " bytes, against " + keystroke.length);
        b.applyUpdate(keystroke);
        assertEquals(a.doc.toString(), b.toString());

        a.doc.delete(10, 1);
        byte[] deletion = a.localChange();
        assertTrue(deletion.length < 64, "one deletion: " + deletion.length + " bytes");
        b.applyUpdate(deletion);
        assertEquals(a.doc.toString(), b.toString());
    }

    @Test
    void theSequenceOfLocalChangesRebuildsTheText() {
        for (int run = 0; run < 30; run++) {
            long seed = 1000 + run;
            Random random = new Random(seed);
            Writer a = new Writer(1 + run);
            TextDoc b = new TextDoc(500);
            for (int step = 0; step < 300; step++) {
                int ops = 1 + random.nextInt(3); // sometimes several edits per update
                for (int k = 0; k < ops; k++) {
                    edit(a.doc, random);
                }
                b.applyUpdate(a.localChange());
                if (step % 25 == 0) {
                    assertEquals(a.doc.toString(), b.toString(), "seed " + seed + ", step " + step);
                }
            }
            assertEquals(a.doc.toString(), b.toString(), "seed " + seed);
            TextDoc c = new TextDoc(501);
            c.applyUpdate(b.encodeState());
            assertEquals(a.doc.toString(), c.toString(), "seed " + seed + ": a state rebuilt from the receiver");
        }
    }

    @Test
    void twoWritersExchangingLocalChangesConverge() {
        // Both edit; updates travel in order per direction, with random delays, as through the server.
        for (int run = 0; run < 30; run++) {
            long seed = 2000 + run;
            Random random = new Random(seed);
            Writer[] w = {new Writer(7), new Writer(3)};
            @SuppressWarnings("unchecked")
            ArrayDeque<byte[]>[] toward = new ArrayDeque[] {new ArrayDeque<byte[]>(), new ArrayDeque<byte[]>()};
            for (int step = 0; step < 400; step++) {
                int who = random.nextInt(2);
                int action = random.nextInt(4);
                if (action < 2) {
                    edit(w[who].doc, random);
                    toward[1 - who].add(w[who].localChange());
                } else if (!toward[who].isEmpty()) {
                    w[who].remote(toward[who].poll());
                }
            }
            for (int who = 0; who < 2; who++) {
                while (!toward[who].isEmpty()) {
                    w[who].remote(toward[who].poll());
                }
            }
            assertEquals(w[0].doc.toString(), w[1].doc.toString(), "seed " + seed);
        }
    }

    private static final String[] PIECES = {"a", "bc", "def", " ", "\ud83d\ude00", "\u00e9", "xyz\n"};

    private static void edit(TextDoc d, Random random) {
        int len = d.length();
        if (len > 0 && random.nextInt(5) < 2) {
            int at = random.nextInt(len);
            d.delete(at, 1 + random.nextInt(Math.min(4, len - at)));
        } else {
            d.insert(random.nextInt(len + 1), PIECES[random.nextInt(PIECES.length)]);
        }
    }
}
