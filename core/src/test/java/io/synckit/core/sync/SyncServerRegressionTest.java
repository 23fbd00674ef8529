package io.synckit.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.counter.PnCounter;
import io.synckit.core.protocol.Ack;
import io.synckit.core.protocol.DocSubscription;
import io.synckit.core.protocol.DocType;
import io.synckit.core.protocol.ErrorCode;
import io.synckit.core.protocol.ErrorMessage;
import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Limits;
import io.synckit.core.protocol.Message;
import io.synckit.core.protocol.Ping;
import io.synckit.core.protocol.Protocol;
import io.synckit.core.protocol.Subscribe;
import io.synckit.core.protocol.SyncResponse;
import io.synckit.core.protocol.Update;
import io.synckit.core.protocol.Welcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-made regressions for what the simulator ({@code sim.SimulationTest}) found in {@link SyncServer}:
 * no storage failure may turn into an acknowledgement, a refusal or a lost subscription, and no update
 * may be stored twice.
 */
class SyncServerRegressionTest {
    static final class ScriptPeer implements SyncServer.Peer {
        final List<byte[]> sent = new ArrayList<>();
        boolean closed;

        @Override
        public void send(byte[] frame) {
            sent.add(frame);
        }

        @Override
        public void close() {
            closed = true;
        }

        List<Message> take() {
            List<Message> out = new ArrayList<>();
            for (byte[] f : sent) {
                out.add(FrameCodec.decode(f, Limits.DEFAULT));
            }
            sent.clear();
            return out;
        }
    }

    final MemoryServerStore store = new MemoryServerStore();
    final SyncServer server = new SyncServer(store, SyncServer.ALLOW_ALL, () -> 1.7e12, null);

    static void send(SyncServer.Connection c, Message m) {
        c.onFrame(FrameCodec.encode(m));
    }

    SyncServer.Connection connect(ScriptPeer p, double replica, String... subscribeTo) {
        SyncServer.Connection c = server.accept(p);
        send(c, new Hello(Protocol.VERSION, replica, "", 0, "test"));
        List<DocSubscription> subs = new ArrayList<>();
        for (String id : subscribeTo) {
            subs.add(new DocSubscription(id, DocType.COUNTER, new byte[0]));
        }
        if (!subs.isEmpty()) {
            send(c, new Subscribe(subs));
        }
        p.take();
        return c;
    }

    /** The update of one increment by {@code replica}, its {@code n}-th. */
    static byte[] increment(double replica, int n) {
        PnCounter c = new PnCounter(replica);
        for (int i = 0; i < n; i++) {
            c.increment(1);
        }
        return c.encodeState();
    }

    static double stored(MemoryServerStore store, String docId) {
        PnCounter c = new PnCounter(99);
        for (byte[] u : store.load(docId).log) {
            c.applyUpdate(u);
        }
        return c.value();
    }

    static boolean has(List<Message> ms, Class<?> type) {
        return ms.stream().anyMatch(type::isInstance);
    }

    /**
     * Found by the simulator (seeds 1 and 5 of the first version): a failed append forgot the document
     * and silently unsubscribed every other connection from it; their next updates were then refused
     * as "not subscribed", acknowledged and lost for good (and during the outage the refusal itself
     * threw out of onFrame).
     */
    @Test
    void aFailedAppendLosesNothingAndUnsubscribesNobody() {
        ScriptPeer pa = new ScriptPeer();
        ScriptPeer pb = new ScriptPeer();
        SyncServer.Connection a = connect(pa, 1, "n");
        SyncServer.Connection b = connect(pb, 2, "n");
        store.failWrites = true;
        send(a, new Update(1, "n", increment(1, 1)));
        List<Message> toA = pa.take();
        assertFalse(has(toA, Ack.class), "not durable, so not acknowledged");
        assertEquals(ErrorCode.INTERNAL, ((ErrorMessage) toA.get(0)).code);
        assertTrue(pa.closed);
        assertTrue(pb.take().isEmpty(), "nothing that is not durable is broadcast");
        store.failWrites = false;

        send(b, new Update(1, "n", increment(2, 1)));
        List<Message> toB = pb.take();
        assertEquals(1, toB.size());
        assertEquals(1, ((Ack) toB.get(0)).seq, "applied, not refused");
        assertEquals(1, stored(store, "n"), "only B's increment is durable");

        // A reconnects and sends again; B, still subscribed, gets it as a Broadcast.
        ScriptPeer pa2 = new ScriptPeer();
        SyncServer.Connection a2 = connect(pa2, 1);
        send(a2, new Update(1, "n", increment(1, 1)));
        assertEquals(1, ((Ack) pa2.take().get(0)).seq);
        assertTrue(has(pb.take(), io.synckit.core.protocol.Broadcast.class));
        assertEquals(2, stored(store, "n"));
    }

    /** After a failed append the in-memory document is not ahead of the store: a subscriber is not sent the change. */
    @Test
    void aChangeThatIsNotDurableIsNotServed() {
        ScriptPeer pa = new ScriptPeer();
        SyncServer.Connection a = connect(pa, 1, "n");
        store.failWrites = true;
        send(a, new Update(1, "n", increment(1, 1)));
        store.failWrites = false;
        ScriptPeer pb = new ScriptPeer();
        SyncServer.Connection b = server.accept(pb);
        send(b, new Hello(Protocol.VERSION, 2, "", 0, "test"));
        send(b, new Subscribe(Collections.singletonList(new DocSubscription("n", DocType.COUNTER, new byte[0]))));
        SyncResponse r = (SyncResponse) pb.take().get(1);
        PnCounter seen = new PnCounter(2);
        seen.applyUpdate(r.update);
        assertEquals(0, seen.value());
    }

    /**
     * Found by the simulator: an Update for a document the connection was not subscribed to (its
     * Subscribe lost, or refused with INTERNAL during a read outage) was refused and acknowledged, so
     * the client dropped it from its outbox. Now it is applied.
     */
    @Test
    void anUpdateWithoutASubscriptionIsApplied() {
        ScriptPeer p = new ScriptPeer();
        SyncServer.Connection c = connect(p, 1);
        send(c, new Update(1, "n", increment(1, 1)));
        List<Message> out = p.take();
        assertEquals(1, out.size());
        assertEquals(1, ((Ack) out.get(0)).seq);
        assertEquals(1, stored(store, "n"));
        assertEquals(DocType.COUNTER, store.load("n").type);
    }

    @Test
    void anUpdateOfTheWrongTypeIsStillRefused() {
        ScriptPeer p = new ScriptPeer();
        SyncServer.Connection c = connect(p, 1, "n");
        send(c, new Update(1, "n", new io.synckit.core.set.OrSet(1).encodeState()));
        List<Message> out = p.take();
        assertEquals(ErrorCode.BAD_UPDATE, ((ErrorMessage) out.get(0)).code);
        assertEquals(1, ((Ack) out.get(1)).seq, "refused for good, so later updates can proceed");
    }

    /** A refusal that cannot be recorded (storage down) is not acknowledged: the client sends it again. */
    @Test
    void aRefusalDuringAnOutageIsNotAcknowledged() {
        ScriptPeer p = new ScriptPeer();
        SyncServer.Connection c = connect(p, 1, "n");
        store.failWrites = true;
        send(c, new Update(1, "n", new byte[] {1, 2, 3}));
        List<Message> out = p.take();
        assertEquals(1, out.size());
        assertEquals(ErrorCode.INTERNAL, ((ErrorMessage) out.get(0)).code);
        assertTrue(p.closed);
        assertEquals(0, store.appliedSeq(1));
    }

    /** Hello while the store cannot be read: INTERNAL and close (it threw out of onFrame). */
    @Test
    void helloDuringAnOutageFailsTheConnection() {
        store.failReads = true;
        ScriptPeer p = new ScriptPeer();
        SyncServer.Connection c = server.accept(p);
        send(c, new Hello(Protocol.VERSION, 1, "", 0, "test"));
        ErrorMessage e = (ErrorMessage) p.take().get(0);
        assertEquals(ErrorCode.INTERNAL, e.code);
        assertTrue(e.fatal);
        assertTrue(p.closed);
    }

    /**
     * Found by the simulator (with stalled connections): each connection read the replica's sequence
     * at Hello; an update that arrived late on the old connection after the client had reconnected and
     * sent it again was applied and stored twice.
     */
    @Test
    void anUpdateArrivingLateOnAnOldConnectionIsNotStoredTwice() {
        ScriptPeer pOld = new ScriptPeer();
        SyncServer.Connection old = connect(pOld, 1, "n");
        ScriptPeer pNew = new ScriptPeer();
        SyncServer.Connection fresh = connect(pNew, 1, "n");
        send(fresh, new Update(1, "n", increment(1, 1)));
        assertEquals(1, ((Ack) pNew.take().get(0)).seq);
        pOld.take(); // the Broadcast of it
        send(old, new Update(1, "n", increment(1, 1))); // sent before the old connection died
        assertEquals(1, ((Ack) pOld.take().get(0)).seq);
        assertEquals(1, store.load("n").log.size(), "stored once");
        old.onClose();
        send(fresh, new Update(2, "n", increment(1, 2)));
        assertEquals(2, ((Ack) pNew.take().get(0)).seq);
        assertEquals(2, store.appliedSeq(1));
    }

    /** A frame before Hello is a protocol violation, not bad credentials (UNAUTHENTICATED stops a client for good). */
    @Test
    void aFrameBeforeHelloIsMalformedNotUnauthenticated() {
        ScriptPeer p = new ScriptPeer();
        SyncServer.Connection c = server.accept(p);
        send(c, new Ping(1));
        ErrorMessage e = (ErrorMessage) p.take().get(0);
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code);
        assertTrue(p.closed);
    }

    @Test
    void welcomeCarriesTheStoredSequence() {
        ScriptPeer p = new ScriptPeer();
        SyncServer.Connection c = connect(p, 1, "n");
        send(c, new Update(1, "n", increment(1, 1)));
        c.onClose();
        ScriptPeer p2 = new ScriptPeer();
        SyncServer.Connection c2 = server.accept(p2);
        send(c2, new Hello(Protocol.VERSION, 1, "", 0, "test"));
        assertEquals(1, ((Welcome) p2.take().get(0)).ackedSeq);
    }
}
