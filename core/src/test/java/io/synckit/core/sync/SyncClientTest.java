package io.synckit.core.sync;

import static io.synckit.core.protocol.Messages.assertMessageEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.counter.PnCounter;
import io.synckit.core.protocol.Messages;
import io.synckit.core.protocol.Ack;
import io.synckit.core.protocol.Broadcast;
import io.synckit.core.protocol.DocSubscription;
import io.synckit.core.protocol.DocType;
import io.synckit.core.protocol.ErrorCode;
import io.synckit.core.protocol.ErrorMessage;
import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Message;
import io.synckit.core.protocol.Ping;
import io.synckit.core.protocol.Pong;
import io.synckit.core.protocol.Protocol;
import io.synckit.core.protocol.Subscribe;
import io.synckit.core.protocol.SyncResponse;
import io.synckit.core.protocol.Unsubscribe;
import io.synckit.core.protocol.Update;
import io.synckit.core.protocol.Welcome;
import io.synckit.core.text.TextDoc;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scripted tests of {@link SyncClient}: events in (with explicit times), frames and store calls out. */
class SyncClientTest {
    private static final double REPLICA = 11;
    private static final double ALMOST_ONE = 0.9999999999;

    /** Everything the client did, in order: store writes ("addLocal 3"), and transport calls ("send Update 3"). */
    private final List<String> events = new ArrayList<>();
    private final List<Message> sent = new ArrayList<>();
    private final MemoryClientStore memory = new MemoryClientStore();
    private final RecordingStore store = new RecordingStore(memory);
    private final RecordingListener listener = new RecordingListener();
    private final SyncClient.Options options = new SyncClient.Options();
    private double randomValue = 0.5;
    private int connects;
    private int closes;
    private SyncClient client;

    // ---- fakes ----

    private final SyncClient.Io io = new SyncClient.Io() {
        @Override
        public void connect() {
            connects++;
            events.add("connect");
        }

        @Override
        public void send(byte[] frame) {
            Message m = FrameCodec.decode(frame);
            sent.add(m);
            events.add("send " + describe(m));
        }

        @Override
        public void close() {
            closes++;
            events.add("close");
        }
    };

    private static String describe(Message m) {
        if (m instanceof Update) {
            return "Update " + (int) ((Update) m).seq;
        }
        if (m instanceof Ack) {
            return "Ack " + (int) ((Ack) m).seq;
        }
        return m.getClass().getSimpleName();
    }

    /** A ClientStore that logs every write into {@link #events} before doing it. */
    private final class RecordingStore implements ClientStore {
        final ClientStore inner;

        RecordingStore(ClientStore inner) {
            this.inner = inner;
        }

        @Override
        public double nextSeq() {
            return inner.nextSeq();
        }

        @Override
        public List<Update> outbox() {
            return inner.outbox();
        }

        @Override
        public List<byte[]> docLog(String docId) {
            return inner.docLog(docId);
        }

        @Override
        public void addLocal(Update change) {
            events.add("addLocal " + (int) change.seq);
            inner.addLocal(change);
        }

        @Override
        public void addRemote(String docId, byte[] update) {
            events.add("addRemote " + docId);
            inner.addRemote(docId, update);
        }

        @Override
        public void acknowledged(double seq) {
            events.add("acknowledged " + (int) seq);
            inner.acknowledged(seq);
        }

        @Override
        public void compact(String docId, byte[] state) {
            events.add("compact " + docId);
            inner.compact(docId, state);
        }
    }

    static final class RecordingListener implements SyncClient.Listener {
        final List<String> remoteChanges = new ArrayList<>();
        final List<Integer> statuses = new ArrayList<>();
        final List<String> errors = new ArrayList<>();

        @Override
        public void remoteChange(String docId) {
            remoteChanges.add(docId);
        }

        @Override
        public void status(int status) {
            statuses.add(status);
        }

        @Override
        public void error(int code, String message, String docId) {
            assertFalse(message.isEmpty(), "an error says what went wrong");
            errors.add(ErrorCode.name(code) + (docId.isEmpty() ? "" : " " + docId));
        }
    }

    // ---- helpers ----

    private SyncClient newClient() {
        client = new SyncClient(REPLICA, "tok", store, io, () -> randomValue, listener, options);
        return client;
    }

    private void receive(Message m, double now) {
        client.onFrame(FrameCodec.encode(m), now);
    }

    /** Clears and returns what was sent. */
    private List<Message> takeSent() {
        List<Message> out = new ArrayList<>(sent);
        sent.clear();
        return out;
    }

    private List<String> takeEvents() {
        List<String> out = new ArrayList<>(events);
        events.clear();
        sent.clear();
        return out;
    }

    /** start, open, Welcome(ackedSeq 0): online at {@code now}; clears the records. */
    private void online(double now) {
        client.start(now);
        client.onOpen(now);
        receive(new Welcome(Protocol.VERSION, 0, 15000, 1 << 20), now);
        assertEquals(SyncClient.STATUS_ONLINE, client.status());
        takeEvents();
    }

    private static byte[] increment(PnCounter c, double amount) {
        byte[] sv = c.encodeStateVector();
        c.increment(amount);
        return c.encodeDiff(sv);
    }

    private static List<String> docIds(Subscribe s) {
        List<String> ids = new ArrayList<>();
        for (DocSubscription d : s.docs) {
            ids.add(d.docId);
        }
        return ids;
    }

    // ---- documents ----

    @Test
    void openRebuildsTheDocumentFromTheStore() {
        PnCounter other = new PnCounter(2);
        memory.addRemote("count", increment(other, 4));
        memory.addLocal(new Update(1, "count", increment(new PnCounter(REPLICA), 3)));
        TextDoc t = new TextDoc(2);
        t.insert(0, "hello");
        memory.compact("text", t.encodeState());
        byte[] sv = t.encodeStateVector();
        t.insert(5, "!");
        memory.addRemote("text", t.encodeDiff(sv));

        newClient();
        PnCounter c = new PnCounter(REPLICA);
        client.open("count", c);
        assertEquals(7, c.value());
        TextDoc text = new TextDoc(REPLICA);
        client.open("text", text);
        assertEquals("hello!", text.toString());
        assertEquals(1, client.pending(), "the outbox came back too");
        assertThrows(IllegalStateException.class, () -> client.open("count", new PnCounter(REPLICA)));
        assertThrows(IllegalStateException.class, () -> client.localChange("never-opened"));
    }

    @Test
    void aLocalChangeIsStoredBeforeItIsSent() {
        newClient();
        PnCounter c = new PnCounter(REPLICA);
        client.open("doc", c);
        online(1000);
        c.increment(2);
        client.localChange("doc");
        assertEquals(Arrays.asList("addLocal 1", "send Update 1"), events);
        Update u = (Update) sent.get(0);
        assertEquals("doc", u.docId);
        PnCounter server = new PnCounter(99);
        server.applyUpdate(u.data);
        assertEquals(2, server.value());
        assertEquals(1, client.pending());
        assertEquals(1, memory.outbox().size());
    }

    /** Another tab's change: applied, stored and sent as this client's own; later local changes do not repeat it. */
    @Test
    void aForwardedChangeIsAppliedStoredAndSentOnce() {
        newClient();
        TextDoc t = new TextDoc(REPLICA);
        client.open("doc", t);
        online(1000);
        TextDoc otherTab = new TextDoc(REPLICA + 1);
        otherTab.insert(0, "hi");
        client.forward("doc", otherTab.encodeState());
        assertEquals("hi", t.toString());
        assertEquals(Arrays.asList("addLocal 1", "send Update 1"), events);
        events.clear();
        t.insert(2, "!");
        client.localChange("doc");
        Update second = (Update) sent.get(1);
        TextDoc server = new TextDoc(99);
        server.applyUpdate(((Update) sent.get(0)).data);
        server.applyUpdate(second.data);
        assertEquals("hi!", server.toString());
        TextDoc onlyTheSecond = new TextDoc(98);
        onlyTheSecond.applyUpdate(otherTab.encodeState());
        int before = onlyTheSecond.length();
        onlyTheSecond.applyUpdate(second.data);
        assertEquals(before + 1, onlyTheSecond.length(), "the second update carries only the new character");
        assertEquals(2, client.pending());
        assertThrows(RuntimeException.class, () -> client.forward("doc", new byte[] {1, 2, 3}), "bad bytes");
        assertEquals(2, client.pending(), "nothing stored for them");
    }

    @Test
    void aLocalChangeIsSentOnlyWhenOnlineAndSubscribed() {
        newClient();
        PnCounter c = new PnCounter(REPLICA);
        client.open("doc", c);
        c.increment(1);
        client.localChange("doc"); // offline
        assertEquals(Collections.singletonList("addLocal 1"), takeEvents());
        client.start(0);
        client.onOpen(10);
        takeEvents();
        c.increment(1);
        client.localChange("doc"); // connected, no Welcome yet: not subscribed
        assertEquals(Collections.singletonList("addLocal 2"), takeEvents());
        receive(new Welcome(Protocol.VERSION, 0, 15000, 1 << 20), 20);
        assertEquals(Arrays.asList("send Subscribe", "send Update 1", "send Update 2"), takeEvents());
        c.increment(1);
        client.localChange("doc");
        assertEquals(Arrays.asList("addLocal 3", "send Update 3"), takeEvents());
        assertEquals(4, memory.nextSeq());
    }

    @Test
    void openingADocumentWhileOnlineSubscribes() {
        // The outbox goes out at Welcome whether or not its document is open (the server applies an
        // update without a subscription); opening the document later only subscribes to it.
        PnCounter c = new PnCounter(REPLICA);
        byte[] u1 = increment(c, 1);
        memory.addLocal(new Update(1, "doc", u1));
        newClient();
        client.start(0);
        client.onOpen(0);
        takeEvents();
        receive(new Welcome(Protocol.VERSION, 0, 15000, 1 << 20), 1);
        assertMessageEquals(Collections.singletonList(new Update(1, "doc", u1)), takeSent(), "no document open: no Subscribe");
        PnCounter opened = new PnCounter(REPLICA);
        client.open("doc", opened);
        assertEquals(1, opened.value(), "rebuilt from the store");
        List<Message> out = takeSent();
        assertEquals(1, out.size(), Messages.describe(out));
        Subscribe s = (Subscribe) out.get(0);
        assertEquals(Collections.singletonList("doc"), docIds(s));
        assertArrayEquals(opened.encodeStateVector(), s.docs.get(0).stateVector);
        assertEquals(1, client.pending());
    }

    @Test
    void closeUnsubscribes() {
        newClient();
        client.open("doc", new PnCounter(REPLICA));
        online(0);
        client.close("doc");
        assertMessageEquals(new Unsubscribe(Collections.singletonList("doc")), takeSent().get(0));
        receive(new Broadcast("doc", increment(new PnCounter(2), 1)), 10);
        assertTrue(listener.remoteChanges.isEmpty(), "a closed document takes no updates");
        client.open("doc", new PnCounter(REPLICA)); // and can be opened again
        assertTrue(takeSent().get(0) instanceof Subscribe);
    }

    @Test
    void theLogIsCompactedAfterCompactAfterEntries() {
        options.compactAfter = 3;
        newClient();
        PnCounter c = new PnCounter(REPLICA);
        client.open("doc", c);
        c.increment(1);
        client.localChange("doc");
        receive(new Broadcast("doc", increment(new PnCounter(2), 10)), 0); // not connected: ignored
        c.increment(1);
        client.localChange("doc");
        assertEquals(2, memory.docLog("doc").size());
        c.increment(1);
        client.localChange("doc");
        assertEquals(1, memory.docLog("doc").size());
        assertTrue(events.contains("compact doc"));
        assertEquals(3, memory.outbox().size(), "compaction leaves the outbox alone");
        c.increment(1);
        client.localChange("doc");
        assertEquals(2, memory.docLog("doc").size());
        PnCounter again = new PnCounter(REPLICA);
        new SyncClient(REPLICA, "", memory, io, () -> 0, listener, options).open("doc", again);
        assertEquals(4, again.value());
    }

    // ---- session ----

    @Test
    void onOpenSendsHelloWithTheAckedSequence() {
        options.clientName = "test/1";
        newClient();
        PnCounter c = new PnCounter(REPLICA);
        client.open("doc", c);
        client.start(0);
        assertEquals(Collections.singletonList("connect"), takeEvents());
        assertEquals(Collections.singletonList(SyncClient.STATUS_CONNECTING), listener.statuses);
        client.onOpen(5);
        assertMessageEquals(new Hello(Protocol.VERSION, REPLICA, "tok", 0, "test/1"), takeSent().get(0));
        receive(new Welcome(Protocol.VERSION, 0, 15000, 1 << 20), 6);
        for (int i = 0; i < 3; i++) {
            c.increment(1);
            client.localChange("doc");
        }
        receive(new Ack(2), 7);
        client.onClose(8);
        double retry = client.nextWakeAt();
        client.tick(retry);
        client.setToken("tok2");
        takeEvents();
        client.onOpen(retry + 10);
        assertMessageEquals(new Hello(Protocol.VERSION, REPLICA, "tok2", 2, "test/1"), takeSent().get(0));
    }

    @Test
    void aRestartedClientResumesFromItsOutbox() {
        memory.addLocal(new Update(1, "doc", increment(new PnCounter(REPLICA), 1)));
        memory.addLocal(new Update(2, "doc", increment(new PnCounter(REPLICA), 1)));
        memory.addLocal(new Update(3, "doc", increment(new PnCounter(REPLICA), 1)));
        memory.acknowledged(1);
        newClient();
        client.start(0);
        client.onOpen(0);
        assertEquals(1, ((Hello) takeSent().get(0)).resumeSeq, "everything before the outbox was acknowledged");
    }

    @Test
    void welcomeTrimsTheOutboxThenSubscribesThenResendsInOrder() {
        newClient();
        PnCounter a = new PnCounter(REPLICA);
        PnCounter b = new PnCounter(REPLICA);
        client.open("a", a);
        client.open("b", b);
        for (int i = 0; i < 4; i++) {
            PnCounter c = i % 2 == 0 ? a : b;
            c.increment(1);
            client.localChange(i % 2 == 0 ? "a" : "b");
        }
        client.start(0);
        client.onOpen(0);
        takeEvents();
        receive(new Welcome(Protocol.VERSION, 2, 15000, 1 << 20), 1);
        assertEquals(Arrays.asList("acknowledged 2", "send Subscribe", "send Update 3", "send Update 4"), events);
        Subscribe s = (Subscribe) sent.get(0);
        assertEquals(Arrays.asList("a", "b"), docIds(s));
        assertEquals(DocType.COUNTER, s.docs.get(0).type);
        assertArrayEquals(a.encodeStateVector(), s.docs.get(0).stateVector);
        assertEquals("a", ((Update) sent.get(1)).docId);
        assertEquals(2, client.pending());
        assertEquals(2, memory.outbox().size());
        assertEquals(SyncClient.STATUS_ONLINE, client.status());
    }

    @Test
    void ackTrimsTheOutboxAndTheStore() {
        newClient();
        PnCounter c = new PnCounter(REPLICA);
        client.open("doc", c);
        online(0);
        for (int i = 0; i < 3; i++) {
            c.increment(1);
            client.localChange("doc");
        }
        takeEvents();
        receive(new Ack(2), 5);
        assertEquals(Collections.singletonList("acknowledged 2"), takeEvents());
        assertEquals(1, client.pending());
        assertEquals(3, memory.outbox().get(0).seq);
        receive(new Ack(1), 6); // older: nothing to do
        receive(new Ack(2), 6);
        assertTrue(events.isEmpty(), events.toString());
        receive(new Ack(3), 7);
        assertEquals(0, client.pending());
        assertTrue(memory.outbox().isEmpty());
    }

    @Test
    void broadcastsAndSyncResponsesAreAppliedStoredAndReported() {
        newClient();
        PnCounter c = new PnCounter(REPLICA);
        client.open("doc", c);
        online(0);
        PnCounter other = new PnCounter(2);
        byte[] first = increment(other, 5);
        receive(new SyncResponse("doc", first, other.encodeStateVector()), 1);
        assertEquals(5, c.value());
        assertEquals(Collections.singletonList("doc"), listener.remoteChanges);
        assertEquals(Collections.singletonList("addRemote doc"), takeEvents());
        receive(new Broadcast("doc", increment(other, 2)), 2);
        assertEquals(7, c.value());
        assertEquals(Arrays.asList("doc", "doc"), listener.remoteChanges);
        receive(new Broadcast("doc", first), 3); // again: nothing changes, nothing to report
        assertEquals(2, listener.remoteChanges.size());
        receive(new Broadcast("unknown", first), 4);
        assertEquals(2, listener.remoteChanges.size());
        // what a restart rebuilds from
        PnCounter rebuilt = new PnCounter(REPLICA);
        new SyncClient(REPLICA, "", memory, io, () -> 0, listener, options).open("doc", rebuilt);
        assertEquals(7, rebuilt.value());
        // local changes after a remote one carry only the local part
        c.increment(1);
        client.localChange("doc");
        PnCounter fresh = new PnCounter(3);
        fresh.applyUpdate(((Update) takeSent().get(0)).data);
        assertEquals(1, fresh.value());
    }

    @Test
    void aBadUpdateFromTheServerIsReportedAndChangesNothing() {
        newClient();
        PnCounter c = new PnCounter(REPLICA);
        client.open("doc", c);
        online(0);
        receive(new Broadcast("doc", new byte[] {1, 2, 3}), 1);
        assertEquals(Collections.singletonList("BAD_UPDATE doc"), listener.errors);
        assertEquals(0, c.value());
        assertTrue(memory.docLog("doc").isEmpty());
        assertEquals(0, closes);
    }

    @Test
    void pingIsAnsweredWithPong() {
        newClient();
        online(0);
        receive(new Ping(77), 1);
        assertMessageEquals(Collections.singletonList(new Pong(77)), takeSent());
    }

    // ---- errors ----

    @Test
    void unauthenticatedStopsUntilStartIsCalledAgain() {
        newClient();
        client.start(0);
        client.onOpen(0);
        receive(new ErrorMessage(ErrorCode.UNAUTHENTICATED, "bad token", "", 0, true), 1);
        assertEquals(SyncClient.STATUS_STOPPED, client.status());
        assertEquals(Collections.singletonList("UNAUTHENTICATED"), listener.errors);
        assertEquals(1, closes);
        client.onClose(2);
        assertEquals(SyncClient.STATUS_STOPPED, client.status());
        assertEquals(Double.POSITIVE_INFINITY, client.nextWakeAt());
        client.tick(1e9);
        assertEquals(1, connects, "no reconnect while stopped");
        client.setToken("fresh");
        takeEvents();
        client.start(2e9);
        assertEquals(2, connects);
        assertEquals(SyncClient.STATUS_CONNECTING, client.status());
        client.onOpen(2e9);
        assertEquals("fresh", ((Hello) takeSent().get(0)).token);
    }

    @Test
    void startAgainBeforeTheStoppedConnectionHasClosed() {
        // The engine closed the stopped connection itself (Io.close: the host reports nothing more from
        // it), so start() does not wait for its close: it connects at once.
        randomValue = 0;
        newClient();
        client.start(0);
        client.onOpen(0);
        receive(new ErrorMessage(ErrorCode.UNAUTHENTICATED, "bad token", "", 0, true), 1);
        assertEquals(1, closes);
        assertEquals(SyncClient.STATUS_STOPPED, client.status());
        client.setToken("fresh");
        takeEvents();
        client.start(2); // the transport has not reported the close yet (and will not)
        assertEquals(2, connects, "connects at once");
        assertEquals(SyncClient.STATUS_CONNECTING, client.status());
        assertEquals(2 + 37500, client.nextWakeAt(), "the connect timeout");
        assertEquals(Collections.singletonList("connect"), takeEvents());
        client.onOpen(3);
        assertEquals(Collections.singletonList("send Hello"), takeEvents());
        client.onClose(4); // this attempt failed: a reconnect is scheduled
        assertEquals(SyncClient.STATUS_OFFLINE, client.status());
        assertEquals(4 + 500, client.nextWakeAt());
        client.tick(4 + 500);
        assertEquals(3, connects);
        client.onOpen(505);
        assertEquals("fresh", ((Hello) takeSent().get(0)).token);
        receive(new Welcome(Protocol.VERSION, 0, 15000, 1 << 20), 506);
        assertEquals(SyncClient.STATUS_ONLINE, client.status());
    }

    @Test
    void anotherProtocolVersionStops() {
        newClient();
        client.start(0);
        client.onOpen(0);
        receive(new Welcome(Protocol.VERSION + 1, 0, 15000, 1 << 20), 1);
        assertEquals(SyncClient.STATUS_STOPPED, client.status());
        assertEquals(Collections.singletonList("UNSUPPORTED_VERSION"), listener.errors);
        client.onClose(2);
        client.tick(1e9);
        assertEquals(1, connects);
        newClient();
        client.start(0);
        client.onOpen(0);
        receive(new ErrorMessage(ErrorCode.UNSUPPORTED_VERSION, "too old", "", 0, true), 1);
        assertEquals(SyncClient.STATUS_STOPPED, client.status());
    }

    @Test
    void aFatalErrorClosesAndReconnects() {
        newClient();
        client.open("doc", new PnCounter(REPLICA));
        online(0);
        receive(new ErrorMessage(ErrorCode.INTERNAL, "storage failed", "doc", 0, true), 1);
        assertEquals(Collections.singletonList("INTERNAL doc"), listener.errors);
        assertEquals(1, closes);
        client.onClose(2);
        assertEquals(SyncClient.STATUS_OFFLINE, client.status());
        assertTrue(client.nextWakeAt() < Double.POSITIVE_INFINITY, "a reconnect is scheduled");
        client.tick(client.nextWakeAt());
        assertEquals(2, connects);
    }

    @Test
    void aNonFatalErrorIsReportedAndTheSessionGoesOn() {
        newClient();
        client.open("doc", new PnCounter(REPLICA));
        online(0);
        receive(new ErrorMessage(ErrorCode.FORBIDDEN, "read only", "doc", 3, false), 1);
        assertEquals(Collections.singletonList("FORBIDDEN doc"), listener.errors);
        assertEquals(0, closes);
        assertEquals(SyncClient.STATUS_ONLINE, client.status());
    }

    @Test
    void aMalformedFrameFromTheServerIsReportedAndClosesTheConnection() {
        newClient();
        client.open("doc", new PnCounter(REPLICA));
        online(0);
        client.onFrame(new byte[] {(byte) 0xFF, 0x01}, 1);
        assertEquals(Collections.singletonList("MALFORMED_FRAME"), listener.errors);
        assertEquals(1, closes);
        client.onClose(2);
        assertEquals(SyncClient.STATUS_OFFLINE, client.status());
        client.tick(client.nextWakeAt());
        assertEquals(2, connects, "reconnects");
    }

    // ---- timers ----

    @Test
    void reconnectDelaysDoubleUpToTheCapWithJitterAndResetAfterAHeartbeatOnline() {
        double[] full = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
        for (double r : new double[] {0, ALMOST_ONE}) {
            randomValue = r;
            events.clear();
            newClient();
            double now = 0;
            client.start(now);
            for (int round = 0; round < 2; round++) {
                for (double d : full) {
                    int before = connects;
                    now += 3;
                    client.onClose(now); // the connection attempt failed
                    double at = client.nextWakeAt();
                    double delay = at - now;
                    assertTrue(delay >= d / 2 && delay < d, "delay " + delay + " for base " + d + " (random " + r + ")");
                    if (r == 0) {
                        assertEquals(d / 2, delay);
                    } else {
                        assertEquals(d, delay, d * 1e-6);
                    }
                    client.tick(at - 1);
                    assertEquals(before, connects, "not before the delay");
                    client.tick(at);
                    assertEquals(before + 1, connects);
                    now = at;
                }
                // A Welcome alone does not reset the backoff (a server whose storage is down welcomes,
                // then fails at once): a connection that ends right after it gets the capped delay.
                client.onOpen(now);
                receive(new Welcome(Protocol.VERSION, 0, 15000, 1 << 20), now);
                now += 3;
                receive(new ErrorMessage(ErrorCode.INTERNAL, "storage failed", "", 1, true), now);
                double delay = client.nextWakeAt() - now;
                assertEquals(r == 0 ? 15000 : 30000, delay, 30000 * 1e-6, "no reset at Welcome");
                now = client.nextWakeAt();
                client.tick(now);
                // One that stayed up for a heartbeat was good: its end starts the backoff over.
                client.onOpen(now);
                receive(new Welcome(Protocol.VERSION, 0, 15000, 1 << 20), now);
                receive(new Pong(1), now + 10000);
                now += 15000;
                client.onClose(now);
                delay = client.nextWakeAt() - now;
                assertEquals(r == 0 ? 500 : 1000, delay, 1e-6, "reset after a heartbeat online");
                now = client.nextWakeAt();
                client.tick(now);
                client.onClose(now + 3); // a failed attempt: doubles again
                delay = client.nextWakeAt() - (now + 3);
                assertEquals(r == 0 ? 1000 : 2000, delay, 1e-6);
                now = client.nextWakeAt();
                client.tick(now);
                client.onOpen(now);
                receive(new Welcome(Protocol.VERSION, 0, 15000, 1 << 20), now);
                now += 15000 - 3; // a heartbeat online, less the 3 ms before the next round's close
                receive(new Pong(2), now);
            }
        }
    }

    @Test
    void heartbeatPingsAfterSilenceAndGivesUpAfterTwoAndAHalfHeartbeats() {
        randomValue = 0;
        newClient();
        client.open("doc", new PnCounter(REPLICA));
        client.start(0);
        client.onOpen(0);
        receive(new Welcome(Protocol.VERSION, 0, 10000, 1 << 20), 1000);
        takeEvents();
        client.tick(10999);
        assertTrue(sent.isEmpty());
        assertEquals(11000, client.nextWakeAt());
        client.tick(11000);
        assertMessageEquals(Collections.singletonList(new Ping(1)), takeSent());
        client.tick(15000);
        assertTrue(sent.isEmpty(), "one Ping per heartbeat");
        receive(new Pong(1), 12000); // anything received counts as life
        assertEquals(22000, client.nextWakeAt());
        client.tick(22000);
        assertMessageEquals(Collections.singletonList(new Ping(2)), takeSent());
        client.tick(32000);
        assertMessageEquals(Collections.singletonList(new Ping(3)), takeSent());
        assertEquals(0, closes);
        assertEquals(37000, client.nextWakeAt(), "2.5 heartbeats after the last frame received");
        client.tick(36999);
        assertEquals(0, closes);
        client.tick(37000);
        assertEquals(1, closes);
        assertEquals(SyncClient.STATUS_OFFLINE, client.status());
        assertEquals(37000 + 500, client.nextWakeAt(), "a reconnect is scheduled");
        client.tick(37500);
        assertEquals(2, connects);
    }

    @Test
    void theHostsOnCloseAfterADeadConnectionDoesNotCountTwice() {
        randomValue = 0;
        newClient();
        client.start(0);
        client.onOpen(0);
        receive(new Welcome(Protocol.VERSION, 0, 10000, 1 << 20), 0);
        client.tick(25000); // dead: the client closes and schedules a reconnect itself
        assertEquals(1, closes);
        assertEquals(25500, client.nextWakeAt());
        client.onClose(25100); // the transport reports the close it was asked for
        assertEquals(25500, client.nextWakeAt(), "the same close must not push the reconnect back");
        assertEquals(Arrays.asList(SyncClient.STATUS_CONNECTING, SyncClient.STATUS_ONLINE, SyncClient.STATUS_OFFLINE),
                listener.statuses);
        client.tick(25500);
        assertEquals(2, connects);
        client.onClose(25600); // this attempt failed: the second delay
        assertEquals(25600 + 1000, client.nextWakeAt());
    }

    @Test
    void welcomeWithoutHeartbeatMeansNoPings() {
        newClient();
        client.start(0);
        client.onOpen(0);
        receive(new Welcome(Protocol.VERSION, 0, 0, 1 << 20), 0);
        takeEvents();
        assertEquals(60000, client.nextWakeAt(), "no Ping, no dead-connection timer: only the re-sync");
        client.tick(1e9);
        assertTrue(events.isEmpty(), events.toString());
        assertEquals(SyncClient.STATUS_ONLINE, client.status());
        // the other timers still run
        client.open("doc", new PnCounter(REPLICA));
        takeEvents();
        assertEquals(1e9 + 60000, client.nextWakeAt(), "the periodic re-sync");
        // a good connection: its end starts the backoff over (after the configured heartbeat online)
        randomValue = 0;
        client.onClose(2e9);
        assertEquals(2e9 + 500, client.nextWakeAt());
        client.tick(2e9 + 500);
        assertEquals(2, connects);
        assertEquals(2e9 + 500 + 37500, client.nextWakeAt(), "the next connection waits for Welcome 2.5 configured heartbeats");
        client.onOpen(2e9 + 600);
        assertEquals(2e9 + 600 + 37500, client.nextWakeAt(), "no Welcome within that time: dead");
    }

    @Test
    void unacknowledgedChangesAreResentByTheTimer() {
        options.resendMillis = 5000;
        newClient();
        PnCounter c = new PnCounter(REPLICA);
        client.open("doc", c);
        online(0);
        c.increment(1);
        client.localChange("doc");
        c.increment(1);
        client.localChange("doc");
        receive(new Ack(1), 100);
        takeEvents();
        assertEquals(5100, client.nextWakeAt(), "resendMillis after the last progress (Ack 1 at 100)");
        client.tick(5099);
        assertTrue(sent.isEmpty());
        client.tick(5100);
        assertEquals(Collections.singletonList("send Update 2"), takeEvents());
        receive(new Ack(2), 6000);
        client.tick(11100);
        assertTrue(sent.isEmpty(), "nothing left to resend");
    }

    /** A server that throttles a large outbox flush acknowledges it slowly: no resend while Acks progress. */
    @Test
    void aSlowlyAcknowledgedFlushIsNotResentWhileAcksKeepComing() {
        options.resendMillis = 5000;
        newClient();
        PnCounter c = new PnCounter(REPLICA);
        client.open("doc", c);
        online(0);
        for (int i = 0; i < 10; i++) {
            c.increment(1);
            client.localChange("doc");
        }
        takeEvents();
        for (int seq = 1; seq <= 9; seq++) {
            double at = seq * 4000; // one Ack every 4 s: slower than resendMillis overall, never stalled
            client.tick(at - 1);
            receive(new Ack(seq), at);
            assertTrue(sent.isEmpty(), "resent during the flush, before Ack " + seq + ": " + Messages.describe(takeSent()));
        }
        client.tick(36000 + 4999);
        assertTrue(sent.isEmpty());
        client.tick(36000 + 5000); // the last one stalled: now it is sent again, alone
        List<Message> resent = takeSent();
        assertEquals(1, resent.size(), Messages.describe(resent));
        assertEquals(10, ((Update) resent.get(0)).seq);
    }

    @Test
    void stopWhileConnectingCancelsTheConnection() {
        newClient();
        client.start(0);
        client.stop();
        assertEquals(1, closes, "the pending connection is closed");
        client.onOpen(10); // it opened anyway
        assertFalse(sent.stream().anyMatch(m -> m instanceof Hello), "a stopped client does not say Hello");
        client.onClose(20);
        assertEquals(SyncClient.STATUS_OFFLINE, client.status());
        assertEquals(Double.POSITIVE_INFINITY, client.nextWakeAt());
    }

    @Test
    void stopWhileOnlineClosesAndDoesNotReconnect() {
        newClient();
        client.open("doc", new PnCounter(REPLICA));
        online(0);
        client.stop();
        assertEquals(1, closes);
        client.onClose(10);
        assertEquals(SyncClient.STATUS_OFFLINE, client.status());
        assertEquals(Double.POSITIVE_INFINITY, client.nextWakeAt());
        client.tick(1e9);
        assertEquals(1, connects);
    }

    @Test
    void nextWakeAtIsConsistentWithTick() {
        // In every state: a tick before nextWakeAt does nothing, a tick at it does something and moves it on.
        options.resendMillis = 7000;
        options.resyncMillis = 45000;
        randomValue = 0.3;
        newClient();
        PnCounter c = new PnCounter(REPLICA);
        client.open("doc", c);
        assertEquals(Double.POSITIVE_INFINITY, client.nextWakeAt(), "not started");
        client.start(0);
        assertEquals(37500, client.nextWakeAt(), "connecting: the connect timeout (2.5 heartbeats)");
        double t = checkWake(); // the transport never answered: give up
        assertEquals(Collections.singletonList("close"), events);
        t = checkWake(); // reconnect
        assertEquals(Collections.singletonList("connect"), events);
        client.onClose(t + 10); // this attempt fails
        t = checkWake(); // reconnect
        assertEquals(Collections.singletonList("connect"), events);
        client.onOpen(t + 5);
        assertEquals(t + 5 + 37500, client.nextWakeAt(), "Hello sent: waits for Welcome, no Ping before it");
        t = checkWake(); // no answer: dead
        assertEquals(Collections.singletonList("close"), events);
        t = checkWake(); // reconnect
        client.onOpen(t + 5);
        receive(new Welcome(Protocol.VERSION, 0, 12000, 1 << 20), t + 6);
        c.increment(1);
        client.localChange("doc");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            t = checkWake(); // pings, resends, re-syncs, dead connections, reconnects
            seen.addAll(events);
            if (events.contains("connect")) {
                client.onOpen(t + 1);
                receive(new Welcome(Protocol.VERSION, 0, 12000, 1 << 20), t + 2);
            } else if (i % 5 == 3) {
                receive(new Pong(0), t + 1);
            }
            if (i == 40) {
                receive(new Ack(1), t + 1);
            }
        }
        for (String e : new String[] {"send Ping", "send Update 1", "send Subscribe", "close", "connect"}) {
            assertTrue(seen.contains(e), e + " in " + seen);
        }
    }

    /** Ticks just before nextWakeAt (nothing happens) and at it (something happens, and it moves on). */
    private double checkWake() {
        double t = client.nextWakeAt();
        assertTrue(t < Double.POSITIVE_INFINITY, "something to wait for");
        takeEvents();
        client.tick(t - 1);
        assertEquals(Collections.emptyList(), events, "a tick before nextWakeAt " + t);
        assertEquals(t, client.nextWakeAt());
        client.tick(t);
        assertFalse(events.isEmpty(), "a tick at nextWakeAt " + t + " does something");
        assertTrue(client.nextWakeAt() > t, "and moves it on (no busy loop)");
        if (events.contains("close")) {
            client.onClose(t); // the transport confirms
        }
        return t;
    }

    // ---- bugs found ----

    @Test
    void aClosedDocumentWithUnacknowledgedChangesDoesNotBlockOthers() {
        // Sequences are per replica across documents and the server ignores a gap. An outbox entry of a
        // closed document used to be skipped by every resend, so every later change waited forever.
        newClient();
        PnCounter a = new PnCounter(REPLICA);
        client.open("a", a);
        a.increment(1);
        client.localChange("a"); // 1, offline
        client.close("a");
        PnCounter b = new PnCounter(REPLICA);
        client.open("b", b);
        b.increment(1);
        client.localChange("b"); // 2
        client.start(0);
        client.onOpen(0);
        takeEvents();
        receive(new Welcome(Protocol.VERSION, 0, 15000, 1 << 20), 1);
        List<Message> out = takeSent();
        assertEquals(3, out.size(), Messages.describe(out));
        assertEquals(Collections.singletonList("b"), docIds((Subscribe) out.get(0)), "only open documents are subscribed");
        assertMessageEquals(new Update(1, "a", memory.docLog("a").get(0)), out.get(1), "every outbox entry is sent, in order");
        assertEquals(2, ((Update) out.get(2)).seq);
        receive(new Broadcast("a", increment(new PnCounter(2), 1)), 2);
        assertTrue(listener.remoteChanges.isEmpty(), "a is closed: nothing reported");
        assertEquals(1, a.value(), "and the application's object is left alone");
        receive(new Ack(1), 3);
        assertTrue(sent.isEmpty(), "nothing to unsubscribe");
        assertEquals(1, client.pending());
        receive(new Ack(2), 4);
        assertTrue(sent.isEmpty());
        assertEquals(0, client.pending());
        assertTrue(memory.outbox().isEmpty());

        // reopened while a change is in flight
        a = new PnCounter(REPLICA);
        client.open("a", a);
        assertEquals(1, a.value(), "rebuilt from the store");
        a.increment(1);
        client.localChange("a"); // 3
        client.close("a");
        assertThrows(IllegalStateException.class, () -> client.localChange("a"), "closed is closed");
        takeSent();
        PnCounter again = new PnCounter(REPLICA);
        client.open("a", again);
        assertEquals(2, again.value(), "rebuilt from the store, the change in flight included");
        List<Message> out2 = takeSent();
        assertEquals(1, out2.size(), Messages.describe(out2));
        assertEquals(Collections.singletonList("a"), docIds((Subscribe) out2.get(0)));
        again.increment(1);
        client.localChange("a"); // 4
        assertMessageEquals(Collections.singletonList(new Update(4, "a", memory.docLog("a").get(2))), takeSent());
        client.tick(4 + options.resendMillis); // 3 was lost: resendMillis after the last Ack (at 4) both go again
        assertMessageEquals(Arrays.asList(new Update(3, "a", memory.docLog("a").get(1)), new Update(4, "a", memory.docLog("a").get(2))),
                takeSent());
        receive(new Ack(4), 4 + options.resendMillis + 5);
        assertEquals(0, client.pending());
        receive(new Broadcast("a", increment(new PnCounter(2), 1)), 6);
        assertEquals(Collections.singletonList("a"), listener.remoteChanges);
    }

    @Test
    void aRestartedClientGetsTheOutboxOfDocumentsItHasNotOpenedThrough() {
        // After a restart the outbox may hold changes of documents the application does not open (yet):
        // they must not hold back the changes of the documents it does open.
        PnCounter a = new PnCounter(REPLICA);
        TextDoc t = new TextDoc(REPLICA);
        memory.addLocal(new Update(1, "a", increment(a, 1)));
        t.insert(0, "hi");
        memory.addLocal(new Update(2, "t", t.encodeState()));
        newClient();
        PnCounter b = new PnCounter(REPLICA);
        client.open("b", b);
        b.increment(1);
        client.localChange("b"); // 3
        online(0); // (clears the records: look at the store instead)
        client.stop();
        client.onClose(1);
        events.clear();
        sent.clear();
        client.start(2);
        client.onOpen(2);
        receive(new Welcome(Protocol.VERSION, 0, 15000, 1 << 20), 3);
        List<Message> out = takeSent();
        assertEquals(5, out.size(), Messages.describe(out));
        assertTrue(out.get(0) instanceof Hello);
        assertEquals(0, ((Hello) out.get(0)).resumeSeq, "nothing acknowledged yet");
        Subscribe s = (Subscribe) out.get(1);
        assertEquals(Collections.singletonList("b"), docIds(s), "only the open document is subscribed");
        assertEquals(DocType.COUNTER, s.docs.get(0).type);
        assertMessageEquals(Arrays.asList(new Update(1, "a", memory.outbox().get(0).data), new Update(2, "t", t.encodeState()),
                new Update(3, "b", memory.outbox().get(2).data)), out.subList(2, 5), "the whole outbox, in order");
        receive(new SyncResponse("a", increment(new PnCounter(5), 1), new byte[0]), 4);
        assertTrue(listener.remoteChanges.isEmpty(), "a is not open: ignored");
        receive(new Ack(3), 5);
        assertTrue(sent.isEmpty(), "nothing to unsubscribe");
        assertEquals(0, client.pending());
        assertTrue(memory.outbox().isEmpty());
    }

    // ---- against a real server ----

    /** A SyncClient wired to a real SyncServer; frames are queued both ways and delivered by {@link #pump}. */
    private static final class Link implements SyncClient.Io {
        final SyncServer server;
        SyncClient client;
        SyncServer.Connection conn;
        final ArrayDeque<byte[]> toServer = new ArrayDeque<>();
        final ArrayDeque<byte[]> toClient = new ArrayDeque<>();
        boolean opening;
        boolean closing;
        double now = 1000;

        Link(SyncServer server) {
            this.server = server;
        }

        @Override
        public void connect() {
            opening = true;
        }

        @Override
        public void send(byte[] frame) {
            toServer.add(frame);
        }

        @Override
        public void close() {
            closing = true;
        }

        /** Delivers everything queued until nothing moves. */
        void pump() {
            for (int guard = 0; guard < 10000; guard++) {
                now += 1;
                if (opening) {
                    opening = false;
                    conn = server.accept(new SyncServer.Peer() {
                        @Override
                        public void send(byte[] frame) {
                            toClient.add(frame);
                        }

                        @Override
                        public void close() {
                            closing = true;
                        }
                    });
                    client.onOpen(now);
                } else if (!toServer.isEmpty()) {
                    conn.onFrame(toServer.poll());
                } else if (!toClient.isEmpty()) {
                    client.onFrame(toClient.poll(), now);
                } else if (closing) {
                    closing = false;
                    conn.onClose();
                    toServer.clear();
                    toClient.clear();
                    client.onClose(now);
                } else {
                    return;
                }
            }
            throw new AssertionError("the link does not settle");
        }
    }

    @Test
    void closedAndUnopenedDocumentsReachARealServer() {
        MemoryServerStore serverStore = new MemoryServerStore();
        SyncServer server = new SyncServer(serverStore, SyncServer.ALLOW_ALL, () -> 1.7e12, null);
        Link link = new Link(server);
        SyncClient c = new SyncClient(REPLICA, "", memory, link, () -> 0.5, listener, options);
        link.client = c;
        PnCounter a = new PnCounter(REPLICA);
        c.open("a", a);
        a.increment(1);
        c.localChange("a"); // 1
        c.close("a");
        PnCounter b = new PnCounter(REPLICA);
        c.open("b", b);
        b.increment(2);
        c.localChange("b"); // 2
        TextDoc t = new TextDoc(REPLICA);
        c.open("t", t);
        t.insert(0, "hello");
        c.localChange("t"); // 3
        c.start(link.now);
        link.pump();
        assertEquals(SyncClient.STATUS_ONLINE, c.status());
        assertEquals(0, c.pending());
        assertEquals(3, serverStore.appliedSeq(REPLICA));
        assertEquals(1, serverStore.logSize("a"));
        assertEquals(1, serverStore.logSize("b"));
        assertEquals(1, serverStore.logSize("t"));
        assertTrue(listener.errors.isEmpty(), listener.errors.toString());

        // a restart with changes of a document the application does not open
        t.insert(5, " world");
        c.localChange("t"); // 4, not sent: offline
        c.stop();
        link.pump();
        SyncClient c2 = new SyncClient(REPLICA, "", memory, link, () -> 0.5, listener, options);
        link.client = c2;
        PnCounter b2 = new PnCounter(REPLICA);
        c2.open("b", b2);
        assertEquals(2, b2.value());
        b2.increment(1);
        c2.localChange("b"); // 5
        c2.start(link.now);
        link.pump();
        assertEquals(0, c2.pending());
        assertEquals(5, serverStore.appliedSeq(REPLICA));
        assertEquals(2, serverStore.logSize("t"));
        assertEquals(2, serverStore.logSize("b"));
        TextDoc check = new TextDoc(77);
        for (byte[] u : serverStore.load("t").log) {
            check.applyUpdate(u);
        }
        assertEquals("hello world", check.toString());
        assertTrue(listener.errors.isEmpty(), listener.errors.toString());
    }
}
