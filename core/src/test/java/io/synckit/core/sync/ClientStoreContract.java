package io.synckit.core.sync;

import static io.synckit.core.protocol.Messages.assertMessageEquals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.protocol.Update;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link ClientStore}, for every implementation: extend this class, implement
 * {@link #newStore()} (an empty store) and, for a durable store, {@link #reopen} (the same data opened
 * again, as after a page reload). Each test starts from a new, empty store. Used by
 * {@code MemoryClientStoreTest} here and by web-sdk's IndexedDB store (through core's test-jar).
 */
public abstract class ClientStoreContract {
    protected ClientStore store;

    /** A new, empty store. */
    protected abstract ClientStore newStore();

    /**
     * Simulates a restart: closes {@code s} if it holds resources and returns a new store on the same
     * data. The default returns {@code s} (a store that lives in memory has nothing to reopen).
     */
    protected ClientStore reopen(ClientStore s) {
        return s;
    }

    @BeforeEach
    final void createStore() {
        store = newStore();
    }

    private void restart() {
        store = reopen(store);
    }

    /** Adds a local change with the store's next sequence number and returns it. */
    private Update local(String docId, String data) {
        Update u = new Update(store.nextSeq(), docId, bytes(data));
        store.addLocal(u);
        return u;
    }

    // ---- nextSeq ----

    @Test
    void nextSeqStartsAtOne() {
        assertEquals(1, store.nextSeq());
        restart();
        assertEquals(1, store.nextSeq());
    }

    @Test
    void nextSeqIsOnePastTheLastAdded() {
        local("a", "1");
        assertEquals(2, store.nextSeq());
        local("b", "2");
        local("a", "3");
        assertEquals(4, store.nextSeq());
    }

    @Test
    void nextSeqDoesNotGoBackWhenTheOutboxEmptiesOrTheLogIsCompacted() {
        local("a", "1");
        local("a", "2");
        store.acknowledged(2);
        store.compact("a", bytes("s"));
        assertTrue(store.outbox().isEmpty());
        assertEquals(3, store.nextSeq());
        restart();
        assertEquals(3, store.nextSeq(), "a reused sequence would be taken for a duplicate and dropped by the server");
    }

    @Test
    void remoteUpdatesDoNotUseSequences() {
        store.addRemote("a", bytes("r"));
        assertEquals(1, store.nextSeq());
        assertTrue(store.outbox().isEmpty());
    }

    // ---- outbox ----

    @Test
    void theOutboxIsEmptyForANewStore() {
        assertNotNull(store.outbox());
        assertTrue(store.outbox().isEmpty());
    }

    @Test
    void theOutboxHoldsLocalChangesInSequenceOrder() {
        Update u1 = local("a", "1");
        Update u2 = local("b", "2");
        Update u3 = local("a", "3");
        assertOutbox(u1, u2, u3);
        restart();
        assertOutbox(u1, u2, u3);
    }

    @Test
    void acknowledgedDropsEntriesUpToSeqAndKeepsLaterOnes() {
        local("a", "1");
        local("b", "2");
        Update u3 = local("a", "3");
        Update u4 = local("c", "4");
        store.acknowledged(2);
        assertOutbox(u3, u4);
        store.acknowledged(2); // again: nothing changes
        store.acknowledged(1); // an older ack: nothing changes
        assertOutbox(u3, u4);
        restart();
        assertOutbox(u3, u4);
        Update u5 = local("a", "5");
        store.acknowledged(4);
        assertOutbox(u5);
        store.acknowledged(99); // beyond everything: all gone
        assertOutbox();
        // the logs keep acknowledged changes
        assertLog("a", "1", "3", "5");
        assertLog("b", "2");
        assertLog("c", "4");
        assertEquals(6, store.nextSeq());
    }

    @Test
    void acknowledgedOnAnEmptyOutboxIsHarmless() {
        store.acknowledged(0);
        store.acknowledged(3);
        assertOutbox();
        assertEquals(1, store.nextSeq());
    }

    // ---- doc logs ----

    @Test
    void docLogOfAnUnknownDocumentIsEmpty() {
        assertNotNull(store.docLog("nothing"));
        assertTrue(store.docLog("nothing").isEmpty());
    }

    @Test
    void docLogHoldsLocalAndRemoteUpdatesInOrder() {
        local("a", "l1");
        store.addRemote("a", bytes("r1"));
        store.addRemote("b", bytes("rb"));
        local("a", "l2");
        store.addRemote("a", bytes("r2"));
        assertLog("a", "l1", "r1", "l2", "r2");
        assertLog("b", "rb");
        restart();
        assertLog("a", "l1", "r1", "l2", "r2");
        assertLog("b", "rb");
    }

    @Test
    void documentIdsAreComparedExactly() {
        String[] ids = {"Doc", "doc", "doc ", "d\u00f6c", "\ud83d\udcdd/\u65e5\u672c"};
        for (int i = 0; i < ids.length; i++) {
            store.addRemote(ids[i], bytes("v" + i));
        }
        restart();
        for (int i = 0; i < ids.length; i++) {
            assertLog(ids[i], "v" + i);
        }
        assertTrue(store.docLog("DOC").isEmpty());
    }

    @Test
    void compactReplacesTheLogByOneStateAndLeavesTheOutboxAlone() {
        Update u1 = local("a", "l1");
        store.addRemote("a", bytes("r1"));
        Update u2 = local("a", "l2");
        store.addRemote("b", bytes("rb"));
        store.compact("a", bytes("state"));
        assertLog("a", "state");
        assertLog("b", "rb");
        assertOutbox(u1, u2);
        store.addRemote("a", bytes("r3"));
        Update u3 = local("a", "l4");
        assertLog("a", "state", "r3", "l4");
        store.compact("a", bytes("state2"));
        restart();
        assertLog("a", "state2");
        assertOutbox(u1, u2, u3);
        assertEquals(4, store.nextSeq());
    }

    @Test
    void compactOfAnUnknownDocumentStoresTheState() {
        store.compact("new", bytes("s"));
        assertLog("new", "s");
    }

    // ---- durability ----

    @Test
    void everythingSurvivesAReopen() {
        local("a", "l1");
        local("b", "l2");
        store.addRemote("a", bytes("r1"));
        Update u3 = local("a", "l3");
        store.acknowledged(2);
        store.compact("b", bytes("sb"));
        restart();
        assertEquals(4, store.nextSeq());
        assertOutbox(u3);
        assertLog("a", "l1", "r1", "l3");
        assertLog("b", "sb");
        Update u4 = local("b", "l4");
        restart();
        assertOutbox(u3, u4);
        assertLog("b", "sb", "l4");
        assertEquals(5, store.nextSeq());
    }

    // ---- copies ----

    @Test
    void returnedListsAreCopies() {
        Update u1 = local("a", "l1");
        store.addRemote("a", bytes("r1"));
        List<Update> outbox = store.outbox();
        List<byte[]> log = store.docLog("a");
        try {
            outbox.clear();
            log.clear();
            log.add(bytes("intruder"));
        } catch (UnsupportedOperationException unmodifiable) {
            // an unmodifiable list keeps the rule too
        }
        assertOutbox(u1);
        assertLog("a", "l1", "r1");
    }

    @Test
    void theStoreKeepsItsOwnCopyOfTheBytes() {
        byte[] data = bytes("l1");
        store.addLocal(new Update(1, "a", data));
        data[0] = 'X';
        byte[] remote = bytes("r1");
        store.addRemote("a", remote);
        remote[0] = 'X';
        store.outbox().get(0).data[0] = 'Y';
        store.docLog("a").get(0)[0] = 'Y';
        assertLog("a", "l1", "r1");
        assertArrayEquals(bytes("l1"), store.outbox().get(0).data);
    }

    // ---- bytes ----

    @Test
    void byteArraysRoundTripExactly() {
        byte[] empty = new byte[0];
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        byte[] large = new byte[1 << 20];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < large.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            large[i] = (byte) x;
        }
        store.addLocal(new Update(1, "d", empty));
        store.addLocal(new Update(2, "d", all));
        store.addRemote("d", large);
        store.addLocal(new Update(3, "d", large));
        restart();
        List<byte[]> log = store.docLog("d");
        assertEquals(4, log.size());
        assertArrayEquals(empty, log.get(0));
        assertArrayEquals(all, log.get(1));
        assertArrayEquals(large, log.get(2));
        assertArrayEquals(large, log.get(3));
        List<Update> out = store.outbox();
        assertEquals(3, out.size());
        assertArrayEquals(empty, out.get(0).data);
        assertArrayEquals(all, out.get(1).data);
        assertArrayEquals(large, out.get(2).data);
        store.compact("d", all);
        restart();
        assertEquals(1, store.docLog("d").size());
        assertArrayEquals(all, store.docLog("d").get(0));
    }

    // ---- helpers ----

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void assertOutbox(Update... expected) {
        List<Update> actual = store.outbox();
        assertMessageEquals(Arrays.asList(expected), actual, "outbox");
    }

    private void assertLog(String docId, String... expected) {
        List<String> actual = new ArrayList<>();
        for (byte[] b : store.docLog(docId)) {
            actual.add(new String(b, StandardCharsets.UTF_8));
        }
        assertEquals(Arrays.asList(expected), actual, "log of " + docId);
    }
}
