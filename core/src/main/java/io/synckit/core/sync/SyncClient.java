package io.synckit.core.sync;

import io.synckit.core.Replicated;
import io.synckit.core.protocol.Ack;
import io.synckit.core.protocol.Broadcast;
import io.synckit.core.protocol.DocSubscription;
import io.synckit.core.protocol.ErrorCode;
import io.synckit.core.protocol.ErrorMessage;
import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Limits;
import io.synckit.core.protocol.Message;
import io.synckit.core.protocol.Ping;
import io.synckit.core.protocol.Pong;
import io.synckit.core.protocol.Protocol;
import io.synckit.core.protocol.ProtocolException;
import io.synckit.core.protocol.Subscribe;
import io.synckit.core.protocol.SyncResponse;
import io.synckit.core.protocol.Unsubscribe;
import io.synckit.core.protocol.Update;
import io.synckit.core.protocol.Welcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The client side of sync, sans I/O: it decides what to send and when; its host moves the bytes
 * ({@link Io}), keeps the time (every call takes {@code now} in milliseconds) and calls {@link #tick} at
 * {@link #nextWakeAt}. The same code runs in the browser (JS and wasm-gc) and in the simulator.
 *
 * <p>Lose nothing: a local change goes to the {@link ClientStore} outbox before it is sent and leaves it
 * only when the server acknowledges it as durable; after a reconnect the server's Welcome says how far
 * it got and the rest is sent again. Apply nothing twice: updates are CRDT deltas (applying one again
 * changes nothing) and the server drops sequences it has already applied.
 *
 * <p>Sequences are per replica, across documents, and the server ignores a gap. So a document with
 * changes in the outbox stays subscribed until they are acknowledged, whether the application has it
 * open or not (closed since, or not opened since a restart): otherwise its changes would hold back every
 * later one. What arrives for such a document is not applied; opening it re-syncs it.
 *
 * <p>The engine treats a connection as closed as soon as it asks {@link Io#close} for it (a dead
 * connection can take long to report its close); the {@link #onClose} that follows is then ignored.
 */
public final class SyncClient {
    /** What the engine asks of its host's transport. Each call is a request; outcomes come back as events. */
    public interface Io {
        /** Open a connection; report {@link #onOpen} or {@link #onClose}. */
        void connect();

        /** Send one frame on the open connection (subject to {@link ClientStore}'s durability contract). */
        void send(byte[] frame);

        /**
         * Close the connection (or give up the one being opened); {@link #onClose} follows. The engine
         * treats the connection as closed at once where it cannot wait (a dead connection), and ignores a
         * report that comes after; a host should not report it after the engine's next {@link #connect},
         * where it would be taken for that attempt's failure.
         */
        void close();
    }

    /** What the engine tells the application. */
    public interface Listener {
        /** A document changed because of an update from the server. */
        void remoteChange(String docId);

        /** The connection status changed (one of the STATUS_ constants). */
        void status(int status);

        /** The server refused something, or the connection failed in a way worth telling. */
        void error(int code, String message, String docId);
    }

    public static final int STATUS_OFFLINE = 0;
    public static final int STATUS_CONNECTING = 1;
    public static final int STATUS_ONLINE = 2;
    /** Stopped for good until {@link #setToken} or {@link #start}: bad credentials or an incompatible server. */
    public static final int STATUS_STOPPED = 3;

    /** Timings; the defaults are for real networks, the simulator shortens them. */
    public static final class Options {
        public double backoffBaseMillis = 1000;
        public double backoffCapMillis = 30000;
        /** Used until the server's Welcome says otherwise. */
        public double heartbeatMillis = 15000;
        /** The connection is dead when nothing arrived for this many heartbeats. */
        public double deadAfterHeartbeats = 2.5;
        /** Unacknowledged changes are sent again after this long (the server ignores what it has). */
        public double resendMillis = 10000;
        /** Every open document re-syncs by state vector this often, repairing anything a peer missed. */
        public double resyncMillis = 60000;
        /** A document's log in the store is compacted into one state after this many entries. */
        public int compactAfter = 200;
        public String clientName = "synckit/0.1";
    }

    private static final class DocState {
        final int type;
        /**
         * The application's document; null for one that is not open but still has changes in the outbox
         * (see the class comment), which is subscribed with {@link #closedStateVector}.
         */
        final Replicated<?> doc;
        final byte[] closedStateVector;
        /** State vector that every change here up to now is covered by (sent to the outbox or received). */
        byte[] flushed;
        boolean subscribed;
        int logEntries;

        DocState(int type, Replicated<?> doc, byte[] closedStateVector) {
            this.type = type;
            this.doc = doc;
            this.closedStateVector = closedStateVector;
        }

        byte[] stateVector() {
            return doc != null ? doc.encodeStateVector() : closedStateVector;
        }
    }

    private final double replicaId;
    private String token;
    private final ClientStore store;
    private final Io io;
    private final RandomSource random;
    private final Listener listener;
    private final Options options;
    private final Limits limits = Limits.DEFAULT;

    private final Map<String, DocState> docs = new LinkedHashMap<>();
    private final List<Update> outbox;
    private double nextSeq;
    private double ackedSeq;

    private int status = STATUS_OFFLINE;
    private boolean started;
    private boolean connected; // transport open (Hello sent)
    private boolean ready; // Welcome received
    private int attempt;
    private double retryAt = -1;
    private double heartbeat;
    private double lastReceived;
    private double lastPing;
    private double lastResend;
    private double lastResync;
    private double pingNonce;

    public SyncClient(double replicaId, String token, ClientStore store, Io io, RandomSource random, Listener listener,
            Options options) {
        this.replicaId = replicaId;
        this.token = token == null ? "" : token;
        this.store = store;
        this.io = io;
        this.random = random;
        this.listener = listener;
        this.options = options == null ? new Options() : options;
        this.heartbeat = this.options.heartbeatMillis;
        this.nextSeq = store.nextSeq();
        this.outbox = new ArrayList<>(store.outbox());
        // The store dropped everything acknowledged: what precedes the outbox was.
        this.ackedSeq = outbox.isEmpty() ? nextSeq - 1 : outbox.get(0).seq - 1;
        for (Update u : outbox) {
            if (!docs.containsKey(u.docId)) {
                int type = DocTypes.ofUpdate(u.data);
                docs.put(u.docId, new DocState(type, null, emptyStateVector(type)));
            }
        }
    }

    /**
     * The state vector of an empty document of {@code type}; empty bytes for a type this build does not
     * know (the server refuses that subscription, and then the update, so the outbox moves on).
     */
    private byte[] emptyStateVector(int type) {
        try {
            return DocTypes.create(type, replicaId, () -> 0).encodeStateVector(); // the clock is never read
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    public int status() {
        return status;
    }

    /** Local changes not yet acknowledged by the server. */
    public int pending() {
        return outbox.size();
    }

    public double replicaId() {
        return replicaId;
    }

    // ---- documents ----

    /**
     * Starts syncing {@code doc} as {@code docId}: first rebuilds it from the store, then subscribes when
     * online. The caller reports each local change with {@link #localChange}.
     */
    public void open(String docId, Replicated<?> doc) {
        DocState old = docs.get(docId);
        if (old != null && old.doc != null) {
            throw new IllegalStateException("document " + docId + " is already open; close it first");
        }
        DocState d = new DocState(DocTypes.of(doc), doc, null);
        d.subscribed = old != null && old.subscribed;
        List<byte[]> log = store.docLog(docId);
        for (byte[] u : log) {
            doc.applyUpdate(u);
        }
        d.logEntries = log.size();
        d.flushed = doc.encodeStateVector();
        doc.encodeLocalChanges(d.flushed); // starts the type's change tracking (TextDoc's deletions)
        docs.put(docId, d);
        if (ready) {
            subscribe(Collections.singletonList(docId));
            resendOutbox(docId);
        }
    }

    /**
     * Stops syncing {@code docId}. When it still has unacknowledged changes, it stays subscribed (without
     * the application's object) until they are acknowledged.
     */
    public void close(String docId) {
        DocState d = docs.get(docId);
        if (d == null || d.doc == null) {
            return;
        }
        for (Update u : outbox) {
            if (u.docId.equals(docId)) {
                DocState closed = new DocState(d.type, null, d.doc.encodeStateVector());
                closed.subscribed = d.subscribed;
                docs.put(docId, closed);
                return;
            }
        }
        docs.remove(docId);
        if (d.subscribed && ready) {
            send(new Unsubscribe(Collections.singletonList(docId)));
        }
    }

    /**
     * Records the changes made to the document since the last call (one or more local operations) as
     * one outbox entry, stores it, and sends it when online. Call it after every local change, before
     * anything else touches the document.
     */
    public void localChange(String docId) {
        DocState d = open(docId);
        byte[] data = d.doc.encodeLocalChanges(d.flushed);
        d.flushed = d.doc.encodeStateVector();
        Update u = new Update(nextSeq, docId, data);
        store.addLocal(u); // stored before sent
        nextSeq++;
        outbox.add(u);
        d.logEntries++;
        if (ready && d.subscribed) {
            send(u);
        }
        maybeCompact(docId, d);
    }

    private DocState open(String docId) {
        DocState d = docs.get(docId);
        if (d == null || d.doc == null) {
            throw new IllegalStateException("document " + docId + " is not open; call open() first");
        }
        return d;
    }

    // ---- connection lifecycle ----

    /** Starts connecting (again, after STATUS_STOPPED). */
    public void start(double now) {
        started = true;
        attempt = 0;
        if (status == STATUS_STOPPED) {
            setStatus(STATUS_OFFLINE); // so the close of a stopped connection still to come schedules a reconnect
        }
        if (!connected) {
            connect(now);
        }
    }

    /** A new token (e.g. refreshed); used from the next connection on. */
    public void setToken(String token) {
        this.token = token == null ? "" : token;
    }

    /** Stops syncing and closes the connection; local changes keep going to the outbox. */
    public void stop() {
        started = false;
        retryAt = -1;
        if (connected || status == STATUS_CONNECTING) {
            io.close(); // a connection being opened is given up too
        }
    }

    public void onOpen(double now) {
        if (!started || status == STATUS_STOPPED) {
            io.close(); // stopped while it was being opened
            return;
        }
        connected = true;
        ready = false;
        heartbeat = options.heartbeatMillis; // until this connection's Welcome says otherwise
        lastReceived = now;
        send(new Hello(Protocol.VERSION, replicaId, token, ackedSeq, options.clientName));
    }

    public void onFrame(byte[] frame, double now) {
        if (!connected) {
            return; // a late frame from a connection already given up
        }
        lastReceived = now;
        Message m;
        try {
            m = FrameCodec.decode(frame, limits);
        } catch (ProtocolException e) {
            listener.error(e.code, "bad frame from the server: " + e.getMessage(), "");
            io.close();
            return;
        }
        if (m instanceof Welcome) {
            welcome((Welcome) m, now);
        } else if (m instanceof SyncResponse) {
            SyncResponse r = (SyncResponse) m;
            remote(r.docId, r.update);
        } else if (m instanceof Broadcast) {
            Broadcast b = (Broadcast) m;
            remote(b.docId, b.data);
        } else if (m instanceof Ack) {
            acknowledged(((Ack) m).seq);
        } else if (m instanceof ErrorMessage) {
            error((ErrorMessage) m);
        } else if (m instanceof Ping) {
            send(new Pong(((Ping) m).nonce));
        }
        // Pong: lastReceived is all it is for. Anything else is not for a client: ignored.
    }

    public void onClose(double now) {
        if (!connected && status != STATUS_CONNECTING) {
            return; // the engine gave this connection up already (dead, or an error), or a repeated report
        }
        boolean was = connected;
        connected = false;
        ready = false;
        for (DocState d : docs.values()) {
            d.subscribed = false;
        }
        if (status == STATUS_STOPPED) {
            return;
        }
        if (started) {
            double delay = Math.min(options.backoffCapMillis, options.backoffBaseMillis * Math.pow(2, Math.min(attempt, 20)));
            attempt++;
            retryAt = now + delay * (0.5 + 0.5 * random.next()); // equal jitter: spread, never immediate
        }
        if (was || status != STATUS_OFFLINE) {
            setStatus(STATUS_OFFLINE);
        }
    }

    /** Runs the timers: reconnect, heartbeat, dead-connection detection, resend, periodic re-sync. */
    public void tick(double now) {
        if (!connected) {
            if (started && status != STATUS_STOPPED && retryAt >= 0 && now >= retryAt) {
                connect(now);
            }
            return;
        }
        double silent = now - lastReceived;
        if (silent >= heartbeat * options.deadAfterHeartbeats) {
            io.close(); // dead: nothing heard, not even a Pong
            onClose(now); // now, not when the transport gets round to it; its own report is then ignored
            return;
        }
        if (silent >= heartbeat && now - lastPing >= heartbeat) {
            lastPing = now;
            send(new Ping(++pingNonce));
        }
        if (ready) {
            if (!outbox.isEmpty() && now - lastResend >= options.resendMillis) {
                lastResend = now;
                resendOutbox(null);
            }
            if (now - lastResync >= options.resyncMillis) {
                lastResync = now;
                subscribe(new ArrayList<>(docs.keySet()));
            }
        }
    }

    /** When {@link #tick} next has something to do. */
    public double nextWakeAt() {
        if (!connected) {
            return started && status != STATUS_STOPPED && retryAt >= 0 ? retryAt : Double.POSITIVE_INFINITY;
        }
        double at = Math.min(lastReceived + heartbeat * options.deadAfterHeartbeats, Math.max(lastReceived + heartbeat, lastPing + heartbeat));
        if (ready) {
            if (!outbox.isEmpty()) {
                at = Math.min(at, lastResend + options.resendMillis);
            }
            at = Math.min(at, lastResync + options.resyncMillis);
        }
        return at;
    }

    private void connect(double now) {
        retryAt = -1;
        lastReceived = now;
        setStatus(STATUS_CONNECTING);
        io.connect();
    }

    // ---- protocol ----

    private void welcome(Welcome w, double now) {
        if (w.protocolVersion != Protocol.VERSION) {
            stopWith(ErrorCode.UNSUPPORTED_VERSION, "the server speaks protocol version " + w.protocolVersion
                    + ", this client " + Protocol.VERSION + "; update the client or the server");
            return;
        }
        ready = true;
        attempt = 0;
        // 0: the server wants no heartbeat (no Pings, and silence is no sign of a dead connection)
        heartbeat = w.heartbeatMillis > 0 ? w.heartbeatMillis : Double.POSITIVE_INFINITY;
        acknowledged(w.ackedSeq);
        lastResend = now;
        lastResync = now;
        subscribe(new ArrayList<>(docs.keySet()));
        resendOutbox(null);
        setStatus(STATUS_ONLINE);
    }

    private void subscribe(List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        List<DocSubscription> subs = new ArrayList<>();
        for (String id : ids) {
            DocState d = docs.get(id);
            subs.add(new DocSubscription(id, d.type, d.stateVector()));
            d.subscribed = true;
        }
        // One frame per batch of documents, within the server's per-message limit.
        for (int i = 0; i < subs.size(); i += limits.maxDocs) {
            send(new Subscribe(new ArrayList<>(subs.subList(i, Math.min(subs.size(), i + limits.maxDocs)))));
        }
    }

    /** Sends the unacknowledged changes again, in order (all, or one document's). */
    private void resendOutbox(String onlyDoc) {
        for (Update u : outbox) {
            DocState d = docs.get(u.docId);
            if (d != null && d.subscribed && (onlyDoc == null || onlyDoc.equals(u.docId))) {
                send(u);
            }
        }
    }

    private void remote(String docId, byte[] update) {
        DocState d = docs.get(docId);
        if (d == null || d.doc == null) {
            return; // not open (any more): opening it re-syncs
        }
        boolean changed;
        try {
            changed = d.doc.applyUpdate(update);
        } catch (RuntimeException e) {
            // A bad update from the server: keep the document as it was and say so.
            listener.error(ErrorCode.BAD_UPDATE, "could not apply an update from the server: " + e.getMessage(), docId);
            return;
        }
        d.flushed = d.doc.encodeStateVector();
        store.addRemote(docId, update);
        d.logEntries++;
        maybeCompact(docId, d);
        if (changed) {
            listener.remoteChange(docId);
        }
    }

    private void acknowledged(double seq) {
        if (seq <= ackedSeq && (outbox.isEmpty() || outbox.get(0).seq > seq)) {
            return;
        }
        ackedSeq = Math.max(ackedSeq, seq);
        int drop = 0;
        while (drop < outbox.size() && outbox.get(drop).seq <= ackedSeq) {
            drop++;
        }
        if (drop > 0) {
            outbox.subList(0, drop).clear();
            store.acknowledged(ackedSeq);
            releaseClosed();
        }
    }

    /** Unsubscribes the documents that are not open and have nothing left in the outbox. */
    private void releaseClosed() {
        Set<String> waiting = new HashSet<>();
        for (Update u : outbox) {
            waiting.add(u.docId);
        }
        List<String> gone = new ArrayList<>();
        Iterator<Map.Entry<String, DocState>> it = docs.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, DocState> e = it.next();
            DocState d = e.getValue();
            if (d.doc == null && !waiting.contains(e.getKey())) {
                it.remove();
                if (d.subscribed && ready) {
                    gone.add(e.getKey());
                }
            }
        }
        for (int i = 0; i < gone.size(); i += limits.maxDocs) {
            send(new Unsubscribe(new ArrayList<>(gone.subList(i, Math.min(gone.size(), i + limits.maxDocs)))));
        }
    }

    private void error(ErrorMessage e) {
        if (e.code == ErrorCode.UNAUTHENTICATED || e.code == ErrorCode.UNSUPPORTED_VERSION) {
            stopWith(e.code, e.message);
            return;
        }
        listener.error(e.code, e.message, e.docId);
        if (e.fatal) {
            io.close();
        }
    }

    private void stopWith(int code, String message) {
        setStatus(STATUS_STOPPED);
        listener.error(code, message, "");
        retryAt = -1;
        if (connected) {
            io.close();
        }
    }

    private void maybeCompact(String docId, DocState d) {
        if (d.logEntries >= options.compactAfter) {
            store.compact(docId, d.doc.encodeState());
            d.logEntries = 1;
        }
    }

    private void send(Message m) {
        io.send(FrameCodec.encode(m));
    }

    private void setStatus(int s) {
        if (status != s) {
            status = s;
            listener.status(s);
        }
    }
}
