package io.synckit.core.sync;

import static io.synckit.core.protocol.Messages.assertMessageEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.clock.WallClock;
import io.synckit.core.counter.PnCounter;
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
import io.synckit.core.protocol.Subscribe;
import io.synckit.core.protocol.SyncResponse;
import io.synckit.core.protocol.Unsubscribe;
import io.synckit.core.protocol.Update;
import io.synckit.core.protocol.Welcome;
import io.synckit.core.set.OrSet;
import io.synckit.core.text.TextDoc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scripted tests of {@link SyncServer}: frames in, frames out, store contents checked. */
class SyncServerTest {
    private static final WallClock CLOCK = () -> 1.7e12;

    private final MemoryServerStore store = new MemoryServerStore();
    private final SyncServer.Options options = new SyncServer.Options();
    private SyncServer server = new SyncServer(store, SyncServer.ALLOW_ALL, CLOCK, options);

    // ---- fakes ----

    /** A connection's far end: records every frame the server sends (decoded) and whether it closed. */
    static class RecordingPeer implements SyncServer.Peer {
        final List<Message> received = new ArrayList<>();
        boolean closed;

        @Override
        public void send(byte[] frame) {
            assertFalse(closed, "a frame sent after close");
            received.add(FrameCodec.decode(frame)); // also checks that the server's frames decode
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A scripted client: one connection to {@link #server}. */
    final class Client {
        final RecordingPeer peer = new RecordingPeer();
        final SyncServer.Connection conn;

        Client() {
            conn = server.accept(peer);
        }

        Client send(Message m) {
            conn.onFrame(FrameCodec.encode(m));
            return this;
        }

        Client hello(double replicaId) {
            send(new Hello(Protocol.VERSION, replicaId, "token", 0, "test"));
            assertTrue(take().get(0) instanceof Welcome);
            return this;
        }

        Client subscribe(String docId, int type, byte[] stateVector) {
            return send(new Subscribe(Collections.singletonList(new DocSubscription(docId, type, stateVector))));
        }

        /** Subscribes and returns the SyncResponse. */
        SyncResponse subscribed(String docId, int type, byte[] stateVector) {
            subscribe(docId, type, stateVector);
            return only(SyncResponse.class);
        }

        Client update(double seq, String docId, byte[] data) {
            return send(new Update(seq, docId, data));
        }

        /** The frames received since the last take. */
        List<Message> take() {
            List<Message> out = new ArrayList<>(peer.received);
            peer.received.clear();
            return out;
        }

        /** Takes the frames received and asserts they are exactly one, of class {@code c}. */
        <T extends Message> T only(Class<T> c) {
            List<Message> got = take();
            assertEquals(1, got.size(), "expected one " + c.getSimpleName() + ", got " + got);
            assertTrue(c.isInstance(got.get(0)), "expected a " + c.getSimpleName() + ", got " + got);
            return c.cast(got.get(0));
        }

        void nothing() {
            assertEquals(Collections.emptyList(), take());
        }
    }

    /** An authenticator that knows a few tokens: "rw" may do everything, "ro" only read, "none" nothing. */
    private static final SyncServer.Authenticator TOKENS = token -> {
        switch (token) {
            case "rw":
                return grant(true, true);
            case "ro":
                return grant(true, false);
            case "none":
                return grant(false, false);
            default:
                return null;
        }
    };

    private static SyncServer.Grant grant(boolean read, boolean write) {
        return new SyncServer.Grant() {
            @Override
            public boolean canRead(String docId) {
                return read;
            }

            @Override
            public boolean canWrite(String docId) {
                return write;
            }
        };
    }

    private static void assertError(Message m, int code, boolean fatal) {
        assertTrue(m instanceof ErrorMessage, "expected an Error, got " + m);
        ErrorMessage e = (ErrorMessage) m;
        assertEquals(ErrorCode.name(code), ErrorCode.name(e.code), e.message);
        assertEquals(fatal, e.fatal, "fatal");
        assertFalse(e.message.isEmpty(), "an error says what went wrong");
    }

    private static byte[] increment(PnCounter c, double amount) {
        byte[] sv = c.encodeStateVector();
        c.increment(amount);
        return c.encodeDiff(sv);
    }

    private PnCounter counterOnServer(String docId) {
        Client reader = new Client().hello(999);
        PnCounter c = new PnCounter(998);
        c.applyUpdate(reader.subscribed(docId, DocType.COUNTER, new PnCounter(998).encodeStateVector()).update);
        reader.conn.onClose();
        return c;
    }

    // ---- session ----

    @Test
    void helloIsAnsweredWithWelcome() {
        store.skip(7, 3);
        options.heartbeatMillis = 12000;
        options.limits = Limits.DEFAULT.withMaxFrameBytes(65536);
        Client a = new Client().send(new Hello(Protocol.VERSION, 7, "", 0, "test"));
        assertMessageEquals(new Welcome(Protocol.VERSION, 3, 12000, 65536), a.only(Welcome.class));
        assertEquals(7, a.conn.replicaId());
        Client b = new Client().send(new Hello(Protocol.VERSION, 8, "", 5, "test"));
        assertEquals(0, b.only(Welcome.class).ackedSeq, "what the server holds, not the client's resume_seq");
        assertFalse(a.peer.closed);
    }

    @Test
    void anotherProtocolVersionIsRefused() {
        Client a = new Client().send(new Hello(Protocol.VERSION + 1, 7, "", 0, "test"));
        List<Message> got = a.take();
        assertEquals(1, got.size());
        assertError(got.get(0), ErrorCode.UNSUPPORTED_VERSION, true);
        assertTrue(a.peer.closed);
        a.subscribe("doc", DocType.COUNTER, new PnCounter(7).encodeStateVector());
        a.nothing(); // a closed connection ignores frames
    }

    @Test
    void aTokenThatExpiresWhileConnectedEndsTheConnection() {
        double[] now = {1000};
        SyncServer.Authenticator expiring = token -> new SyncServer.Grant() {
            @Override
            public boolean canRead(String docId) {
                return true;
            }

            @Override
            public boolean canWrite(String docId) {
                return true;
            }

            @Override
            public double expiresAtMillis() {
                return token.equals("short") ? 2000 : 5000;
            }
        };
        server = new SyncServer(store, expiring, () -> now[0], options);
        Client busy = new Client().send(new Hello(Protocol.VERSION, 1, "short", 0, "test"));
        busy.only(Welcome.class);
        Client idle = new Client().send(new Hello(Protocol.VERSION, 2, "short", 0, "test"));
        idle.only(Welcome.class);
        Client longer = new Client().send(new Hello(Protocol.VERSION, 3, "long", 0, "test"));
        longer.only(Welcome.class);
        idle.subscribed("doc", DocType.COUNTER, new PnCounter(2).encodeStateVector());
        longer.subscribed("doc", DocType.COUNTER, new PnCounter(3).encodeStateVector());

        now[0] = 1999;
        assertEquals(0, server.expireTokens(), "not yet");
        busy.send(new Ping(1));
        assertMessageEquals(new Pong(1), busy.only(Pong.class));

        now[0] = 2000;
        // The next frame of a connection with an expired token is not handled: it is cut.
        busy.update(1, "doc", increment(new PnCounter(1), 5));
        assertError(busy.only(ErrorMessage.class), ErrorCode.UNAUTHENTICATED, true);
        assertTrue(busy.peer.closed);
        assertEquals(0, store.logSize("doc"), "the update after expiry was not applied");
        // An idle one is cut by the host's sweep, and receives nothing more.
        assertEquals(1, server.expireTokens());
        assertError(idle.only(ErrorMessage.class), ErrorCode.UNAUTHENTICATED, true);
        assertTrue(idle.peer.closed);
        assertEquals(0, server.expireTokens(), "each connection is cut once");
        assertFalse(longer.peer.closed);
        longer.update(1, "doc", increment(new PnCounter(3), 2));
        assertMessageEquals(new Ack(1), longer.only(Ack.class));
        idle.nothing();
    }

    @Test
    void aRefusedTokenIsUnauthenticated() {
        server = new SyncServer(store, TOKENS, CLOCK, options);
        Client bad = new Client().send(new Hello(Protocol.VERSION, 7, "forged", 0, "test"));
        assertError(bad.only(ErrorMessage.class), ErrorCode.UNAUTHENTICATED, true);
        assertTrue(bad.peer.closed);
        Client good = new Client().send(new Hello(Protocol.VERSION, 7, "rw", 0, "test"));
        good.only(Welcome.class);
        assertFalse(good.peer.closed);
    }

    @Test
    void anyFrameBeforeHelloIsMalformed() {
        // A protocol violation, not a credential problem: UNAUTHENTICATED would stop the client for good.
        Message[] early = {
            new Subscribe(Collections.singletonList(new DocSubscription("doc", DocType.COUNTER, new PnCounter(1).encodeStateVector()))),
            new Update(1, "doc", increment(new PnCounter(1), 1)),
            new Ping(5),
            new Unsubscribe(Collections.singletonList("doc")),
        };
        for (Message m : early) {
            Client c = new Client().send(m);
            ErrorMessage e = c.only(ErrorMessage.class);
            assertError(e, ErrorCode.MALFORMED_FRAME, true);
            assertEquals("", e.docId);
            assertTrue(c.peer.closed, m.toString());
            c.send(new Hello(Protocol.VERSION, 1, "", 0, "test"));
            c.nothing(); // closed: not even a Hello now
        }
        assertNull(store.load("doc"));
        assertEquals(0, store.appliedSeq(1));
    }

    @Test
    void aSecondHelloIsMalformed() {
        Client a = new Client().hello(7);
        a.send(new Hello(Protocol.VERSION, 8, "", 0, "test"));
        assertError(a.only(ErrorMessage.class), ErrorCode.MALFORMED_FRAME, true);
        assertTrue(a.peer.closed);
    }

    @Test
    void pingIsAnsweredWithPong() {
        Client a = new Client().hello(7);
        a.send(new Ping(42));
        assertMessageEquals(new Pong(42), a.only(Pong.class));
        a.send(new Pong(1)); // a Pong needs no answer
        a.nothing();
    }

    @Test
    void malformedBytesCloseThatConnectionOnly() {
        byte[][] garbage = {
            {},
            {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
            {0x3A, 0x7F, 0x01}, // a length past the end
            {0x0A, 0x02, (byte) 0xC3, 0x28}, // truncated Hello holding bad UTF-8
        };
        PnCounter writer = new PnCounter(1);
        Client good = new Client().hello(1);
        good.subscribed("doc", DocType.COUNTER, writer.encodeStateVector());
        double seq = 0;
        for (byte[] g : garbage) {
            Client bad = new Client().hello(2);
            bad.subscribed("doc", DocType.COUNTER, new PnCounter(2).encodeStateVector());
            bad.conn.onFrame(g);
            assertError(bad.only(ErrorMessage.class), ErrorCode.MALFORMED_FRAME, true);
            assertTrue(bad.peer.closed);
            // the other connection goes on, and the closed one is no longer a subscriber
            good.update(++seq, "doc", increment(writer, 1));
            assertMessageEquals(new Ack(seq), good.only(Ack.class));
            bad.nothing();
        }
        assertEquals(garbage.length, counterOnServer("doc").value());
    }

    @Test
    void aClosedConnectionIsNoLongerASubscriber() {
        PnCounter w = new PnCounter(1);
        Client a = new Client().hello(1);
        Client b = new Client().hello(2);
        a.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        b.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        assertEquals(1, server.openDocuments());
        b.conn.onClose();
        a.update(1, "doc", increment(w, 1));
        a.only(Ack.class);
        b.nothing();
        a.conn.onClose();
        assertEquals(0, server.openDocuments(), "a document nobody has open leaves memory");
    }

    // ---- subscribe ----

    @Test
    void subscribeAnswersWithExactlyWhatTheStateVectorLacks() {
        PnCounter a = new PnCounter(1);
        PnCounter c = new PnCounter(3);
        Client ca = new Client().hello(1);
        Client cc = new Client().hello(3);
        ca.subscribed("doc", DocType.COUNTER, a.encodeStateVector());
        cc.subscribed("doc", DocType.COUNTER, c.encodeStateVector());
        ca.update(1, "doc", increment(a, 5));
        cc.update(1, "doc", increment(c, 7));
        ca.update(2, "doc", increment(a, 1));

        // b already has a's first change: the response carries a's later one and c's, nothing else
        PnCounter b = new PnCounter(2);
        PnCounter aEarly = new PnCounter(1);
        aEarly.increment(5);
        b.applyUpdate(aEarly.encodeState());
        PnCounter all = new PnCounter(9);
        all.applyUpdate(a.encodeState());
        all.applyUpdate(c.encodeState());

        Client cb = new Client().hello(2);
        SyncResponse r = cb.subscribed("doc", DocType.COUNTER, b.encodeStateVector());
        assertEquals("doc", r.docId);
        assertTrue(b.applyUpdate(r.update));
        assertEquals(13, b.value());
        assertArrayEquals(all.encodeStateVector(), b.encodeStateVector());
        assertArrayEquals(all.encodeStateVector(), r.stateVector, "the server's state vector");
        PnCounter only = new PnCounter(4);
        only.applyUpdate(r.update);
        assertEquals(6 + 7, only.value(), "a's slot (both changes: a counter slot is a running total) and c's");
        assertArrayEquals(all.encodeDiff(aEarly.encodeStateVector()), r.update);

        // a peer that has everything gets an update that changes nothing
        SyncResponse again = cb.subscribed("doc", DocType.COUNTER, all.encodeStateVector());
        assertFalse(all.applyUpdate(again.update));
        assertArrayEquals(all.encodeDiff(all.encodeStateVector()), again.update);
    }

    @Test
    void subscribeToTextGivesTheMissingPart() {
        TextDoc a = new TextDoc(1);
        Client ca = new Client().hello(1);
        ca.subscribed("notes", DocType.TEXT, a.encodeStateVector());
        a.insert(0, "hello");
        byte[] sv = a.encodeStateVector();
        ca.update(1, "notes", a.encodeState());
        TextDoc b = new TextDoc(2);
        b.applyUpdate(a.encodeState());
        a.insert(5, " world");
        a.delete(0, 1);
        ca.update(2, "notes", a.encodeDiff(sv));
        assertEquals(2, ca.take().size());
        Client cb = new Client().hello(2);
        SyncResponse r = cb.subscribed("notes", DocType.TEXT, b.encodeStateVector());
        b.applyUpdate(r.update);
        assertEquals("ello world", b.toString());
        assertArrayEquals(a.encodeStateVector(), r.stateVector);
    }

    @Test
    void aTypeMismatchIsRefusedAndTheSessionGoesOn() {
        Client a = new Client().hello(1);
        a.subscribed("doc", DocType.COUNTER, new PnCounter(1).encodeStateVector());
        a.update(1, "doc", increment(new PnCounter(1), 2));
        a.only(Ack.class);
        Client b = new Client().hello(2);
        b.subscribe("doc", DocType.TEXT, new TextDoc(2).encodeStateVector());
        ErrorMessage e = b.only(ErrorMessage.class);
        assertError(e, ErrorCode.TYPE_MISMATCH, false);
        assertEquals("doc", e.docId);
        assertFalse(b.peer.closed);
        b.subscribed("doc", DocType.COUNTER, new PnCounter(2).encodeStateVector());
        // also when the server restarts and loads the type from the store
        server = new SyncServer(store, SyncServer.ALLOW_ALL, CLOCK, options);
        Client c = new Client().hello(3);
        c.subscribe("doc", DocType.OR_SET, new OrSet(3).encodeStateVector());
        assertError(c.only(ErrorMessage.class), ErrorCode.TYPE_MISMATCH, false);
        assertEquals(DocType.COUNTER, store.load("doc").type);
        assertEquals(0, server.openDocuments(), "a refused subscription leaves nothing in memory");
    }

    @Test
    void anUnknownTypeIsRefused() {
        Client a = new Client().hello(1);
        a.subscribe("doc", 99, new PnCounter(1).encodeStateVector());
        assertError(a.only(ErrorMessage.class), ErrorCode.TYPE_MISMATCH, false);
        assertEquals(0, server.openDocuments());
    }

    @Test
    void aStateVectorOfAnotherTypeIsABadUpdate() {
        Client a = new Client().hello(1);
        a.subscribe("doc", DocType.COUNTER, new TextDoc(1).encodeStateVector());
        assertError(a.only(ErrorMessage.class), ErrorCode.BAD_UPDATE, false);
        assertFalse(a.peer.closed);
        assertNull(store.load("doc"));
        assertEquals(0, server.openDocuments(), "a refused subscription leaves nothing in memory");
        a.update(1, "doc", increment(new PnCounter(1), 1)); // not subscribed: applied all the same
        assertMessageEquals(new Ack(1), a.only(Ack.class));
        assertEquals(1, store.logSize("doc"));
        assertEquals(DocType.COUNTER, store.load("doc").type);
        assertEquals(0, server.openDocuments(), "no subscriber: not kept in memory");
    }

    @Test
    void noReadAccessIsForbiddenOnSubscribe() {
        server = new SyncServer(store, TOKENS, CLOCK, options);
        Client a = new Client().send(new Hello(Protocol.VERSION, 1, "none", 0, "test"));
        a.only(Welcome.class);
        a.subscribe("doc", DocType.COUNTER, new PnCounter(1).encodeStateVector());
        ErrorMessage e = a.only(ErrorMessage.class);
        assertError(e, ErrorCode.FORBIDDEN, false);
        assertEquals("doc", e.docId);
        assertEquals(0, server.openDocuments());
    }

    @Test
    void tooManyDocumentsOnOneConnection() {
        options.maxDocsPerConnection = 2;
        byte[] sv = new PnCounter(1).encodeStateVector();
        Client a = new Client().hello(1);
        a.subscribed("d1", DocType.COUNTER, sv);
        a.subscribed("d2", DocType.COUNTER, sv);
        a.subscribe("d3", DocType.COUNTER, sv);
        ErrorMessage e = a.only(ErrorMessage.class);
        assertError(e, ErrorCode.LIMIT_EXCEEDED, false);
        assertEquals("d3", e.docId);
        a.subscribed("d1", DocType.COUNTER, sv); // a re-sync of an open document is no new document
        a.send(new Unsubscribe(Collections.singletonList("d2")));
        a.nothing();
        a.subscribed("d3", DocType.COUNTER, sv);
        List<DocSubscription> two = Arrays.asList(new DocSubscription("d4", DocType.COUNTER, sv),
                new DocSubscription("d3", DocType.COUNTER, sv));
        a.send(new Subscribe(two));
        List<Message> got = a.take();
        assertEquals(2, got.size());
        assertError(got.get(0), ErrorCode.LIMIT_EXCEEDED, false);
        assertTrue(got.get(1) instanceof SyncResponse);
    }

    // ---- updates ----

    @Test
    void anUpdateIsStoredThenAckedThenBroadcastToTheOtherSubscribers() {
        PnCounter w = new PnCounter(1);
        Client a = new Client().hello(1);
        Client b = new Client().hello(2);
        Client other = new Client().hello(3);
        a.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        b.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        other.subscribed("elsewhere", DocType.COUNTER, w.encodeStateVector());
        byte[] data = increment(w, 5);
        a.update(1, "doc", data);
        assertEquals(1, store.logSize("doc"));
        assertArrayEquals(data, store.load("doc").log.get(0));
        assertEquals(DocType.COUNTER, store.load("doc").type);
        assertEquals(1, store.appliedSeq(1));
        assertMessageEquals(new Ack(1), a.only(Ack.class));
        Broadcast bc = b.only(Broadcast.class);
        assertEquals("doc", bc.docId);
        assertArrayEquals(data, bc.data);
        other.nothing();
        // the next one, from b
        PnCounter wb = new PnCounter(2);
        b.update(1, "doc", increment(wb, 2));
        assertMessageEquals(new Ack(1), b.only(Ack.class));
        a.only(Broadcast.class);
        assertEquals(7, counterOnServer("doc").value());
    }

    @Test
    void storedBeforeAcknowledged() {
        // The Ack leaves only after the append returned: a store that records the order proves it.
        List<String> events = new ArrayList<>();
        ServerStore recording = new ForwardingServerStore(store) {
            @Override
            public void append(String docId, int type, byte[] update, double replicaId, double seq) {
                events.add("append " + (int) seq);
                super.append(docId, type, update, replicaId, seq);
            }
        };
        server = new SyncServer(recording, SyncServer.ALLOW_ALL, CLOCK, options);
        RecordingPeer peer = new RecordingPeer() {
            @Override
            public void send(byte[] frame) {
                super.send(frame);
                events.add(received.get(received.size() - 1).getClass().getSimpleName());
            }
        };
        SyncServer.Connection c = server.accept(peer);
        c.onFrame(FrameCodec.encode(new Hello(Protocol.VERSION, 1, "", 0, "t")));
        PnCounter w = new PnCounter(1);
        c.onFrame(FrameCodec.encode(new Subscribe(Collections.singletonList(
                new DocSubscription("doc", DocType.COUNTER, w.encodeStateVector())))));
        c.onFrame(FrameCodec.encode(new Update(1, "doc", increment(w, 1))));
        assertEquals(Arrays.asList("Welcome", "SyncResponse", "append 1", "Ack"), events);
    }

    @Test
    void aDuplicateIsAcknowledgedAgainAndNotApplied() {
        PnCounter w = new PnCounter(1);
        Client a = new Client().hello(1);
        Client b = new Client().hello(2);
        a.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        b.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        byte[] first = increment(w, 5);
        a.update(1, "doc", first);
        a.only(Ack.class);
        b.only(Broadcast.class);
        a.update(1, "doc", first);
        assertMessageEquals(new Ack(1), a.only(Ack.class));
        b.nothing();
        assertEquals(1, store.logSize("doc"));
        byte[] second = increment(w, 1);
        a.update(2, "doc", second);
        a.only(Ack.class);
        a.update(1, "doc", first); // an old one after a newer: acknowledges the newest
        assertMessageEquals(new Ack(2), a.only(Ack.class));
        assertEquals(2, store.logSize("doc"));
        assertEquals(6, counterOnServer("doc").value());
        // and after a reconnect, the server still knows
        Client again = new Client().hello(1);
        again.subscribed("doc", DocType.COUNTER, new PnCounter(1).encodeStateVector());
        again.update(2, "doc", second);
        assertMessageEquals(new Ack(2), again.only(Ack.class));
        assertEquals(2, store.logSize("doc"));
    }

    @Test
    void aGapIsIgnoredUntilTheMissingUpdateArrives() {
        PnCounter w = new PnCounter(1);
        Client a = new Client().hello(1);
        Client b = new Client().hello(2);
        a.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        b.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        byte[] u1 = increment(w, 1);
        byte[] u2 = increment(w, 10);
        a.update(2, "doc", u2);
        a.nothing();
        b.nothing();
        assertNull(store.load("doc"));
        assertEquals(0, store.appliedSeq(1));
        a.update(1, "doc", u1);
        assertMessageEquals(new Ack(1), a.only(Ack.class));
        a.update(2, "doc", u2);
        assertMessageEquals(new Ack(2), a.only(Ack.class));
        assertEquals(2, b.take().size());
        assertEquals(11, counterOnServer("doc").value());
    }

    @Test
    void garbageUpdateBytesAreRefusedAndSkipped() {
        PnCounter w = new PnCounter(1);
        Client a = new Client().hello(1);
        Client b = new Client().hello(2);
        a.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        b.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        a.update(1, "doc", increment(w, 4));
        a.take();
        b.take();
        byte[][] bad = {{1, 2, 3}, {}, new TextDoc(1).encodeState(), Arrays.copyOf(increment(new PnCounter(1), 2), 3)};
        double seq = 1;
        for (byte[] g : bad) {
            a.update(++seq, "doc", g);
            List<Message> got = a.take();
            assertEquals(2, got.size(), got.toString());
            assertError(got.get(0), ErrorCode.BAD_UPDATE, false);
            assertEquals(seq, ((ErrorMessage) got.get(0)).seq);
            assertEquals("doc", ((ErrorMessage) got.get(0)).docId);
            assertMessageEquals(new Ack(seq), got.get(1));
            b.nothing();
            assertEquals(1, store.logSize("doc"));
            assertEquals(seq, store.appliedSeq(1), "skipped for good, so later updates can proceed");
        }
        assertEquals(4, counterOnServer("doc").value());
        a.update(++seq, "doc", increment(w, 1));
        assertMessageEquals(new Ack(seq), a.only(Ack.class));
        assertEquals(5, counterOnServer("doc").value());
    }

    @Test
    void anUpdateToADocumentNotSubscribedIsApplied() {
        // Refusing it lost the change for good when the Subscribe had failed or been lost (or the client
        // sends the outbox of a document it has not opened after a restart).
        PnCounter w = new PnCounter(1);
        Client other = new Client().hello(2);
        other.subscribed("doc", DocType.COUNTER, new PnCounter(2).encodeStateVector());
        Client a = new Client().hello(1);
        byte[] u1 = increment(w, 1);
        a.update(1, "doc", u1);
        assertMessageEquals(new Ack(1), a.only(Ack.class));
        assertMessageEquals(new Broadcast("doc", u1), other.only(Broadcast.class));
        assertEquals(1, store.logSize("doc"));
        assertEquals(1, store.appliedSeq(1));
        // also after an Unsubscribe, and for a document nobody has in memory
        a.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        a.send(new Unsubscribe(Collections.singletonList("doc")));
        a.update(2, "doc", increment(w, 2));
        assertMessageEquals(new Ack(2), a.only(Ack.class));
        other.only(Broadcast.class);
        a.update(3, "fresh", increment(new PnCounter(1), 4));
        assertMessageEquals(new Ack(3), a.only(Ack.class));
        assertEquals(DocType.COUNTER, store.load("fresh").type);
        assertEquals(1, server.openDocuments(), "only the subscribed one stays in memory");
        assertEquals(3, counterOnServer("doc").value());
        assertEquals(4, counterOnServer("fresh").value());
    }

    @Test
    void readOnlyAccessIsForbiddenOnUpdate() {
        server = new SyncServer(store, TOKENS, CLOCK, options);
        Client a = new Client().send(new Hello(Protocol.VERSION, 1, "ro", 0, "test"));
        a.only(Welcome.class);
        Client b = new Client().send(new Hello(Protocol.VERSION, 2, "rw", 0, "test"));
        b.only(Welcome.class);
        a.subscribed("doc", DocType.COUNTER, new PnCounter(1).encodeStateVector());
        b.subscribed("doc", DocType.COUNTER, new PnCounter(1).encodeStateVector());
        a.update(1, "doc", increment(new PnCounter(1), 3));
        List<Message> got = a.take();
        assertEquals(2, got.size());
        assertError(got.get(0), ErrorCode.FORBIDDEN, false);
        assertEquals(1, ((ErrorMessage) got.get(0)).seq);
        assertMessageEquals(new Ack(1), got.get(1));
        b.nothing();
        assertNull(store.load("doc"));
        // and the document in memory did not take it either
        PnCounter seen = new PnCounter(5);
        seen.applyUpdate(b.subscribed("doc", DocType.COUNTER, seen.encodeStateVector()).update);
        assertEquals(0, seen.value());
    }

    // ---- storage failures ----

    @Test
    void aFailedWriteIsNotAcknowledgedAndTheResendIsAppliedOnce() {
        PnCounter w = new PnCounter(1);
        Client a = new Client().hello(1);
        Client b = new Client().hello(2);
        a.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        b.subscribed("doc", DocType.COUNTER, w.encodeStateVector());
        byte[] u1 = increment(w, 5);
        store.failWrites = true;
        a.update(1, "doc", u1);
        ErrorMessage e = a.only(ErrorMessage.class);
        assertError(e, ErrorCode.INTERNAL, true);
        assertEquals(1, e.seq);
        assertTrue(a.peer.closed);
        assertFalse(b.take().stream().anyMatch(m -> m instanceof Broadcast), "nothing undurable is broadcast");
        assertEquals(0, store.appliedSeq(1));
        assertNull(store.load("doc"));

        store.failWrites = false;
        Client a2 = new Client().send(new Hello(Protocol.VERSION, 1, "", 1, "test"));
        assertEquals(0, a2.only(Welcome.class).ackedSeq, "the client must resend");
        SyncResponse r = a2.subscribed("doc", DocType.COUNTER, new PnCounter(1).encodeStateVector());
        PnCounter fresh = new PnCounter(1);
        fresh.applyUpdate(r.update);
        assertEquals(0, fresh.value(), "the failed update is not in the document");
        a2.update(1, "doc", u1);
        assertMessageEquals(new Ack(1), a2.only(Ack.class));
        a2.update(1, "doc", u1);
        assertMessageEquals(new Ack(1), a2.only(Ack.class));
        assertEquals(1, store.logSize("doc"));
        assertEquals(5, counterOnServer("doc").value());
    }

    @Test
    void afterAFailedWriteNoOtherSubscriberLosesAnUpdate() {
        // After a failed append the document's state leaves memory but its other subscribers stay
        // subscribed: the state is reloaded from the store (without the undurable update) when next
        // needed, so b's next update is applied and broadcast, and b is not disconnected.
        PnCounter wa = new PnCounter(1);
        PnCounter wb = new PnCounter(2);
        Client a = new Client().hello(1);
        Client b = new Client().hello(2);
        Client elsewhere = new Client().hello(3);
        a.subscribed("doc", DocType.COUNTER, wa.encodeStateVector());
        b.subscribed("doc", DocType.COUNTER, wb.encodeStateVector());
        elsewhere.subscribed("other", DocType.COUNTER, wb.encodeStateVector());
        store.failWrites = true;
        a.update(1, "doc", increment(wa, 5));
        store.failWrites = false;
        assertError(a.only(ErrorMessage.class), ErrorCode.INTERNAL, true);
        assertTrue(a.peer.closed);
        b.nothing();
        assertFalse(b.peer.closed, "b stays connected and subscribed");
        elsewhere.nothing();
        assertFalse(elsewhere.peer.closed, "a connection without the document goes on");
        assertEquals(0, store.appliedSeq(1));
        assertNull(store.load("doc"));

        Client watcher = new Client().hello(4);
        PnCounter seen = new PnCounter(4);
        seen.applyUpdate(watcher.subscribed("doc", DocType.COUNTER, seen.encodeStateVector()).update);
        assertEquals(0, seen.value(), "reloaded from the store: the failed update is not in it");
        byte[] ub = increment(wb, 7);
        b.update(1, "doc", ub);
        assertMessageEquals(new Ack(1), b.only(Ack.class));
        assertMessageEquals(new Broadcast("doc", ub), watcher.only(Broadcast.class));
        assertEquals(1, store.logSize("doc"));
        assertEquals(7, counterOnServer("doc").value());
        // b is still a subscriber: it gets the next change from someone else
        Client a2 = new Client().hello(1);
        byte[] ua = increment(new PnCounter(1), 5);
        a2.update(1, "doc", ua);
        assertMessageEquals(new Ack(1), a2.only(Ack.class));
        assertMessageEquals(new Broadcast("doc", ua), b.only(Broadcast.class));
        assertEquals(12, counterOnServer("doc").value());
    }

    @Test
    void aFailedSkipIsNotAcknowledged() {
        server = new SyncServer(store, TOKENS, CLOCK, options);
        Client a = new Client().send(new Hello(Protocol.VERSION, 1, "ro", 0, "test"));
        a.only(Welcome.class);
        a.subscribed("doc", DocType.COUNTER, new PnCounter(1).encodeStateVector());
        store.failWrites = true;
        a.update(1, "doc", increment(new PnCounter(1), 1)); // refused (read only), and the skip fails
        List<Message> got = a.take();
        assertFalse(got.stream().anyMatch(m -> m instanceof Ack), got.toString());
        assertError(got.get(got.size() - 1), ErrorCode.INTERNAL, true);
        assertTrue(a.peer.closed);
        assertEquals(0, store.appliedSeq(1));
    }

    @Test
    void aStoreThatFailsToReadGivesInternalErrors() {
        boolean[] fail = {false};
        ServerStore flaky = new ForwardingServerStore(store) {
            @Override
            public StoredDoc load(String docId) {
                if (fail[0]) {
                    throw new IllegalStateException("database unavailable (simulated)");
                }
                return super.load(docId);
            }

            @Override
            public double appliedSeq(double replicaId) {
                if (fail[0]) {
                    throw new IllegalStateException("database unavailable (simulated)");
                }
                return super.appliedSeq(replicaId);
            }
        };
        server = new SyncServer(flaky, SyncServer.ALLOW_ALL, CLOCK, options);
        fail[0] = true;
        Client a = new Client().send(new Hello(Protocol.VERSION, 1, "", 0, "test"));
        assertError(a.only(ErrorMessage.class), ErrorCode.INTERNAL, true);
        assertTrue(a.peer.closed);
        fail[0] = false;
        Client b = new Client().hello(2);
        fail[0] = true;
        b.subscribe("doc", DocType.COUNTER, new PnCounter(2).encodeStateVector());
        ErrorMessage e = b.only(ErrorMessage.class);
        assertError(e, ErrorCode.INTERNAL, false); // for that document only: the client's re-sync tries again
        assertEquals("doc", e.docId);
        assertFalse(b.peer.closed, "the connection's other documents go on");
        assertEquals(0, server.openDocuments());
        b.update(1, "doc", increment(new PnCounter(2), 3)); // the store still cannot be read: not acknowledged
        ErrorMessage f = b.only(ErrorMessage.class);
        assertError(f, ErrorCode.INTERNAL, true);
        assertEquals(1, f.seq);
        assertTrue(b.peer.closed);
        assertEquals(0, store.appliedSeq(2));
        fail[0] = false;
        Client c = new Client().hello(2);
        assertEquals(2, c.conn.replicaId());
        c.subscribed("doc", DocType.COUNTER, new PnCounter(2).encodeStateVector());
        c.update(1, "doc", increment(new PnCounter(2), 3));
        assertMessageEquals(new Ack(1), c.only(Ack.class));
        assertEquals(1, store.logSize("doc"));
    }

    // ---- compaction ----

    @Test
    void compactionKeepsTheDocumentAcrossARestart() {
        options.compactAfter = 5;
        TextDoc w = new TextDoc(1);
        Client a = new Client().hello(1);
        a.subscribed("notes", DocType.TEXT, w.encodeStateVector());
        java.util.Random random = new java.util.Random(1);
        for (int seq = 1; seq <= 23; seq++) {
            byte[] sv = w.encodeStateVector();
            if (w.length() > 3 && random.nextInt(3) == 0) {
                w.delete(random.nextInt(w.length() - 2), 2);
            } else {
                w.insert(random.nextInt(w.length() + 1), "x" + seq);
            }
            a.update(seq, "notes", w.encodeDiff(sv));
            assertMessageEquals(new Ack(seq), a.only(Ack.class));
            assertTrue(store.logSize("notes") < 5, "compacted: " + store.logSize("notes") + " entries");
        }
        // 23 updates, compacted at 5 and then every 4 more: 23 = 5 + 4 * 4 + 2, a state and 2 updates
        assertEquals(3, store.logSize("notes"));
        server = new SyncServer(store, SyncServer.ALLOW_ALL, CLOCK, options);
        Client b = new Client().hello(2);
        TextDoc r = new TextDoc(2);
        SyncResponse resp = b.subscribed("notes", DocType.TEXT, r.encodeStateVector());
        r.applyUpdate(resp.update);
        assertEquals(w.toString(), r.toString());
        assertArrayEquals(w.encodeStateVector(), resp.stateVector);
        // and it keeps working after the restart, compaction included
        Client a2 = new Client().hello(1);
        a2.subscribed("notes", DocType.TEXT, w.encodeStateVector());
        for (int seq = 24; seq <= 30; seq++) {
            byte[] sv = w.encodeStateVector();
            w.insert(0, "y");
            a2.update(seq, "notes", w.encodeDiff(sv));
            assertMessageEquals(new Ack(seq), a2.only(Ack.class));
        }
        assertEquals(2, store.logSize("notes"), "3 entries + 2 = 5: compacted; + 4 = 5: compacted; + 1");
        server = new SyncServer(store, SyncServer.ALLOW_ALL, CLOCK, options);
        TextDoc r2 = new TextDoc(3);
        r2.applyUpdate(new Client().hello(3).subscribed("notes", DocType.TEXT, r2.encodeStateVector()).update);
        assertEquals(w.toString(), r2.toString());
    }
}
