package io.synckit.core.sync;

import io.synckit.core.Replicated;
import io.synckit.core.codec.Writer;
import io.synckit.core.protocol.Update;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link SyncClient} for an asynchronous host (the browser, Node): everything the client asks of the
 * outside world (store writes, frames to send, connect, close) and everything it tells (status, remote
 * changes, errors) is queued as one ordered list of effects, which the host takes with {@link #drain}
 * after each call and carries out in order.
 *
 * <p>Why a queue and not callbacks: the host's storage (IndexedDB) is asynchronous while the engine is
 * not. The session keeps the store in memory (so the engine reads it synchronously) and hands each write
 * to the host as a WRITE_ effect; the host commits the writes it has drained before it sends any frame
 * that follows them, which is exactly {@link ClientStore}'s durability contract ("stored before sent").
 * One byte array per drain also crosses the JS/wasm boundary once instead of once per event.
 *
 * <p>Effect encoding ({@link io.synckit.core.codec.Writer}; the host's decoder mirrors it): a sequence of
 * records, each a kind byte followed by its fields:
 * <pre>
 *  1 WRITE_LOCAL    seq (varuint53), docId (string), data (bytes)  outbox entry + doc log entry, one atomic write
 *  2 WRITE_REMOTE   docId, data                                    doc log entry
 *  3 WRITE_ACK      seq                                            drop outbox entries up to seq
 *  4 WRITE_COMPACT  docId, state                                   replace the doc's log by state
 *  5 SEND           frame (bytes)                                  after every earlier write is committed
 *  6 CONNECT                                                       open a connection, report onOpen/onClose
 *  7 CLOSE                                                         close it; report nothing more from it
 *  8 STATUS         status (varuint)                               SyncClient.STATUS_*
 *  9 CHANGE         docId                                          a remote update changed the document
 * 10 ERROR          code (varuint), message, docId
 * </pre>
 * Bytes are a varuint length and the bytes. Before {@link #begin}, the host loads what it stored with
 * {@link #loadNextSeq}, {@link #loadOutbox} and {@link #loadDocLog}.
 */
public final class SyncSession {
    public static final int WRITE_LOCAL = 1;
    public static final int WRITE_REMOTE = 2;
    public static final int WRITE_ACK = 3;
    public static final int WRITE_COMPACT = 4;
    public static final int SEND = 5;
    public static final int CONNECT = 6;
    public static final int CLOSE = 7;
    public static final int STATUS = 8;
    public static final int CHANGE = 9;
    public static final int ERROR = 10;

    private final double replicaId;
    private final String token;
    private final RandomSource random;
    private final SyncClient.Options options;
    private final MemoryStore store = new MemoryStore();
    private Writer effects = new Writer();
    private SyncClient client;

    public SyncSession(double replicaId, String token, RandomSource random, SyncClient.Options options) {
        this.replicaId = replicaId;
        this.token = token;
        this.random = random;
        this.options = options;
    }

    // ---- loading what the host stored (before begin) ----

    public void loadNextSeq(double nextSeq) {
        beforeBegin();
        store.nextSeq = Math.max(store.nextSeq, nextSeq);
    }

    public void loadOutbox(double seq, String docId, byte[] data) {
        beforeBegin();
        store.outbox.add(new Update(seq, docId, data));
        store.nextSeq = Math.max(store.nextSeq, seq + 1);
    }

    public void loadDocLog(String docId, byte[] entry) {
        beforeBegin();
        store.log(docId).add(entry);
    }

    private void beforeBegin() {
        if (client != null) {
            throw new IllegalStateException("load the stored data before begin()");
        }
    }

    /** Creates the client on what was loaded. */
    public void begin() {
        beforeBegin();
        store.outbox.sort((a, b) -> a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0); // not Double.compare: long bits in JS
        client = new SyncClient(replicaId, token, store, new HostIo(), random, new HostListener(), options);
    }

    public SyncClient client() {
        if (client == null) {
            throw new IllegalStateException("call begin() first");
        }
        return client;
    }

    /** The store in memory (tests: the ClientStore contract runs on it). */
    ClientStore store() {
        return store;
    }

    /** The effects queued since the last drain (empty array when none). */
    public byte[] drain() {
        if (effects.size() == 0) {
            return new byte[0];
        }
        byte[] out = effects.toByteArray();
        effects = new Writer();
        return out;
    }

    // ---- the client's calls, passed through ----

    public void open(String docId, Replicated<?> doc) {
        client().open(docId, doc);
    }

    // ---- effects ----

    private void bytes(byte[] b) {
        effects.writeVarUint(b.length).writeBytes(b);
    }

    private final class HostIo implements SyncClient.Io {
        @Override
        public void connect() {
            effects.writeByte(CONNECT);
        }

        @Override
        public void send(byte[] frame) {
            effects.writeByte(SEND);
            bytes(frame);
        }

        @Override
        public void close() {
            effects.writeByte(CLOSE);
        }
    }

    private final class HostListener implements SyncClient.Listener {
        @Override
        public void remoteChange(String docId) {
            effects.writeByte(CHANGE).writeString(docId);
        }

        @Override
        public void status(int status) {
            effects.writeByte(STATUS).writeVarUint(status);
        }

        @Override
        public void error(int code, String message, String docId) {
            effects.writeByte(ERROR).writeVarUint(code).writeString(message == null ? "" : message)
                    .writeString(docId == null ? "" : docId);
        }
    }

    /** The store in memory, each write also queued as an effect for the host to persist. */
    private final class MemoryStore implements ClientStore {
        double nextSeq = 1;
        final List<Update> outbox = new ArrayList<>();
        final Map<String, List<byte[]>> logs = new HashMap<>();

        List<byte[]> log(String docId) {
            List<byte[]> l = logs.get(docId);
            if (l == null) {
                l = new ArrayList<>();
                logs.put(docId, l);
            }
            return l;
        }

        @Override
        public double nextSeq() {
            return nextSeq;
        }

        @Override
        public List<Update> outbox() {
            List<Update> out = new ArrayList<>(outbox.size());
            for (Update u : outbox) {
                out.add(new Update(u.seq, u.docId, u.data.clone()));
            }
            return out;
        }

        @Override
        public List<byte[]> docLog(String docId) {
            List<byte[]> l = logs.get(docId);
            List<byte[]> out = new ArrayList<>();
            if (l != null) {
                for (byte[] b : l) {
                    out.add(b.clone());
                }
            }
            return out;
        }

        @Override
        public void addLocal(Update change) {
            byte[] data = change.data.clone();
            outbox.add(new Update(change.seq, change.docId, data));
            log(change.docId).add(data.clone());
            nextSeq = Math.max(nextSeq, change.seq + 1);
            effects.writeByte(WRITE_LOCAL).writeVarUint53(change.seq).writeString(change.docId);
            bytes(data);
        }

        @Override
        public void addRemote(String docId, byte[] update) {
            byte[] data = update.clone();
            log(docId).add(data);
            effects.writeByte(WRITE_REMOTE).writeString(docId);
            bytes(data);
        }

        @Override
        public void acknowledged(double seq) {
            int drop = 0;
            while (drop < outbox.size() && outbox.get(drop).seq <= seq) {
                drop++;
            }
            SyncClient.dropFirst(outbox, drop);
            effects.writeByte(WRITE_ACK).writeVarUint53(seq);
        }

        @Override
        public void compact(String docId, byte[] state) {
            List<byte[]> l = log(docId);
            l.clear();
            l.add(state.clone());
            effects.writeByte(WRITE_COMPACT).writeString(docId);
            bytes(state);
        }
    }
}
