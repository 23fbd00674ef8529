package io.synckit.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.counter.PnCounter;
import io.synckit.core.protocol.Ack;
import io.synckit.core.protocol.ErrorCode;
import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Limits;
import io.synckit.core.protocol.Message;
import io.synckit.core.protocol.Ping;
import io.synckit.core.protocol.Protocol;
import io.synckit.core.protocol.Update;
import io.synckit.core.protocol.Welcome;
import io.synckit.core.text.TextDoc;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-made regressions for what the simulator ({@code sim.SimulationTest}) found in {@link SyncClient},
 * each small enough to read. The host here is a script: every event is called by the test.
 */
class SyncClientRegressionTest {
    static final class ScriptIo implements SyncClient.Io {
        int connects;
        int closes;
        final List<byte[]> sent = new ArrayList<>();

        @Override
        public void connect() {
            connects++;
        }

        @Override
        public void send(byte[] frame) {
            sent.add(frame);
        }

        @Override
        public void close() {
            closes++;
        }

        List<Message> messages() {
            List<Message> out = new ArrayList<>();
            for (byte[] f : sent) {
                out.add(FrameCodec.decode(f, Limits.DEFAULT));
            }
            return out;
        }
    }

    static final class Events implements SyncClient.Listener {
        final List<Integer> statuses = new ArrayList<>();
        final List<Integer> errors = new ArrayList<>();

        @Override
        public void remoteChange(String docId) {
        }

        @Override
        public void status(int status) {
            statuses.add(status);
        }

        @Override
        public void error(int code, String message, String docId) {
            errors.add(code);
        }
    }

    final ScriptIo io = new ScriptIo();
    final Events events = new Events();
    final MemoryClientStore store = new MemoryClientStore();

    SyncClient client() {
        SyncClient.Options o = new SyncClient.Options();
        o.heartbeatMillis = 1000;
        o.backoffBaseMillis = 200;
        o.backoffCapMillis = 3000;
        return new SyncClient(7, "", store, io, () -> 0.5, events, o);
    }

    static byte[] welcome(double ackedSeq) {
        return FrameCodec.encode(new Welcome(Protocol.VERSION, ackedSeq, 1000, 1 << 20));
    }

    /**
     * Found by the simulator (seed 100 of the first version): tick compared {@code now - lastReceived >=
     * heartbeat}, nextWakeAt returned {@code lastReceived + heartbeat}; for some times the first is false
     * at exactly the second (rounding), so a host that ticks at nextWakeAt spun forever.
     */
    @Test
    void tickingAtNextWakeAtAlwaysMakesProgress() {
        double t = 3452.5830151341584; // (t + 1000) - t < 1000 in doubles
        assertTrue((t + 1000) - t < 1000);
        SyncClient c = client();
        c.start(t);
        c.onOpen(t);
        c.onFrame(welcome(0), t);
        double last = t;
        for (int i = 0; i < 20; i++) {
            double at = c.nextWakeAt();
            assertTrue(at > last, "nextWakeAt " + at + " after tick at " + last);
            c.tick(at);
            last = at;
        }
    }

    /**
     * Found by the simulator (seed 17 of the first version): before Welcome the client sent Ping (the
     * spec: nothing but Hello until Welcome); when Hello was lost the server answered the Ping with
     * UNAUTHENTICATED and the client stopped for good. Now it sends nothing and, with no Welcome within
     * the dead-connection time, reconnects.
     */
    @Test
    void sendsOnlyHelloBeforeWelcomeAndGivesUpWithoutOne() {
        SyncClient c = client();
        c.start(0);
        c.onOpen(10);
        for (double now = 10; now < 10 + 2500; now = c.nextWakeAt()) {
            c.tick(now);
        }
        assertEquals(1, io.sent.size());
        assertTrue(io.messages().get(0) instanceof Hello);
        c.tick(c.nextWakeAt());
        assertEquals(1, io.closes);
        assertEquals(SyncClient.STATUS_OFFLINE, c.status());
        c.tick(c.nextWakeAt());
        assertEquals(2, io.connects, "reconnects after the backoff");
    }

    /**
     * Found by the simulator (seed 8, with the old Io contract): after detecting a dead connection the
     * engine called io.close() and onClose itself, then the host's onClose for the same connection came
     * too ("onClose follows", said the contract); arriving after the reconnect had begun, it was taken
     * for the new connection's failure and the engine connected a second time while the first connect
     * was still open. Now the contract says the host reports nothing after the engine's own close(), and
     * a stray onClose while offline changes nothing.
     */
    @Test
    void theEnginesOwnCloseIsNotFollowedByASecondBackoff() {
        SyncClient c = client();
        c.start(0);
        c.onOpen(10);
        c.onFrame(welcome(0), 20);
        while (io.closes == 0) {
            c.tick(c.nextWakeAt()); // no Pong ever comes: dead after 2.5 heartbeats
        }
        assertEquals(1, io.connects);
        double retry = c.nextWakeAt();
        c.onClose(retry - 1); // a stray close of the connection the engine closed
        assertEquals(retry, c.nextWakeAt(), "no second backoff");
        c.tick(retry);
        assertEquals(2, io.connects);
        c.onOpen(retry + 5);
        assertEquals(SyncClient.STATUS_CONNECTING, c.status());
        assertEquals(2, io.connects);
    }

    /** A connect that is never answered (no onOpen, no onClose) is given up after the dead-connection time. */
    @Test
    void aConnectThatNeverAnswersIsGivenUp() {
        SyncClient c = client();
        c.start(0);
        assertEquals(2500, c.nextWakeAt());
        c.tick(2500);
        assertEquals(1, io.closes);
        assertEquals(SyncClient.STATUS_OFFLINE, c.status());
        c.onOpen(2600); // too late: the host should not report it, and it is ignored
        assertEquals(0, io.sent.size());
    }

    /** stop() while connecting used to leave the connect running; its onOpen then connected anyway. */
    @Test
    void stopWhileConnectingAbortsTheConnect() {
        SyncClient c = client();
        c.start(0);
        c.stop();
        assertEquals(1, io.closes);
        assertEquals(SyncClient.STATUS_OFFLINE, c.status());
        c.onOpen(5);
        assertEquals(0, io.sent.size());
        assertEquals(Double.POSITIVE_INFINITY, c.nextWakeAt());
    }

    /** After a restart Hello.resume_seq says what was acknowledged (it said 0). */
    @Test
    void resumeSeqSurvivesARestart() {
        SyncClient c = client();
        PnCounter counter = new PnCounter(7);
        c.open("n", counter);
        for (int i = 0; i < 3; i++) {
            counter.increment(1);
            c.localChange("n");
        }
        c.start(0);
        c.onOpen(1);
        c.onFrame(welcome(0), 2);
        c.onFrame(FrameCodec.encode(new Ack(2)), 3);
        assertEquals(1, c.pending());

        io.sent.clear();
        SyncClient restarted = client();
        restarted.open("n", new PnCounter(7));
        restarted.start(10);
        restarted.onOpen(11);
        Hello h = (Hello) io.messages().get(0);
        assertEquals(2, h.resumeSeq);
        assertEquals(1, restarted.pending());
        restarted.onFrame(welcome(2), 12);
        long updates = io.messages().stream().filter(m -> m instanceof Update).count();
        assertEquals(1, updates, "only the unacknowledged change is sent again");
    }

    /**
     * Found by the simulator (seed 15366806153084, reordered Broadcasts and a client crash): the client
     * compacted a TextDoc's log while an update in it was pending (waiting for the update it depends
     * on); encodeState leaves pending items out, so they were lost from the store. After a restart the
     * client's own later characters, whose origins were among them, were pending too, and it reused
     * their ids for new characters: the replicas then disagreed for good on what those ids hold.
     */
    @Test
    void compactionWaitsUntilNothingIsPending() {
        TextDoc a = new TextDoc(100);
        a.insert(0, "ab");
        byte[] u1 = a.encodeState();
        byte[] sv1 = a.encodeStateVector();
        a.insert(2, "c");
        byte[] u2 = a.encodeDiff(sv1); // depends on u1
        TextDoc other = new TextDoc(200);
        other.insert(0, "x");
        byte[] x = other.encodeState();
        byte[] sv2 = other.encodeStateVector();
        other.insert(1, "y");
        byte[] y = other.encodeDiff(sv2);

        SyncClient.Options o = new SyncClient.Options();
        o.compactAfter = 3;
        SyncClient c = new SyncClient(7, "", store, io, () -> 0.5, events, o);
        TextDoc doc = new TextDoc(7);
        c.open("t", doc);
        c.start(0);
        c.onOpen(1);
        c.onFrame(welcome(0), 2);
        for (byte[] u : new byte[][] {u2, x, y, u1}) { // u2 before u1: pending until u1
            c.onFrame(FrameCodec.encode(new io.synckit.core.protocol.Broadcast("t", u)), 3);
        }
        assertEquals(doc.toString(), rebuilt().toString());
        assertEquals(5, doc.length());
    }

    private TextDoc rebuilt() {
        TextDoc d = new TextDoc(7);
        for (byte[] u : store.docLog("t")) {
            d.applyUpdate(u);
        }
        return d;
    }

    /**
     * The outbox was resent only for documents open and subscribed: after a restart that did not reopen
     * a document edited before, its entry was never sent, and since the server takes each replica's
     * sequences in order, every later change (of any document) waited behind it for good.
     */
    @Test
    void anOutboxEntryOfADocumentNotReopenedIsSentAnyway() {
        SyncClient c = client();
        PnCounter a = new PnCounter(7);
        c.open("a", a);
        a.increment(1);
        c.localChange("a");

        SyncClient restarted = client(); // the app reopens only "b"
        PnCounter b = new PnCounter(7);
        restarted.open("b", b);
        b.increment(1);
        restarted.localChange("b");
        restarted.start(0);
        restarted.onOpen(1);
        io.sent.clear();
        restarted.onFrame(welcome(0), 2);
        List<Double> seqs = new ArrayList<>();
        for (Message m : io.messages()) {
            if (m instanceof Update) {
                seqs.add(((Update) m).seq);
            }
        }
        assertEquals(List.of(1.0, 2.0), seqs);
    }

    /**
     * The backoff started over at every Welcome: during a storage outage the server welcomes, then
     * fails the first update with a fatal INTERNAL, and every client came back within a second, forever.
     * Now the delay keeps doubling until a connection has stayed up for a heartbeat.
     */
    @Test
    void backoffGrowsWhileConnectionsFailRightAfterWelcome() {
        SyncClient c = client();
        PnCounter n = new PnCounter(7);
        c.open("n", n);
        n.increment(1);
        c.localChange("n");
        c.start(0);
        double now = 0;
        List<Double> delays = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            c.onOpen(now);
            c.onFrame(welcome(0), now);
            c.onFrame(FrameCodec.encode(new io.synckit.core.protocol.ErrorMessage(ErrorCode.INTERNAL, "storage failed",
                    "n", 1, true)), now);
            double retry = c.nextWakeAt();
            delays.add(retry - now);
            now = retry;
            c.tick(now);
        }
        // base 200 ms, jitter 0.75 (random 0.5): 150, 300, 600, 1200, 2250 (cap 3000), 2250
        assertEquals(List.of(150.0, 300.0, 600.0, 1200.0, 2250.0, 2250.0), delays);

        c.onOpen(now);
        c.onFrame(welcome(0), now);
        c.onFrame(FrameCodec.encode(new io.synckit.core.protocol.Pong(1)), now + 999);
        c.onClose(now + 1500); // a connection that was fine for over a heartbeat
        assertEquals(150.0, c.nextWakeAt() - (now + 1500));
    }

    /** The only errors that stop the client are the fatal-for-good ones; the others reconnect. */
    @Test
    void internalErrorReconnectsUnauthenticatedStops() {
        SyncClient c = client();
        c.start(0);
        c.onOpen(1);
        c.onFrame(welcome(0), 2);
        c.onFrame(FrameCodec.encode(new io.synckit.core.protocol.ErrorMessage(ErrorCode.INTERNAL, "storage", "", 0, true)), 3);
        assertEquals(SyncClient.STATUS_OFFLINE, c.status());
        assertTrue(c.nextWakeAt() < Double.POSITIVE_INFINITY);
        c.tick(c.nextWakeAt());
        c.onOpen(500);
        c.onFrame(FrameCodec.encode(new io.synckit.core.protocol.ErrorMessage(ErrorCode.UNAUTHENTICATED, "expired", "", 0, true)), 501);
        assertEquals(SyncClient.STATUS_STOPPED, c.status());
        assertEquals(Double.POSITIVE_INFINITY, c.nextWakeAt());
        assertEquals(2, io.closes);
        long pings = io.messages().stream().filter(m -> m instanceof Ping).count();
        assertEquals(0, pings);
    }
}
