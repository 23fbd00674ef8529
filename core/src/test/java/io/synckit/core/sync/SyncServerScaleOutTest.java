package io.synckit.core.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.clock.WallClock;
import io.synckit.core.counter.PnCounter;
import io.synckit.core.protocol.Messages;
import io.synckit.core.protocol.Ack;
import io.synckit.core.protocol.Broadcast;
import io.synckit.core.protocol.DocSubscription;
import io.synckit.core.protocol.DocType;
import io.synckit.core.protocol.ErrorMessage;
import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Message;
import io.synckit.core.protocol.Protocol;
import io.synckit.core.protocol.Subscribe;
import io.synckit.core.protocol.SyncResponse;
import io.synckit.core.protocol.Update;
import io.synckit.core.protocol.Welcome;
import io.synckit.core.text.TextDoc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scale-out hooks of {@link SyncServer}: the update listener (told after the durable append and the
 * Ack) and {@link SyncServer#applyRemote}. Two engines on one store stand for two server nodes sharing a
 * database; the test plays the channel between them.
 */
class SyncServerScaleOutTest {
    private static final WallClock CLOCK = () -> 1.7e12;

    private final MemoryServerStore store = new MemoryServerStore();
    private final SyncServer nodeA = new SyncServer(store, SyncServer.ALLOW_ALL, CLOCK, null);
    private final SyncServer nodeB = new SyncServer(store, SyncServer.ALLOW_ALL, CLOCK, null);

    private record Published(String docId, int type, byte[] data, int storedLogSize) {
    }

    /** A scripted client on one node. */
    private static final class Client {
        final SyncServerTest.RecordingPeer peer = new SyncServerTest.RecordingPeer();
        final SyncServer.Connection conn;

        Client(SyncServer node, double replicaId) {
            conn = node.accept(peer);
            conn.onFrame(FrameCodec.encode(new Hello(Protocol.VERSION, replicaId, "token", 0, "test")));
            assertTrue(take().get(0) instanceof Welcome);
        }

        SyncResponse subscribed(String docId, int type, byte[] stateVector) {
            conn.onFrame(FrameCodec.encode(new Subscribe(Collections.singletonList(new DocSubscription(docId, type, stateVector)))));
            return only(SyncResponse.class);
        }

        void update(double seq, String docId, byte[] data) {
            conn.onFrame(FrameCodec.encode(new Update(seq, docId, data)));
        }

        List<Message> take() {
            List<Message> out = new ArrayList<>(peer.received);
            peer.received.clear();
            return out;
        }

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

    private static byte[] increment(PnCounter c, double amount) {
        byte[] sv = c.encodeStateVector();
        c.increment(amount);
        return c.encodeDiff(sv);
    }

    private static double counterValue(SyncResponse r) {
        PnCounter c = new PnCounter(900);
        c.applyUpdate(r.update);
        return c.value();
    }

    private List<Published> listen(SyncServer node) {
        List<Published> out = new ArrayList<>();
        node.setUpdateListener((docId, type, data) -> out.add(new Published(docId, type, data, store.logSize(docId))));
        return out;
    }

    @Test
    void theListenerIsToldOnceAfterTheDurableAppendWithDocTypeAndData() {
        List<Published> published = listen(nodeB);
        Client b = new Client(nodeB, 1);
        PnCounter w = new PnCounter(1);
        byte[] u1 = increment(w, 5);
        b.update(1, "c", u1);
        b.only(Ack.class);
        assertEquals(1, published.size());
        assertEquals("c", published.get(0).docId());
        assertEquals(DocType.COUNTER, published.get(0).type());
        assertArrayEquals(u1, published.get(0).data());
        assertEquals(1, published.get(0).storedLogSize(), "stored before the listener hears of it");

        b.update(1, "c", u1); // sent again after a lost Ack: acknowledged, not applied, not published
        b.only(Ack.class);
        b.update(2, "c", new byte[] {1, 2, 3}); // refused: not published
        assertTrue(b.take().get(0) instanceof ErrorMessage);
        assertEquals(1, published.size());

        store.failWrites = true; // not durable: not acknowledged, not published
        b = new Client(nodeB, 2);
        b.update(1, "c", increment(new PnCounter(2), 1));
        assertTrue(b.peer.closed);
        assertEquals(1, published.size());
    }

    @Test
    void aThrowingListenerDoesNotHurtTheEngine() {
        nodeB.setUpdateListener((docId, type, data) -> {
            throw new IllegalStateException("channel down");
        });
        Client b = new Client(nodeB, 1);
        PnCounter w = new PnCounter(1);
        b.update(1, "c", increment(w, 1));
        b.only(Ack.class);
        b.update(2, "c", increment(w, 1));
        b.only(Ack.class);
        assertEquals(2, store.logSize("c"));
    }

    @Test
    void anUpdateFromAnotherNodeReachesThisNodesSubscribers() {
        List<Published> published = listen(nodeB);
        Client a1 = new Client(nodeA, 11);
        Client a2 = new Client(nodeA, 12);
        TextDoc t = new TextDoc(21);
        a1.subscribed("c", DocType.COUNTER, new PnCounter(11).encodeStateVector());
        a2.subscribed("c", DocType.COUNTER, new PnCounter(12).encodeStateVector());
        a1.subscribed("t", DocType.TEXT, new TextDoc(11).encodeStateVector());

        Client b = new Client(nodeB, 21);
        PnCounter w = new PnCounter(21);
        b.update(1, "c", increment(w, 3));
        b.only(Ack.class);
        byte[] sv = t.encodeStateVector();
        t.insert(0, "hello");
        b.update(2, "t", t.encodeDiff(sv));
        b.only(Ack.class);
        for (Published p : published) {
            nodeA.applyRemote(p.docId(), p.data());
        }

        List<Message> got1 = a1.take();
        assertEquals(2, got1.size(), Messages.describe(got1));
        assertArrayEquals(published.get(0).data(), ((Broadcast) got1.get(0)).data);
        assertEquals("t", ((Broadcast) got1.get(1)).docId);
        assertArrayEquals(published.get(0).data(), a2.only(Broadcast.class).data);
        // Node A's documents in memory now hold the remote updates: a new subscriber gets them.
        Client a3 = new Client(nodeA, 13);
        assertEquals(3.0, counterValue(a3.subscribed("c", DocType.COUNTER, new PnCounter(13).encodeStateVector())));
        TextDoc seen = new TextDoc(13);
        seen.applyUpdate(a3.subscribed("t", DocType.TEXT, new TextDoc(13).encodeStateVector()).update);
        assertEquals("hello", seen.toString());
        assertEquals(2, store.logSize("c") + store.logSize("t"), "applyRemote stores nothing");
    }

    @Test
    void aDocumentNotInMemoryIsLeftToTheStore() {
        Client b = new Client(nodeB, 21);
        PnCounter w = new PnCounter(21);
        byte[] u = increment(w, 4);
        b.update(1, "c", u);
        b.only(Ack.class);
        nodeA.applyRemote("c", u);
        assertEquals(0, nodeA.openDocuments(), "nothing loaded or created");
        Client a = new Client(nodeA, 11);
        assertEquals(4.0, counterValue(a.subscribed("c", DocType.COUNTER, new PnCounter(11).encodeStateVector())),
                "loaded from the shared store, once");
    }

    @Test
    void badRemoteBytesAreIgnored() {
        Client a = new Client(nodeA, 11);
        a.subscribed("c", DocType.COUNTER, new PnCounter(11).encodeStateVector());
        PnCounter w = new PnCounter(21);
        byte[] good = increment(w, 2);
        TextDoc t = new TextDoc(21);
        t.insert(0, "x");
        byte[][] bad = {new byte[0], new byte[] {1}, new byte[] {(byte) 0xFF, 0, 0},
            Arrays.copyOf(good, good.length - 1), Arrays.copyOf(good, good.length + 7), t.encodeState(), null};
        for (byte[] b : bad) {
            nodeA.applyRemote("c", b);
        }
        nodeA.applyRemote(null, good);
        a.nothing();
        nodeA.applyRemote("c", good);
        assertArrayEquals(good, a.only(Broadcast.class).data);
        a.update(1, "c", increment(new PnCounter(11), 1));
        a.only(Ack.class);
        Client a2 = new Client(nodeA, 12);
        assertEquals(3.0, counterValue(a2.subscribed("c", DocType.COUNTER, new PnCounter(12).encodeStateVector())));
    }

    @Test
    void reloadDocumentsCatchesUpWithUpdatesThisNodeMissed() {
        Client a = new Client(nodeA, 11);
        a.subscribed("c", DocType.COUNTER, new PnCounter(11).encodeStateVector());
        Client b = new Client(nodeB, 21);
        b.update(1, "c", increment(new PnCounter(21), 6)); // never reaches node A (the channel was down)
        b.only(Ack.class);
        Client a2 = new Client(nodeA, 12);
        assertEquals(0.0, counterValue(a2.subscribed("c", DocType.COUNTER, new PnCounter(12).encodeStateVector())));
        nodeA.reloadDocuments();
        assertEquals(6.0, counterValue(a.subscribed("c", DocType.COUNTER, new PnCounter(11).encodeStateVector())),
                "subscribing again after the reload");
        a.nothing();

        // A remote update for a document marked stale: reloaded from the store, then broadcast.
        nodeA.reloadDocuments();
        byte[] u = increment(new PnCounter(22), 1);
        Client b2 = new Client(nodeB, 22);
        b2.update(1, "c", u);
        b2.only(Ack.class);
        nodeA.applyRemote("c", u);
        assertArrayEquals(u, a.only(Broadcast.class).data);
        assertArrayEquals(u, a2.only(Broadcast.class).data);
        Client a3 = new Client(nodeA, 13);
        assertEquals(7.0, counterValue(a3.subscribed("c", DocType.COUNTER, new PnCounter(13).encodeStateVector())));
    }
}
