package io.synckit.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.synckit.core.protocol.DocType;
import io.synckit.core.sync.ServerStore;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The {@link BatchWriter} rules, for every SQL store's test (the store contract in core does not know batches). */
final class BatchWriterChecks {
    private BatchWriterChecks() {
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A batch is written in one transaction, in order, or not at all (a type clash in the middle). */
    static void wholeOrNothing(ServerStore store) {
        BatchWriter w = (BatchWriter) store;
        store.append("t", DocType.TEXT, bytes("t0"), 9, 1);
        w.writeBatch(List.of(new BatchWriter.Write("a", DocType.COUNTER, bytes("a1"), 9, 2),
                BatchWriter.Write.skip(9, 3), new BatchWriter.Write("a", DocType.COUNTER, bytes("a2"), 9, 4)));
        assertEquals(2, store.load("a").log.size());
        assertEquals(4, store.appliedSeq(9));
        assertThrows(RuntimeException.class, () -> w.writeBatch(List.of(
                new BatchWriter.Write("b", DocType.COUNTER, bytes("b1"), 9, 5),
                new BatchWriter.Write("t", DocType.COUNTER, bytes("clash"), 9, 6))));
        assertEquals(null, store.load("b"), "the first write of the failed batch was rolled back");
        assertEquals(4, store.appliedSeq(9));
        assertEquals(1, store.load("t").log.size());
    }
}
