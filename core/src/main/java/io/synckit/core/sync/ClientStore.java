package io.synckit.core.sync;

import io.synckit.core.protocol.Update;
import java.util.List;

/**
 * What a client keeps across restarts: its outbox of unacknowledged local changes and, per document, a
 * log of updates (local and remote) that rebuilds it. Implementations: IndexedDB in the browser
 * (web-sdk), memory in core's tests.
 *
 * <p>Durability contract: a write is durable before any frame the engine sends after it leaves the
 * machine. A synchronous store meets it by writing before returning; an asynchronous one (IndexedDB)
 * by having the host hold outgoing frames until the writes queued before them have committed. This is
 * what makes "stored before sent" hold: an acknowledged change is never only in memory.
 *
 * <p>Document ids are compared exactly; byte arrays come back byte for byte. The store keeps its own
 * copies: changing an array after passing it, or a list, Update or array it returned, changes nothing
 * stored. {@code ClientStoreContract} (core's test-jar) checks every rule here.
 */
public interface ClientStore {
    /**
     * The next Update sequence number to use: 1 for a new store, else one past the last added (also when
     * the outbox is empty: a sequence is never reused).
     */
    double nextSeq();

    /** Unacknowledged local changes, in sequence order. */
    List<Update> outbox();

    /** Updates that rebuild the document (a compacted state first, then later updates); empty if none. */
    List<byte[]> docLog(String docId);

    /** A local change: appended to the outbox and to its document's log in one atomic write. */
    void addLocal(Update change);

    /** A change received from the server: appended to the document's log. */
    void addRemote(String docId, byte[] update);

    /** The server holds every change up to {@code seq}: drop those outbox entries (the doc logs keep them). */
    void acknowledged(double seq);

    /** Replaces the document's log with one state that contains all of it; the outbox is unchanged. */
    void compact(String docId, byte[] state);
}
