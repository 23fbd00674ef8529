package io.synckit.core.sync;

import java.util.List;

/**
 * The server's durable storage: per document its type and an append-only log of updates, compacted
 * into a state now and then; per replica the highest Update sequence applied. Implementations:
 * SQLite and PostgreSQL (server), memory in core's tests. All of one contract test suite.
 *
 * <p>Durability contract: when {@link #append} or {@link #skip} returns, the write survives a crash of
 * the process (the engine acknowledges only after that). A failed write throws; nothing is half written.
 * The log holds opaque update bytes, so a store never needs to read a document's content.
 *
 * <p>Values: document ids are compared exactly (no case folding, collation or trimming); replica ids
 * and sequences are integers up to 2^53-1 and come back exact; byte arrays (empty up to the frame limit)
 * come back byte for byte. The store keeps its own copies: changing an array after passing it, or a
 * list or array it returned, changes nothing stored. {@code ServerStoreContract} (core's test-jar)
 * checks every rule here.
 */
public interface ServerStore {
    /** The stored document, or null when nothing was ever written to it. */
    StoredDoc load(String docId);

    /**
     * Appends {@code update} to the document's log (creating it with {@code type}) and records
     * {@code seq} as the highest applied sequence of {@code replicaId}, in one transaction. A document
     * stored with another type: IllegalArgumentException, and nothing is written.
     */
    void append(String docId, int type, byte[] update, double replicaId, double seq);

    /** Records {@code seq} of {@code replicaId} as handled without storing anything (a refused update). */
    void skip(double replicaId, double seq);

    /** The highest sequence recorded for the replica (by append or skip; it never goes back); 0 if none. */
    double appliedSeq(double replicaId);

    /**
     * Folds the document's whole log, as stored at this moment, into the one entry {@code fold} makes of
     * it, atomically: appends and other compactions of the document (from any server node sharing this
     * store) wait until it is done, so every entry is folded exactly once and none appended meanwhile is
     * lost. Returns false, changing nothing, when the document does not exist or {@code fold} returns null
     * (it cannot fold this log, e.g. an end-to-end-encrypted document the server cannot read); when
     * {@code fold} throws, nothing changes and the exception goes to the caller. Type and sequences are
     * unchanged. {@code fold} runs inside the store's transaction: it must be quick and must not call the
     * store.
     */
    boolean compact(String docId, Fold fold);

    /** Makes one log entry equivalent to a whole log (for a CRDT: the state that merges every update). */
    interface Fold {
        /** The entry replacing {@code log} (oldest first, never empty), or null to leave the log as it is. */
        byte[] fold(int type, List<byte[]> log);
    }

    /** A stored document: its type and the log that rebuilds it, oldest first. */
    final class StoredDoc {
        public final int type;
        public final List<byte[]> log;

        public StoredDoc(int type, List<byte[]> log) {
            this.type = type;
            this.log = log;
        }
    }
}
