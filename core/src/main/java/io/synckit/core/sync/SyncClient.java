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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client side of sync, sans I/O: it decides what to send and when; its host moves the bytes
 * ({@link Io}), keeps the time (every call takes {@code now} in milliseconds) and calls {@link #tick} at
 * {@link #nextWakeAt}. The same code runs in the browser (JS and wasm-gc) and in the simulator.
 *
 * <p>Lose nothing: a local change goes to the {@link ClientStore} outbox before it is sent and leaves it
 * only when the server acknowledges it as durable; after a reconnect the server's Welcome says how far
 * it got and the rest is sent again. Apply nothing twice: updates are CRDT deltas (applying one again
 * changes nothing) and the server drops sequences it has already applied.
 */
public final class SyncClient {
    /**
     * What the engine asks of its host's transport. Each call is a request; outcomes come back as events.
     * The engine has at most one connection at a time: it calls {@code connect()} again only after that
     * connection was reported closed or it called {@code close()} itself.
     */
    public interface Io {
        /** Open a connection; report {@link #onOpen} or {@link #onClose}. */
        void connect();

        /** Send one frame on the open connection (subject to {@link ClientStore}'s durability contract). */
        void send(byte[] frame);

        /**
         * Close the connection, or give up the connect in progress. The engine is done with it at once:
         * report nothing more from it (no {@code onFrame}, {@code onOpen} or {@code onClose}; a browser host
         * detaches the socket's handlers before closing it). A late event could otherwise be taken for one
         * of the next connection, which may already be under way: closing a dead socket can take a minute.
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
        final Replicated<?> doc;
        /** State vector that every change here up to now is covered by (sent to the outbox or received). */
        byte[] flushed;
        boolean subscribed;
        int logEntries;

        DocState(int type, Replicated<?> doc) {
            this.type = type;
            this.doc = doc;
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
    private boolean connecting; // connect() asked, neither onOpen nor onClose yet
    private boolean connected; // transport open (Hello sent)
    private boolean ready; // Welcome received
    private double connectStarted;
    private double readyAt;
    private int attempt;
    private double retryAt = -1;
    /** This connection's heartbeat: the option until Welcome, then Welcome's (infinite when it says 0: none). */
    private double heartbeat;
    /** Online this long, a connection counts as good: its end starts the backoff over. */
    private double healthyAfter;
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
        // Everything before the first unacknowledged change was acknowledged (Hello.resume_seq).
        this.ackedSeq = outbox.isEmpty() ? nextSeq - 1 : outbox.get(0).seq - 1;
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
        if (docs.containsKey(docId)) {
            throw new IllegalStateException("document " + docId + " is already open; close it first");
        }
        DocState d = new DocState(DocTypes.of(doc), doc);
        List<byte[]> log = store.docLog(docId);
        for (byte[] u : log) {
            doc.applyUpdate(u);
        }
        d.logEntries = log.size();
        d.flushed = doc.encodeStateVector();
        doc.encodeLocalChanges(d.flushed); // starts the type's change tracking (TextDoc's deletions)
        docs.put(docId, d);
        if (ready) {
            subscribe(one(docId));
        }
    }

    public void close(String docId) {
        DocState d = docs.remove(docId);
        if (d != null && d.subscribed && ready) {
            send(new Unsubscribe(one(docId)));
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
        addToOutbox(docId, d, data);
    }

    /** One outbox entry: stored before it is sent (when online); the document is flushed up to it. */
    private void addToOutbox(String docId, DocState d, byte[] data) {
        d.flushed = d.doc.encodeStateVector();
        Update u = new Update(nextSeq, docId, data);
        store.addLocal(u); // stored before sent
        nextSeq++;
        outbox.add(u);
        d.logEntries++;
        if (ready) {
            send(u);
        }
        maybeCompact(docId, d);
    }

    /**
     * A change made elsewhere on this device (another browser tab, which has no connection of its own) to
     * an open document: applied here, then stored and sent as one local change, exactly as {@link #localChange}
     * would. The bytes are an update or state of the document's type.
     */
    public void forward(String docId, byte[] update) {
        DocState d = open(docId);
        d.doc.applyUpdate(update); // throws on bad bytes: nothing stored
        addToOutbox(docId, d, update.clone());
    }

    private DocState open(String docId) {
        DocState d = docs.get(docId);
        if (d == null) {
            throw new IllegalStateException("document " + docId + " is not open; call open() first");
        }
        return d;
    }

    // ---- connection lifecycle ----

    /** Starts connecting (again, after STATUS_STOPPED). */
    public void start(double now) {
        started = true;
        attempt = 0;
        if (!connected && !connecting) {
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
        if (connected || connecting) {
            drop(0); // not started: no retry, so the time is not used
        } else if (status != STATUS_STOPPED) {
            setStatus(STATUS_OFFLINE);
        }
    }

    public void onOpen(double now) {
        if (!connecting) {
            return; // not asked for, or given up (the host should not report it)
        }
        connecting = false;
        connected = true;
        ready = false;
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
            drop(now);
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
            if (acknowledged(((Ack) m).seq)) {
                // The server is working through the outbox (perhaps slowly: it throttles a large flush):
                // resend only after resendMillis without progress, not in the middle of the flush.
                lastResend = now;
            }
        } else if (m instanceof ErrorMessage) {
            error((ErrorMessage) m, now);
        } else if (m instanceof Ping) {
            send(new Pong(((Ping) m).nonce));
        }
        // Pong: lastReceived is all it is for. Anything else is not for a client: ignored.
    }

    /**
     * The transport reports the connection (or the connect in progress) closed. Not called for a
     * connection the engine closed itself (see {@link Io#close}); a late one is ignored.
     */
    public void onClose(double now) {
        if (!connected && !connecting) {
            return;
        }
        closed(now);
    }

    /** The engine ends the connection (or gives up connecting) itself. */
    private void drop(double now) {
        io.close();
        closed(now);
    }

    private void closed(double now) {
        if (ready && now - readyAt >= healthyAfter) {
            attempt = 0; // the connection was good for a while: start the backoff over
        }
        connected = false;
        connecting = false;
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
        setStatus(STATUS_OFFLINE);
    }

    /**
     * Runs the timers: connect timeout, reconnect, heartbeat, dead-connection detection (which also
     * bounds the wait for Welcome), resend, periodic re-sync. Each deadline is computed by the same
     * expression as in {@link #nextWakeAt}: a host calls tick with exactly that time, and
     * {@code now - last >= interval} can be false there by a rounding error, which made the host spin.
     */
    public void tick(double now) {
        if (connecting) {
            if (now >= connectStarted + deadAfter()) {
                drop(now); // the transport never answered
            }
            return;
        }
        if (!connected) {
            if (started && status != STATUS_STOPPED && retryAt >= 0 && now >= retryAt) {
                connect(now);
            }
            return;
        }
        if (now >= lastReceived + deadAfter()) {
            drop(now); // dead: nothing heard, not even a Pong (or no Welcome in time)
            return;
        }
        if (!ready) {
            return; // nothing but Hello until Welcome arrives (the spec's rule; a Ping could overtake Hello)
        }
        if (now >= pingAt()) {
            lastPing = now;
            send(new Ping(++pingNonce));
        }
        if (!outbox.isEmpty() && now >= lastResend + options.resendMillis) {
            lastResend = now;
            resendOutbox();
        }
        if (now >= lastResync + options.resyncMillis) {
            lastResync = now;
            subscribe(new ArrayList<>(docs.keySet()));
        }
    }

    /** When {@link #tick} next has something to do. */
    public double nextWakeAt() {
        if (connecting) {
            return connectStarted + deadAfter();
        }
        if (!connected) {
            return started && status != STATUS_STOPPED && retryAt >= 0 ? retryAt : Double.POSITIVE_INFINITY;
        }
        double at = lastReceived + deadAfter();
        if (ready) {
            at = Math.min(at, pingAt());
            if (!outbox.isEmpty()) {
                at = Math.min(at, lastResend + options.resendMillis);
            }
            at = Math.min(at, lastResync + options.resyncMillis);
        }
        return at;
    }

    /** Silence after which the connection counts as dead. */
    private double deadAfter() {
        return heartbeat * options.deadAfterHeartbeats;
    }

    /** Ping after a heartbeat of silence, and at most once per heartbeat. */
    private double pingAt() {
        return Math.max(lastReceived + heartbeat, lastPing + heartbeat);
    }

    private void connect(double now) {
        retryAt = -1;
        heartbeat = options.heartbeatMillis; // until this connection's Welcome says otherwise
        connecting = true;
        connectStarted = now;
        setStatus(STATUS_CONNECTING);
        io.connect();
    }

    // ---- protocol ----

    private void welcome(Welcome w, double now) {
        if (w.protocolVersion != Protocol.VERSION) {
            stopWith(ErrorCode.UNSUPPORTED_VERSION, "the server speaks protocol version " + w.protocolVersion
                    + ", this client " + Protocol.VERSION + "; update the client or the server", now);
            return;
        }
        ready = true;
        readyAt = now;
        // attempt is not reset here but when a connection ends after a heartbeat online (closed): a
        // server that welcomes and then fails at once (its storage is down) must not be retried
        // every second by every client.
        // heartbeat_ms 0: the server wants no heartbeat (no Ping, and silence is no sign of a dead
        // connection); a connection then counts as good after the configured heartbeat online.
        heartbeat = w.heartbeatMillis > 0 ? w.heartbeatMillis : Double.POSITIVE_INFINITY;
        healthyAfter = w.heartbeatMillis > 0 ? w.heartbeatMillis : options.heartbeatMillis;
        acknowledged(w.ackedSeq);
        lastResend = now;
        lastResync = now;
        subscribe(new ArrayList<>(docs.keySet()));
        resendOutbox();
        setStatus(STATUS_ONLINE);
    }

    private void subscribe(List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        List<DocSubscription> subs = new ArrayList<>();
        for (String id : ids) {
            DocState d = docs.get(id);
            subs.add(new DocSubscription(id, d.type, d.doc.encodeStateVector()));
            d.subscribed = true;
        }
        // One frame per batch of documents, within the server's per-message limit.
        for (int i = 0; i < subs.size(); i += limits.maxDocs) {
            List<DocSubscription> batch = new ArrayList<>();
            for (int j = i; j < subs.size() && j < i + limits.maxDocs; j++) {
                batch.add(subs.get(j));
            }
            send(new Subscribe(batch));
        }
    }

    /**
     * Sends every unacknowledged change again, in order, whether or not its document is open: the
     * server applies an update without a subscription, and takes sequences only in order, so one
     * entry held back (its document not reopened after a restart) would block all later ones.
     */
    private void resendOutbox() {
        for (Update u : outbox) {
            send(u);
        }
    }

    private void remote(String docId, byte[] update) {
        DocState d = docs.get(docId);
        if (d == null) {
            return; // closed meanwhile
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

    // Small list helpers instead of Collections.singletonList and subList: each of those is another List
    // class (code and vtable) in the browser engines, for one call site.

    private static List<String> one(String docId) {
        List<String> list = new ArrayList<>(1);
        list.add(docId);
        return list;
    }

    /** Removes the first {@code n} elements, in O(size). */
    static <T> void dropFirst(List<T> list, int n) {
        int size = list.size();
        for (int i = n; i < size; i++) {
            list.set(i - n, list.get(i));
        }
        for (int i = size - 1; i >= size - n; i--) {
            list.remove(i);
        }
    }

    /** True when it acknowledged outbox entries. */
    private boolean acknowledged(double seq) {
        if (seq <= ackedSeq && (outbox.isEmpty() || outbox.get(0).seq > seq)) {
            return false;
        }
        ackedSeq = Math.max(ackedSeq, seq);
        int drop = 0;
        while (drop < outbox.size() && outbox.get(drop).seq <= ackedSeq) {
            drop++;
        }
        if (drop > 0) {
            dropFirst(outbox, drop);
            store.acknowledged(ackedSeq);
        }
        return drop > 0;
    }

    private void error(ErrorMessage e, double now) {
        if (e.code == ErrorCode.UNAUTHENTICATED || e.code == ErrorCode.UNSUPPORTED_VERSION) {
            stopWith(e.code, e.message, now);
            return;
        }
        listener.error(e.code, e.message, e.docId);
        if (e.fatal) {
            drop(now); // the server closes too; reconnect with backoff
        }
    }

    private void stopWith(int code, String message, double now) {
        setStatus(STATUS_STOPPED);
        listener.error(code, message, "");
        retryAt = -1;
        if (connected || connecting) {
            drop(now);
        }
    }

    /**
     * Replaces the document's log by its state; not while updates in it are pending (encodeState leaves
     * them out: the log would lose them, and a restarted client whose own characters then wait for
     * them would reuse their ids for new ones, diverging for good).
     */
    private void maybeCompact(String docId, DocState d) {
        if (d.logEntries >= options.compactAfter && !d.doc.hasPending()) {
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
