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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server side of sync, sans I/O and single-threaded: the host (Jetty in {@code server}, the
 * simulator in tests) feeds it frames per connection and must not call it from two threads at once.
 *
 * <p>An Update is applied to the in-memory document first (which decodes all of it before changing
 * anything, so a bad update changes nothing), then appended to the {@link ServerStore}, and only when
 * that returned (durable) acknowledged and broadcast. Sequences a replica already sent are acknowledged
 * again and not applied; a gap (a lost frame) is ignored until the client sends again.
 *
 * <p>A storage failure (any exception from the {@link ServerStore}) is a fatal INTERNAL error for the
 * connection concerned, never an acknowledgement: the client reconnects with backoff and sends again.
 * A failed append also closes every other connection subscribed to that document, because the document
 * leaves memory (it held the undurable update); they resubscribe, which reloads it from the store.
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

    private final ServerStore store;
    private final Authenticator auth;
    private final Options options;
    private final WallClock clock;
    private final Map<String, Doc> docs = new HashMap<>();

    private static final class Doc {
        final int type;
        final Replicated<?> state;
        final Set<Connection> subscribers = new LinkedHashSet<>();
        int logEntries;

        Doc(int type, Replicated<?> state) {
            this.type = type;
            this.state = state;
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

    /** Documents held in memory (for metrics). */
    public int openDocuments() {
        return docs.size();
    }

    /** One client connection's protocol state. */
    public final class Connection {
        private final Peer peer;
        private Grant grant;
        private double replicaId = -1;
        private double appliedSeq;
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
            if (m instanceof Hello) {
                hello((Hello) m);
            } else if (grant == null) {
                fail(ErrorCode.UNAUTHENTICATED, "send Hello first", "", 0);
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

        /** The connection ended (closed by either side, or dropped). */
        public void onClose() {
            closed = true;
            for (String id : new ArrayList<>(subscribed)) {
                unsubscribe(id);
            }
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
            double applied;
            try {
                applied = store.appliedSeq(h.replicaId);
            } catch (RuntimeException e) {
                fail(ErrorCode.INTERNAL, "storage failed; reconnect later", "", 0);
                return;
            }
            grant = g;
            replicaId = h.replicaId;
            appliedSeq = applied;
            send(new Welcome(Protocol.VERSION, appliedSeq, options.heartbeatMillis, options.limits.maxFrameBytes));
        }

        private void subscribe(Subscribe s) {
            for (DocSubscription sub : s.docs) {
                if (closed) {
                    return; // a storage failure ended the connection
                }
                if (!grant.canRead(sub.docId)) {
                    send(new ErrorMessage(ErrorCode.FORBIDDEN, "no read access to " + sub.docId, sub.docId, 0, false));
                    continue;
                }
                if (!subscribed.contains(sub.docId) && subscribed.size() >= options.maxDocsPerConnection) {
                    send(new ErrorMessage(ErrorCode.LIMIT_EXCEEDED, "a connection may have " + options.maxDocsPerConnection
                            + " documents open; close some first", sub.docId, 0, false));
                    continue;
                }
                Doc d = docs.get(sub.docId);
                boolean loaded = d == null;
                if (loaded) {
                    ServerStore.StoredDoc stored;
                    try {
                        stored = store.load(sub.docId);
                    } catch (RuntimeException e) {
                        // Transient, unlike the refusals below: the client subscribes again when it reconnects.
                        fail(ErrorCode.INTERNAL, "storage failed while loading " + sub.docId + "; reconnect later", sub.docId, 0);
                        return;
                    }
                    d = load(sub.docId, sub.type, stored);
                    if (d == null) {
                        continue;
                    }
                }
                if (d.type != sub.type) {
                    send(new ErrorMessage(ErrorCode.TYPE_MISMATCH, sub.docId + " is a " + DocType.name(d.type) + " document, not "
                            + DocType.name(sub.type), sub.docId, 0, false));
                    continue;
                }
                byte[] diff;
                try {
                    diff = d.state.encodeDiff(sub.stateVector);
                } catch (RuntimeException e) {
                    send(new ErrorMessage(ErrorCode.BAD_UPDATE, "bad state vector for " + sub.docId + ": " + e.getMessage(),
                            sub.docId, 0, false));
                    continue;
                }
                if (loaded) {
                    docs.put(sub.docId, d); // only now: a refused subscription leaves nothing in memory
                }
                subscribed.add(sub.docId);
                d.subscribers.add(this);
                send(new SyncResponse(sub.docId, diff, d.state.encodeStateVector()));
            }
        }

        private void update(Update u) {
            if (u.seq <= appliedSeq) {
                send(new Ack(appliedSeq)); // sent again after a lost Ack: already applied
                return;
            }
            if (u.seq > appliedSeq + 1) {
                return; // an earlier one was lost: wait for the client to send again, in order
            }
            Doc d = subscribed.contains(u.docId) ? docs.get(u.docId) : null;
            if (d == null) {
                refuse(u, ErrorCode.BAD_UPDATE, "subscribe to " + u.docId + " before sending updates to it");
                return;
            }
            if (!grant.canWrite(u.docId)) {
                refuse(u, ErrorCode.FORBIDDEN, "no write access to " + u.docId);
                return;
            }
            try {
                d.state.applyUpdate(u.data);
            } catch (RuntimeException e) {
                refuse(u, ErrorCode.BAD_UPDATE, "update " + Texts.number(u.seq) + " for " + u.docId + " was refused: " + e.getMessage());
                return;
            }
            try {
                store.append(u.docId, d.type, u.data, replicaId, u.seq);
            } catch (RuntimeException e) {
                // Applied in memory but not durable: forget the document (it reloads from the store), and
                // drop the connection without acknowledging; the client sends the update again. The other
                // subscribers go too: left subscribed to a document no longer in memory, their next updates
                // would be refused as "not subscribed" and skipped for good.
                docs.remove(u.docId);
                for (Connection c : new ArrayList<>(d.subscribers)) {
                    if (c != this) {
                        c.fail(ErrorCode.INTERNAL, "storage failed; reconnect later", u.docId, 0);
                    }
                }
                fail(ErrorCode.INTERNAL, "storage failed; retry later", u.docId, u.seq);
                return;
            }
            appliedSeq = u.seq;
            send(new Ack(u.seq));
            byte[] frame = FrameCodec.encode(new Broadcast(u.docId, u.data));
            for (Connection c : d.subscribers) {
                if (c != this) {
                    c.peer.send(frame);
                }
            }
            if (++d.logEntries >= options.compactAfter) {
                try {
                    store.compact(u.docId, d.state.encodeState(), d.logEntries);
                    d.logEntries = 1;
                } catch (RuntimeException e) {
                    // Compaction is an optimisation: the log is still complete.
                }
            }
        }

        /** A refused update is skipped for good (so later ones can proceed) and the client is told why. */
        private void refuse(Update u, int code, String message) {
            try {
                store.skip(replicaId, u.seq);
            } catch (RuntimeException e) {
                fail(ErrorCode.INTERNAL, "storage failed; retry later", u.docId, u.seq);
                return;
            }
            appliedSeq = u.seq;
            send(new ErrorMessage(code, message, u.docId, u.seq, false));
            send(new Ack(u.seq));
        }

        private void unsubscribe(String id) {
            if (subscribed.remove(id)) {
                Doc d = docs.get(id);
                if (d != null) {
                    d.subscribers.remove(this);
                    if (d.subscribers.isEmpty()) {
                        docs.remove(id); // reloaded from the store when next needed
                    }
                }
            }
        }

        /**
         * The document as stored (or new and empty when {@code stored} is null), not yet in {@link #docs}; null
         * after telling the client why it cannot be had (an unknown type, a stored log that does not decode).
         */
        private Doc load(String id, int type, ServerStore.StoredDoc stored) {
            int t = stored != null ? stored.type : type;
            Replicated<?> state;
            try {
                state = DocTypes.create(t, 0, clock);
            } catch (IllegalArgumentException e) {
                send(new ErrorMessage(ErrorCode.TYPE_MISMATCH, e.getMessage(), id, 0, false));
                return null;
            }
            if (stored != null) {
                try {
                    for (byte[] u : stored.log) {
                        state.applyUpdate(u);
                    }
                } catch (RuntimeException e) {
                    send(new ErrorMessage(ErrorCode.INTERNAL, "the stored log of " + id + " does not decode: " + e.getMessage(),
                            id, 0, false));
                    return null;
                }
            }
            Doc d = new Doc(t, state);
            d.logEntries = stored == null ? 0 : stored.log.size();
            return d;
        }

        private void fail(int code, String message, String docId, double seq) {
            send(new ErrorMessage(code, message, docId, seq, true));
            closed = true;
            onClose();
            peer.close();
        }

        private void send(Message m) {
            peer.send(FrameCodec.encode(m));
        }
    }
}
