package io.synckit.core.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.protocol.DocType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link ServerStore}, for every implementation: extend this class, implement
 * {@link #newStore()} (an empty store) and, for a durable store, {@link #reopen} (close it and open the
 * same data again, as after a process restart). Each test starts from a new, empty store. Used by
 * {@code MemoryServerStoreTest} here and by the server's SQLite and PostgreSQL stores (through core's
 * test-jar).
 */
public abstract class ServerStoreContract {
    /** The largest sequence and replica id the protocol allows (2^53-1): must come back exactly. */
    private static final double MAX = 9007199254740991.0;

    protected ServerStore store;

    /** A new, empty store. */
    protected abstract ServerStore newStore();

    /**
     * Simulates a process restart: closes {@code s} if it holds resources and returns a new store on the
     * same data. The default returns {@code s} (a store that lives in memory has nothing to reopen).
     */
    protected ServerStore reopen(ServerStore s) {
        return s;
    }

    @BeforeEach
    final void createStore() {
        store = newStore();
    }

    private void restart() {
        store = reopen(store);
    }

    // ---- load ----

    @Test
    void loadOfAnUnknownDocumentIsNull() {
        assertNull(store.load("nothing-here"));
        restart();
        assertNull(store.load("nothing-here"));
    }

    @Test
    void skipCreatesNoDocument() {
        store.skip(7, 1);
        assertNull(store.load("7"));
        assertNull(store.load(""));
    }

    // ---- append ----

    @Test
    void appendCreatesTheDocumentWithItsTypeAndKeepsTheLogInOrder() {
        store.append("doc", DocType.TEXT, bytes("one"), 1, 1);
        store.append("doc", DocType.TEXT, bytes("two"), 2, 1);
        store.append("doc", DocType.TEXT, bytes("three"), 1, 2);
        ServerStore.StoredDoc d = store.load("doc");
        assertNotNull(d);
        assertEquals(DocType.TEXT, d.type);
        assertLog(d, "one", "two", "three");
    }

    @Test
    void documentsAreIndependent() {
        store.append("a", DocType.COUNTER, bytes("a1"), 1, 1);
        store.append("b", DocType.OR_SET, bytes("b1"), 1, 2);
        store.append("a", DocType.COUNTER, bytes("a2"), 1, 3);
        store.append("b", DocType.OR_SET, bytes("b2"), 2, 1);
        assertEquals(DocType.COUNTER, store.load("a").type);
        assertEquals(DocType.OR_SET, store.load("b").type);
        assertLog(store.load("a"), "a1", "a2");
        assertLog(store.load("b"), "b1", "b2");
    }

    @Test
    void documentIdsAreComparedExactly() {
        // Ids are protocol strings: case, Unicode and spaces all matter (no collation, no trimming).
        String[] ids = {"Doc", "doc", "doc ", "d\u00f6c", "do\u0308c", "\ud83d\udcdd notes/\u65e5\u672c", "a'b\"c;--"};
        for (int i = 0; i < ids.length; i++) {
            store.append(ids[i], DocType.LWW_DOC, bytes("v" + i), 1, i + 1);
        }
        restart();
        for (int i = 0; i < ids.length; i++) {
            ServerStore.StoredDoc d = store.load(ids[i]);
            assertNotNull(d, ids[i]);
            assertLog(d, "v" + i);
        }
        assertNull(store.load("DOC"));
    }

    @Test
    void aTypeClashOnAppendIsRefusedAndChangesNothing() {
        store.append("doc", DocType.COUNTER, bytes("c1"), 1, 1);
        assertThrows(IllegalArgumentException.class, () -> store.append("doc", DocType.TEXT, bytes("t1"), 1, 2));
        ServerStore.StoredDoc d = store.load("doc");
        assertEquals(DocType.COUNTER, d.type);
        assertLog(d, "c1");
        assertEquals(1, store.appliedSeq(1), "the refused append must not record its sequence");
        store.append("doc", DocType.COUNTER, bytes("c2"), 1, 2); // the store still works
        assertLog(store.load("doc"), "c1", "c2");
        assertEquals(2, store.appliedSeq(1));
    }

    // ---- appliedSeq and skip ----

    @Test
    void appliedSeqIsZeroForAnUnknownReplica() {
        assertEquals(0, store.appliedSeq(1));
        assertEquals(0, store.appliedSeq(MAX));
        store.append("doc", DocType.COUNTER, bytes("x"), 5, 3);
        assertEquals(0, store.appliedSeq(6));
    }

    @Test
    void appliedSeqIsTheHighestRecordedByAppendAndSkip() {
        store.append("doc", DocType.COUNTER, bytes("1"), 1, 1);
        assertEquals(1, store.appliedSeq(1));
        store.skip(1, 2);
        assertEquals(2, store.appliedSeq(1));
        store.append("doc", DocType.COUNTER, bytes("3"), 1, 3);
        assertEquals(3, store.appliedSeq(1));
        store.skip(1, 4);
        store.skip(1, 5);
        assertEquals(5, store.appliedSeq(1));
        assertLog(store.load("doc"), "1", "3");
    }

    @Test
    void appliedSeqNeverGoesBack() {
        store.append("doc", DocType.COUNTER, bytes("9"), 1, 9);
        store.skip(1, 4);
        assertEquals(9, store.appliedSeq(1));
        store.append("doc", DocType.COUNTER, bytes("5"), 1, 5);
        assertEquals(9, store.appliedSeq(1));
    }

    @Test
    void appliedSeqIsPerReplica() {
        store.append("doc", DocType.COUNTER, bytes("a"), 1, 4);
        store.skip(2, 7);
        store.append("doc", DocType.COUNTER, bytes("b"), 3, 1);
        assertEquals(4, store.appliedSeq(1));
        assertEquals(7, store.appliedSeq(2));
        assertEquals(1, store.appliedSeq(3));
    }

    @Test
    void largeReplicaIdsAndSequencesAreExact() {
        // 2^53-1 and its neighbours must not be rounded (a REAL or 32-bit column would lose them).
        double big = MAX - 1;
        store.append("doc", DocType.COUNTER, bytes("x"), MAX, big);
        store.skip(big, MAX);
        store.skip(4294967297.0, 4294967298.0); // just over 2^32
        restart();
        assertEquals(big, store.appliedSeq(MAX));
        assertEquals(MAX, store.appliedSeq(big));
        assertEquals(4294967298.0, store.appliedSeq(4294967297.0));
        assertEquals(0, store.appliedSeq(MAX - 2));
    }

    // ---- compact ----

    /** Folds a log into one entry that shows what was folded: "[u1+u2]". */
    protected static final ServerStore.Fold JOIN = (type, log) -> {
        StringBuilder b = new StringBuilder("[");
        for (byte[] e : log) {
            b.append(b.length() == 1 ? "" : "+").append(new String(e, StandardCharsets.UTF_8));
        }
        return bytes(b.append(']').toString());
    };

    @Test
    void compactFoldsTheWholeLogIntoOneEntry() {
        for (int i = 1; i <= 3; i++) {
            store.append("doc", DocType.TEXT, bytes("u" + i), 1, i);
        }
        List<String> seen = new ArrayList<>();
        int[] type = new int[1];
        assertTrue(store.compact("doc", (t, log) -> {
            type[0] = t;
            for (byte[] e : log) {
                seen.add(new String(e, StandardCharsets.UTF_8));
            }
            return JOIN.fold(t, log);
        }));
        assertEquals(DocType.TEXT, type[0]);
        assertEquals(List.of("u1", "u2", "u3"), seen, "the fold sees the whole log, oldest first");
        ServerStore.StoredDoc d = store.load("doc");
        assertEquals(DocType.TEXT, d.type);
        assertLog(d, "[u1+u2+u3]");
        store.append("doc", DocType.TEXT, bytes("u4"), 1, 4);
        assertLog(store.load("doc"), "[u1+u2+u3]", "u4");
        assertTrue(store.compact("doc", JOIN)); // the earlier state is one entry like any other
        assertLog(store.load("doc"), "[[u1+u2+u3]+u4]");
        assertEquals(4, store.appliedSeq(1), "compaction does not touch sequences");
    }

    @Test
    void compactOfAnUnknownDocumentChangesNothing() {
        boolean[] called = new boolean[1];
        assertFalse(store.compact("nothing-here", (t, log) -> {
            called[0] = true;
            return bytes("s");
        }));
        assertFalse(called[0], "no log, nothing to fold");
        assertNull(store.load("nothing-here"));
    }

    @Test
    void aFoldThatDeclinesOrThrowsChangesNothing() {
        store.append("doc", DocType.OR_SET, bytes("u1"), 1, 1);
        store.append("doc", DocType.OR_SET, bytes("u2"), 1, 2);
        assertFalse(store.compact("doc", (t, log) -> null), "null: the server cannot fold this log");
        assertLog(store.load("doc"), "u1", "u2");
        IllegalStateException boom = new IllegalStateException("an entry does not decode");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> store.compact("doc", (t, log) -> {
            throw boom;
        })));
        restart();
        assertLog(store.load("doc"), "u1", "u2");
        store.append("doc", DocType.OR_SET, bytes("u3"), 1, 3);
        assertLog(store.load("doc"), "u1", "u2", "u3");
    }

    @Test
    void compactTouchesNoOtherDocument() {
        store.append("a", DocType.TEXT, bytes("a1"), 1, 1);
        store.append("b", DocType.TEXT, bytes("b1"), 1, 2);
        store.append("a", DocType.TEXT, bytes("a2"), 1, 3);
        assertTrue(store.compact("a", JOIN));
        assertLog(store.load("a"), "[a1+a2]");
        assertLog(store.load("b"), "b1");
    }

    /**
     * Several server nodes share one store: while one appends, another compacts again and again. Every
     * update must be folded exactly once, in order, and none appended meanwhile may be lost. Runs when
     * {@link #sharing} gives a second handle on the same data (the SQL stores: another connection pool).
     */
    @Test
    void compactionsRacingAppendsOfAnotherNodeLoseNothing() throws Exception {
        ServerStore other = sharing(store);
        Assumptions.assumeTrue(other != null, "this store is not shared between threads");
        int n = 200;
        store.append("doc", DocType.TEXT, bytes("u0"), 1, 1);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger compactions = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        // One permit per append: the compactor runs at most once per new append. Spinning on compact() instead
        // starves the appender on SQLite (its busy handler sleeps and keeps missing the lock's free moments),
        // which no real node does: a node compacts a document after a number of appends, not in a loop.
        java.util.concurrent.Semaphore appended = new java.util.concurrent.Semaphore(0);
        Thread compactor = new Thread(() -> {
            try {
                while (true) {
                    appended.acquire();
                    appended.drainPermits();
                    if (done.get()) {
                        break;
                    }
                    if (other.compact("doc", JOIN)) {
                        compactions.incrementAndGet();
                    }
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        compactor.start();
        for (int i = 1; i <= n; i++) {
            store.append("doc", DocType.TEXT, bytes("u" + i), 1, i + 1);
            appended.release();
        }
        done.set(true);
        appended.release();
        compactor.join(60_000);
        assertNull(failed.get(), () -> "compaction failed: " + failed.get());
        assertTrue(compactions.get() > 0, "the race did not happen: no compaction ran");
        // Flatten what is left: every update appears once, in the order appended.
        assertTrue(store.compact("doc", JOIN));
        String all = new String(store.load("doc").log.get(0), StandardCharsets.UTF_8).replace("[", "").replace("]", "");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            expected.add("u" + i);
        }
        assertEquals(expected, Arrays.asList(all.split("\\+")));
    }

    /**
     * A second handle on {@code s}'s data, used from another thread (as another server node would), or
     * null when the store cannot be shared (the default: core's memory store is single-threaded).
     */
    protected ServerStore sharing(ServerStore s) {
        return null;
    }

    // ---- durability ----

    @Test
    void everythingSurvivesAReopen() {
        store.append("doc", DocType.TEXT, bytes("u1"), 1, 1);
        store.append("doc", DocType.TEXT, bytes("u2"), 2, 1);
        store.append("doc", DocType.TEXT, bytes("u3"), 1, 2);
        store.compact("doc", (t, log) -> bytes("s" + log.size()));
        store.append("doc", DocType.TEXT, bytes("u4"), 2, 2);
        store.skip(2, 3);
        store.append("other", DocType.COUNTER, bytes("c1"), 3, 1);
        restart();
        ServerStore.StoredDoc d = store.load("doc");
        assertEquals(DocType.TEXT, d.type);
        assertLog(d, "s3", "u4");
        assertLog(store.load("other"), "c1");
        assertEquals(DocType.COUNTER, store.load("other").type);
        assertEquals(2, store.appliedSeq(1));
        assertEquals(3, store.appliedSeq(2));
        assertEquals(1, store.appliedSeq(3));
        // and it goes on working after the restart
        store.append("doc", DocType.TEXT, bytes("u5"), 1, 3);
        assertThrows(IllegalArgumentException.class, () -> store.append("other", DocType.TEXT, bytes("t"), 1, 4));
        restart();
        assertLog(store.load("doc"), "s3", "u4", "u5");
        assertEquals(3, store.appliedSeq(1));
    }

    @Test
    void aReopenWithoutWritesIsEmpty() {
        restart();
        assertNull(store.load("doc"));
        assertEquals(0, store.appliedSeq(1));
    }

    // ---- copies ----

    @Test
    void returnedListsAreCopies() {
        store.append("doc", DocType.TEXT, bytes("u1"), 1, 1);
        store.append("doc", DocType.TEXT, bytes("u2"), 1, 2);
        List<byte[]> log = store.load("doc").log;
        try {
            log.clear();
            log.add(bytes("intruder"));
        } catch (UnsupportedOperationException unmodifiable) {
            // an unmodifiable list keeps the rule too
        }
        assertLog(store.load("doc"), "u1", "u2");
    }

    @Test
    void theStoreKeepsItsOwnCopyOfTheBytes() {
        byte[] update = bytes("u1");
        store.append("doc", DocType.TEXT, update, 1, 1);
        update[0] = 'X'; // the caller reuses its buffer
        byte[] state = bytes("s1");
        store.compact("doc", (t, log) -> {
            log.get(0)[0] = 'Z'; // the fold may scribble on the entries it is given
            return state;
        });
        state[0] = 'X';
        store.load("doc").log.get(0)[0] = 'Y'; // a caller scribbles on what it was given
        assertLog(store.load("doc"), "s1");
    }

    // ---- bytes ----

    @Test
    void byteArraysRoundTripExactly() {
        byte[] empty = new byte[0];
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i; // NUL, invalid UTF-8, high bytes
        }
        byte[] large = new byte[1 << 20];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < large.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            large[i] = (byte) x;
        }
        store.append("doc", DocType.TEXT, empty, 1, 1);
        store.append("doc", DocType.TEXT, all, 1, 2);
        store.append("doc", DocType.TEXT, large, 1, 3);
        store.append("doc", DocType.TEXT, empty, 1, 4);
        assertLogBytes(store.load("doc"), empty, all, large, empty);
        restart();
        assertLogBytes(store.load("doc"), empty, all, large, empty);
        store.compact("doc", (t, log) -> large);
        restart();
        assertLogBytes(store.load("doc"), large);
        store.append("doc", DocType.TEXT, all, 1, 5);
        store.compact("doc", (t, log) -> empty);
        restart();
        assertLogBytes(store.load("doc"), empty);
    }

    // ---- helpers ----

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertLog(ServerStore.StoredDoc d, String... expected) {
        assertNotNull(d, "document");
        List<String> actual = new ArrayList<>();
        for (byte[] b : d.log) {
            actual.add(new String(b, StandardCharsets.UTF_8));
        }
        assertEquals(Arrays.asList(expected), actual);
    }

    private static void assertLogBytes(ServerStore.StoredDoc d, byte[]... expected) {
        assertNotNull(d, "document");
        assertEquals(expected.length, d.log.size(), "log entries");
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], d.log.get(i), "log entry " + i);
        }
    }
}
