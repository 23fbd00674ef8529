package io.synckit.core.sync;

import io.synckit.core.Replicated;
import io.synckit.core.clock.WallClock;
import io.synckit.core.codec.Texts;
import io.synckit.core.protocol.Ack;
import io.synckit.core.protocol.Broadcast;
import io.synckit.core.protocol.DocSubscription;
import io.synckit.core.protocol.DocType;
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
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The server side of sync, sans I/O and single-threaded: the host (Jetty in {@code server}, the
 * simulator in tests) feeds it frames per connection and must not call it from two threads at once.
 *
 * <p>An Update is applied to the in-memory document first (which decodes all of it before changing
 * anything, so a bad update changes nothing), then appended to the {@link ServerStore}, and only when
 * that returned (durable) acknowledged and broadcast. Sequences a replica already sent are acknowledged
 * again and not applied; a gap (a lost frame) is ignored until the client sends again. A storage
 * failure is never acknowledged and never turns into a refusal: the client keeps the change and sends
 * it again.
 */
public final class SyncServer {
    /** One client connection, as the host sees it. */
    public interface Peer {
        void send(byte[] frame);

        /** Close the connection (after the frames already sent). */
        void close();
    }

    /** Decides who a token belongs to and what they may do. */
    public interface Authenticator {
        /** The token's grant, or null when the token is not valid (expired, bad signature, ...). */
        Grant authenticate(String token);
    }

    /** What one authenticated client may do. */
    public interface Grant {
        boolean canRead(String docId);

        boolean canWrite(String docId);

        /**
         * When the token stops being valid (ms since the epoch, as {@link WallClock}); the connection is
         * then cut with a fatal UNAUTHENTICATED at its next frame or at the host's next
         * {@link #expireTokens}. Infinity: never.
         */
        default double expiresAtMillis() {
            return Double.POSITIVE_INFINITY;
        }

        /** Who the token belongs to (JWT {@code sub}), for logs; "" when unknown. */
        default String subject() {
            return "";
        }
    }

    /** Everyone may do everything: development only. */
    public static final Authenticator ALLOW_ALL = token -> new Grant() {
        @Override
        public boolean canRead(String docId) {
            return true;
        }

        @Override
        public boolean canWrite(String docId) {
            return true;
        }
    };

    public static final class Options {
        public int heartbeatMillis = 15000;
        /** A document's log is compacted into one state after this many appended updates. */
        public int compactAfter = 500;
        public Limits limits = Limits.DEFAULT;
        /** Open documents per connection. */
        public int maxDocsPerConnection = 1000;
    }

    /**
     * Told about every Update once it is durable and acknowledged (scale-out: the host publishes it to
     * the other server nodes, which pass it to their {@link #applyRemote}). Called inside the engine call;
     * must not call back into the engine and should not block.
     */
    public interface UpdateListener {
        void updated(String docId, int type, byte[] data);
    }

    private final ServerStore store;
    private final Authenticator auth;
    private final Options options;
    private final WallClock clock;
    private final Map<String, Doc> docs = new HashMap<>();
    /**
     * Per replica with a connection open (by its id as text: no boxed Double in core), one sequence
     * state shared by all its connections.
     */
    private final Map<String, Replica> replicas = new HashMap<>();
    private UpdateListener updateListener;
    /** Connections past Hello, for {@link #expireTokens}. */
    private final Set<Connection> authenticated = new LinkedHashSet<>();

    private static final class Doc {
        final int type;
        /**
         * The document in memory, equal to what the store holds; null after a failed append (the update
         * was applied in memory but is not durable), until it is loaded from the store again.
         */
        Replicated<?> state;
        final Set<Connection> subscribers = new LinkedHashSet<>();
        int logEntries;

        Doc(int type) {
            this.type = type;
        }
    }

    /**
     * A replica's highest handled sequence, shared by its connections: after a reconnect the old
     * connection may still deliver frames sent before it died, and a per-connection copy read at Hello
     * would apply (and store) such an update a second time.
     */
    private static final class Replica {
        double appliedSeq;
        int connections;

        Replica(double appliedSeq) {
            this.appliedSeq = appliedSeq;
        }
    }

    /** {@code clock}: the wall clock LWW documents check incoming timestamps against (skew limit). */
    public SyncServer(ServerStore store, Authenticator auth, WallClock clock, Options options) {
        this.store = store;
        this.auth = auth;
        this.clock = clock;
        this.options = options == null ? new Options() : options;
    }

    /** A new connection; feed it frames with {@link Connection#onFrame} and end it with {@link Connection#onClose}. */
    public Connection accept(Peer peer) {
        return new Connection(peer);
    }

    /** {@code listener} (or null for none) is told about each acknowledged Update; see {@link UpdateListener}. */
    public void setUpdateListener(UpdateListener listener) {
        this.updateListener = listener;
    }

    /**
     * An update another server node already stored (in the store this one shares) and acknowledged. When
     * the document is in memory it is applied and broadcast to this node's subscribers (a document marked
     * stale by {@link #reloadDocuments} is reloaded from the store first); when it is not, nothing happens
     * (it is loaded from the store, update included, when next needed). An update that is
     * not for the document's type or does not apply is ignored: the store holds it, so the document is
     * right again once reloaded. Never stored and never acknowledged here.
     */
    public void applyRemote(String docId, byte[] data) {
        Doc d = docId == null || data == null ? null : docs.get(docId);
        if (d == null || DocTypes.ofUpdate(data) != d.type) {
            return;
        }
        if (d.state == null) {
            try {
                d = doc(docId, d.type);
            } catch (RuntimeException e) {
                return; // the store is unavailable: reloaded at the next Subscribe or Update
            }
            if (d == null || d.state == null) {
                return;
            }
        }
        try {
            d.state.applyUpdate(data);
        } catch (RuntimeException e) {
            return;
        }
        byte[] frame = FrameCodec.encode(new Broadcast(docId, data));
        for (Connection c : d.subscribers) {
            c.peer.send(frame);
        }
    }

    /**
     * Marks every document in memory as stale: it is reloaded from the store at its next Subscribe or
     * Update (scale-out: after updates of other nodes may have been missed, e.g. while the channel between
     * nodes was down). Subscribers stay subscribed; they catch up when they subscribe again.
     */
    public void reloadDocuments() {
        for (Doc d : docs.values()) {
            d.state = null;
        }
    }

    /**
     * Cuts every connection whose token has expired (fatal UNAUTHENTICATED, then close), so that an idle
     * subscriber stops receiving documents when its token ends, not only at its next frame. The host
     * calls it now and then (the server: every second); returns how many were cut.
     */
    public int expireTokens() {
        double now = clock.nowMillis();
        int cut = 0;
        for (Connection c : new ArrayList<>(authenticated)) {
            if (c.expired(now)) {
                c.expire();
                cut++;
            }
        }
        return cut;
    }

    /** Documents held in memory (for metrics). */
    public int openDocuments() {
        return docs.size();
    }

    /** One client connection's protocol state. */
    public final class Connection {
        private final Peer peer;
        private Grant grant;
        private double replicaId = -1;
        private Replica replica;
        private final Set<String> subscribed = new LinkedHashSet<>();
        private boolean closed;

        private Connection(Peer peer) {
            this.peer = peer;
        }

        public double replicaId() {
            return replicaId;
        }

        public void onFrame(byte[] frame) {
            if (closed) {
                return;
            }
            Message m;
            try {
                m = FrameCodec.decode(frame, options.limits);
            } catch (ProtocolException e) {
                fail(e.code, e.getMessage(), "", 0);
                return;
            }
            if (grant != null && expired(clock.nowMillis())) {
                expire();
            } else if (m instanceof Hello) {
                hello((Hello) m);
            } else if (grant == null) {
                // A protocol violation, not a credential problem: UNAUTHENTICATED would stop the client for good.
                fail(ErrorCode.MALFORMED_FRAME, "send Hello first, and nothing else until Welcome", "", 0);
            } else if (m instanceof Subscribe) {
                subscribe((Subscribe) m);
            } else if (m instanceof Update) {
                update((Update) m);
            } else if (m instanceof Unsubscribe) {
                for (String id : ((Unsubscribe) m).docIds) {
                    unsubscribe(id);
                }
            } else if (m instanceof Ping) {
                send(new Pong(((Ping) m).nonce));
            } else if (!(m instanceof Pong)) {
                fail(ErrorCode.MALFORMED_FRAME, "a client does not send Frame member " + m.fieldNumber(), "", 0);
            }
        }

        /** The connection ended (closed by either side, or dropped). Calling it again does nothing. */
        public void onClose() {
            closed = true;
            authenticated.remove(this);
            for (String id : new ArrayList<>(subscribed)) {
                unsubscribe(id);
            }
            if (replica != null && --replica.connections == 0) {
                replicas.remove(Texts.number(replicaId));
            }
            replica = null;
        }

        private void hello(Hello h) {
            if (grant != null) {
                fail(ErrorCode.MALFORMED_FRAME, "Hello was already received on this connection", "", 0);
                return;
            }
            if (h.protocolVersion != Protocol.VERSION) {
                fail(ErrorCode.UNSUPPORTED_VERSION, "this server speaks protocol version " + Protocol.VERSION
                        + ", the client " + h.protocolVersion + "; update the client", "", 0);
                return;
            }
            Grant g = auth.authenticate(h.token);
            if (g == null) {
                fail(ErrorCode.UNAUTHENTICATED, "the token was refused (invalid or expired); get a new one and reconnect", "", 0);
                return;
            }
            String key = Texts.number(h.replicaId);
            Replica r = replicas.get(key);
            if (r == null) {
                try {
                    r = new Replica(store.appliedSeq(h.replicaId));
                } catch (RuntimeException e) {
                    fail(ErrorCode.INTERNAL, "storage unavailable; reconnect later", "", 0);
                    return;
                }
                replicas.put(key, r);
            }
            r.connections++;
            replica = r;
            grant = g;
            replicaId = h.replicaId;
            authenticated.add(this);
            send(new Welcome(Protocol.VERSION, r.appliedSeq, options.heartbeatMillis, options.limits.maxFrameBytes));
        }

        private void subscribe(Subscribe s) {
            for (DocSubscription sub : s.docs) {
                if (!grant.canRead(sub.docId)) {
                    send(new ErrorMessage(ErrorCode.FORBIDDEN, "no read access to " + sub.docId, sub.docId, 0, false));
                    continue;
                }
                if (!subscribed.contains(sub.docId) && subscribed.size() >= options.maxDocsPerConnection) {
                    send(new ErrorMessage(ErrorCode.LIMIT_EXCEEDED, "a connection may have " + options.maxDocsPerConnection
                            + " documents open; close some first", sub.docId, 0, false));
                    continue;
                }
                Doc d;
                try {
                    d = doc(sub.docId, sub.type);
                } catch (RuntimeException e) {
                    send(new ErrorMessage(ErrorCode.INTERNAL, "could not load " + sub.docId + "; try again later", sub.docId, 0, false));
                    continue;
                }
                if (d == null || d.type != sub.type) {
                    send(new ErrorMessage(ErrorCode.TYPE_MISMATCH, d == null
                            ? "unknown document type " + DocType.name(sub.type) + " for " + sub.docId
                            : sub.docId + " is a " + DocType.name(d.type) + " document, not " + DocType.name(sub.type),
                            sub.docId, 0, false));
                    evictIfUnused(sub.docId, d);
                    continue;
                }
                byte[] diff;
                try {
                    // Empty: the client has nothing (the spec's rule; encodeDiff wants an encoded vector).
                    diff = sub.stateVector.length == 0 ? d.state.encodeState() : d.state.encodeDiff(sub.stateVector);
                } catch (RuntimeException e) {
                    send(new ErrorMessage(ErrorCode.BAD_UPDATE, "bad state vector for " + sub.docId + ": " + e.getMessage(),
                            sub.docId, 0, false));
                    evictIfUnused(sub.docId, d);
                    continue;
                }
                subscribed.add(sub.docId);
                d.subscribers.add(this);
                send(new SyncResponse(sub.docId, diff, d.state.encodeStateVector()));
            }
        }

        /**
         * Applies an update (the connection need not be subscribed to the document: its Subscribe may have
         * failed for a passing reason, and refusing would lose the change for good). Acknowledged only
         * once durable; nothing is acknowledged when the storage fails (the client sends it again).
         */
        private void update(Update u) {
            if (u.seq <= replica.appliedSeq) {
                send(new Ack(replica.appliedSeq)); // sent again after a lost Ack: already applied
                return;
            }
            if (u.seq > replica.appliedSeq + 1) {
                return; // an earlier one was lost: wait for the client to send again, in order
            }
            if (!grant.canWrite(u.docId)) {
                refuse(u, ErrorCode.FORBIDDEN, "no write access to " + u.docId);
                return;
            }
            Doc d;
            try {
                d = doc(u.docId, DocTypes.ofUpdate(u.data));
            } catch (RuntimeException e) {
                fail(ErrorCode.INTERNAL, "could not load " + u.docId + "; retry later", u.docId, u.seq);
                return;
            }
            if (d == null) {
                refuse(u, ErrorCode.BAD_UPDATE, "update " + Texts.number(u.seq) + " for " + u.docId + " is not an update of a known type");
                return;
            }
            try {
                d.state.applyUpdate(u.data);
            } catch (RuntimeException e) {
                evictIfUnused(u.docId, d);
                refuse(u, ErrorCode.BAD_UPDATE, "update " + Texts.number(u.seq) + " for " + u.docId + " was refused: " + e.getMessage());
                return;
            }
            try {
                store.append(u.docId, d.type, u.data, replicaId, u.seq);
            } catch (RuntimeException e) {
                // Applied in memory but not durable: drop the state (reloaded from the store when next
                // needed, so nobody is sent a change the store does not hold; subscribers stay subscribed),
                // and drop the connection without acknowledging; the client sends the update again.
                d.state = null;
                evictIfUnused(u.docId, d);
                fail(ErrorCode.INTERNAL, "storage failed; retry later", u.docId, u.seq);
                return;
            }
            replica.appliedSeq = u.seq;
            send(new Ack(u.seq));
            byte[] frame = FrameCodec.encode(new Broadcast(u.docId, u.data));
            for (Connection c : d.subscribers) {
                if (c != this) {
                    c.peer.send(frame);
                }
            }
            if (updateListener != null) {
                try {
                    updateListener.updated(u.docId, d.type, u.data);
                } catch (RuntimeException e) {
                    // The update is durable and acknowledged; the listener's failure is its own to report.
                }
            }
            if (++d.logEntries >= options.compactAfter) {
                try {
                    if (store.compact(u.docId, SyncServer.this::fold)) {
                        d.logEntries = 1;
                    }
                } catch (RuntimeException e) {
                    // Compaction is an optimisation: the log is still complete.
                }
            }
            evictIfUnused(u.docId, d);
        }

        /**
         * A refused update is skipped for good (so later ones can proceed) and the client is told why.
         * When even that cannot be stored, nothing is acknowledged and the client sends it again later.
         */
        private void refuse(Update u, int code, String message) {
            try {
                store.skip(replicaId, u.seq);
            } catch (RuntimeException e) {
                fail(ErrorCode.INTERNAL, "storage failed; retry later", u.docId, u.seq);
                return;
            }
            replica.appliedSeq = u.seq;
            send(new ErrorMessage(code, message, u.docId, u.seq, false));
            send(new Ack(u.seq));
        }

        private void unsubscribe(String id) {
            if (subscribed.remove(id)) {
                Doc d = docs.get(id);
                if (d != null) {
                    d.subscribers.remove(this);
                    evictIfUnused(id, d);
                }
            }
        }

        boolean expired(double now) {
            return !closed && grant != null && now >= grant.expiresAtMillis();
        }

        void expire() {
            fail(ErrorCode.UNAUTHENTICATED, "the token expired; get a new one and reconnect", "", 0);
        }

        /** The grant's subject ("" before Hello), for the host's logs. */
        public String subject() {
            return grant == null ? "" : grant.subject();
        }

        private void fail(int code, String message, String docId, double seq) {
            send(new ErrorMessage(code, message, docId, seq, true));
            onClose();
            peer.close();
        }

        private void send(Message m) {
            peer.send(FrameCodec.encode(m));
        }
    }

    /**
     * The document with its state in memory: as held, else loaded from the store, else created empty
     * with {@code typeIfNew}. Null when it would have to be created with a type this build does not
     * know. Throws what the store throws, and DecodeException for a stored log that does not decode.
     */
    private Doc doc(String id, int typeIfNew) {
        Doc d = docs.get(id);
        if (d != null && d.state != null) {
            return d;
        }
        ServerStore.StoredDoc stored = store.load(id);
        int type = stored != null ? stored.type : d != null ? d.type : typeIfNew;
        if (!DocTypes.known(type)) {
            return null;
        }
        Replicated<?> state = DocTypes.create(type, 0, clock);
        if (stored != null) {
            for (byte[] u : stored.log) {
                state.applyUpdate(u);
            }
        }
        if (d == null) {
            d = new Doc(type);
            docs.put(id, d);
        }
        d.state = state;
        d.logEntries = stored == null ? 0 : stored.log.size();
        return d;
    }

    /**
     * Compaction: the state of exactly the stored log, not the document in memory, which may lack entries
     * other nodes sharing the store appended (their fan-out still on its way) or hold ones appended after
     * this log was read. Null (no compaction) while an update in it waits for another (see
     * Replicated.hasPending: the state would leave it out) or when an entry does not decode.
     */
    private byte[] fold(int type, List<byte[]> log) {
        if (!DocTypes.known(type)) {
            return null;
        }
        Replicated<?> state = DocTypes.create(type, 0, clock);
        for (byte[] u : log) {
            state.applyUpdate(u);
        }
        return state.hasPending() ? null : state.encodeState();
    }

    /** Forgets a document nobody is subscribed to (it is reloaded from the store when next needed). */
    private void evictIfUnused(String id, Doc d) {
        if (d != null && d.subscribers.isEmpty() && docs.get(id) == d) {
            docs.remove(id);
        }
    }
}
