package io.synckit.server.storage;

import java.util.List;

/**
 * Group commit: a store that can make many appends and skips durable in one transaction, so one fsync
 * (SQLite) or one commit (PostgreSQL) covers every update that arrived while the previous one was being
 * written. The server's {@code GroupCommitStore} collects the engine's writes and hands them here.
 */
public interface BatchWriter {
    /** One deferred write: an append ({@code docId} non-null) or a skip. */
    record Write(String docId, int type, byte[] update, double replicaId, double seq) {
        public static Write skip(double replicaId, double seq) {
            return new Write(null, 0, null, replicaId, seq);
        }

        public boolean isSkip() {
            return docId == null;
        }
    }

    /**
     * Makes every write durable in one transaction, in order, with the same effect as calling
     * {@code append} / {@code skip} for each: when it returns, all of them survive a crash; when it throws,
     * none was written.
     */
    void writeBatch(List<Write> writes);
}
