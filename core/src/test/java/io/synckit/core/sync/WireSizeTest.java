package io.synckit.core.sync;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.Replicated;
import io.synckit.core.clock.ReplicaIds;
import io.synckit.core.counter.PnCounter;
import io.synckit.core.lww.LwwDoc;
import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Update;
import io.synckit.core.set.OrSet;
import io.synckit.core.text.TextDoc;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bytes on the wire for one typical local change: the CRDT update ({@code encodeLocalChanges}, what
 * {@link SyncClient#localChange} sends), the whole Update frame, and the same change written as JSON
 * for comparison. Replica ids are random 53-bit ids (8-byte varints, the worst case), the sequence
 * number is in the thousands, and every document already has history from other replicas. Prints a
 * table (docs/benchmarks.md) and fails when a size grows past its bound.
 */
class WireSizeTest {
    static final double SEQ = 4321;

    static final class Row {
        final String op;
        final int data;
        final int frame;
        final int json;
        final int bound;

        Row(String op, int data, int frame, int json, int bound) {
            this.op = op;
            this.data = data;
            this.frame = frame;
            this.json = json;
            this.bound = bound;
        }
    }

    final Random rnd = new Random(42);
    final List<Row> rows = new ArrayList<>();

    double randomId() {
        return ReplicaIds.fromRandomBits(rnd.nextInt() | 0x100000, rnd.nextInt());
    }

    /** Measures the change {@code op} makes to {@code doc} (whose sync began at its current state). */
    void measure(String name, String docId, Replicated<?> doc, Runnable op, String json, int bound) {
        byte[] since = doc.encodeStateVector();
        doc.encodeLocalChanges(since); // starts change tracking, as SyncClient.open does
        op.run();
        byte[] data = doc.encodeLocalChanges(since);
        byte[] frame = FrameCodec.encode(new Update(SEQ, docId, data));
        rows.add(new Row(name, data.length, frame.length, json.getBytes(StandardCharsets.UTF_8).length, bound));
    }

    @Test
    void oneLocalChangeIsSmallOnTheWire() {
        double me = randomId();
        double[] others = {randomId(), randomId(), randomId()};

        PnCounter counter = new PnCounter(me);
        for (double o : others) {
            PnCounter c = new PnCounter(o);
            c.increment(17);
            counter.applyUpdate(c.encodeState());
        }
        counter.increment(3);
        measure("counter increment", "counter", counter, () -> counter.increment(1),
                "{\"doc\":\"counter\",\"op\":\"inc\",\"value\":1}", 40);

        double[] now = {1.7e12};
        LwwDoc todo = new LwwDoc(me, () -> now[0]);
        for (double o : others) {
            LwwDoc d = new LwwDoc(o, () -> now[0]);
            d.set("done", false);
            d.set("note", "from " + o);
            todo.applyUpdate(d.encodeState());
        }
        now[0] += 1234;
        measure("LwwDoc set title = \"milk\"", "todo", todo, () -> todo.set("title", "milk"),
                "{\"doc\":\"todo\",\"op\":\"set\",\"path\":[\"title\"],\"value\":\"milk\"}", 80);

        OrSet tags = new OrSet(me);
        for (double o : others) {
            OrSet s = new OrSet(o);
            s.add("red" + o);
            s.add("blue");
            tags.applyUpdate(s.encodeState());
        }
        measure("OrSet add \"milk\"", "tags", tags, () -> tags.add("milk"),
                "{\"doc\":\"tags\",\"op\":\"add\",\"value\":\"milk\"}", 56);

        TextDoc text = textWithHistory(me, others, 10_000, 0);
        measure("TextDoc insert 1 char (10,000-char doc)", "notes", text, () -> text.insert(5000, "x"),
                "{\"doc\":\"notes\",\"op\":\"insert\",\"index\":5000,\"text\":\"x\"}", 62);

        TextDoc deleted = textWithHistory(me, others, 10_000, 2000);
        int deletions = 2000;
        measure("TextDoc delete 1 char (" + deletions + " earlier deletions)", "notes", deleted,
                () -> deleted.delete(4000, 1),
                "{\"doc\":\"notes\",\"op\":\"delete\",\"index\":4000,\"length\":1}", 44);
        // The same change as a plain diff against the same state vector: it must carry the whole delete set.
        TextDoc again = textWithHistory(me, others, 10_000, 2000);
        byte[] sv = again.encodeStateVector();
        again.delete(4000, 1);
        int fullDiff = FrameCodec.encode(new Update(SEQ, "notes", again.encodeDiff(sv))).length;

        StringBuilder table = new StringBuilder();
        table.append("| change | CRDT update (B) | Update frame (B) | as JSON (B) |\n|---|---:|---:|---:|\n");
        for (Row r : rows) {
            table.append("| ").append(r.op).append(" | ").append(r.data).append(" | ").append(r.frame).append(" | ")
                    .append(r.json).append(" |\n");
        }
        table.append("\n(the delete as encodeDiff, with the whole delete set: ").append(fullDiff).append(" B frame)\n");
        System.out.println(table);
        for (Row r : rows) {
            assertTrue(r.frame <= r.bound, r.op + ": " + r.frame + " bytes, bound " + r.bound + "\n" + table);
        }
        assertTrue(fullDiff > 10 * rows.get(rows.size() - 1).frame, "the delete set is what encodeLocalChanges saves");
    }

    /**
     * A text of {@code length} characters typed in runs by four replicas at random places (so it has
     * many items), then {@code deletions} single characters deleted at random.
     */
    TextDoc textWithHistory(double me, double[] others, int length, int deletions) {
        Random r = new Random(7);
        TextDoc[] writers = new TextDoc[others.length];
        for (int i = 0; i < others.length; i++) {
            writers[i] = new TextDoc(others[i]);
        }
        TextDoc shared = new TextDoc(12345);
        int typed = 0;
        while (typed < length + deletions) {
            TextDoc w = writers[r.nextInt(writers.length)];
            w.applyUpdate(shared.encodeDiff(w.encodeStateVector()));
            int run = Math.min(1 + r.nextInt(40), length + deletions - typed);
            StringBuilder s = new StringBuilder();
            for (int k = 0; k < run; k++) {
                s.append((char) ('a' + r.nextInt(26)));
            }
            w.insert(r.nextInt(w.length() + 1), s.toString());
            shared.applyUpdate(w.encodeDiff(shared.encodeStateVector()));
            typed += run;
        }
        for (int k = 0; k < deletions; k++) {
            shared.delete(r.nextInt(shared.length()), 1); // who deletes is not recorded
        }
        TextDoc mine = new TextDoc(me);
        mine.applyUpdate(shared.encodeState());
        return mine;
    }
}
