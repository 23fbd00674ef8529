package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.counter.PnCounter;
import io.synckit.core.protocol.DocType;
import io.synckit.core.sync.SyncClient;
import io.synckit.core.sync.SyncServer;
import io.synckit.server.storage.BatchWriter;
import io.synckit.server.storage.SqliteServerStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit: many updates per durable write, Acks only after it, and a failed commit loses nothing acknowledged. */
class GroupCommitTest {
    final List<AutoCloseable> closeAfter = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    private WsSyncHost client(SyncKitServer server, double replicaId) throws Exception {
        HttpResponse<String> r = WsSyncHost.HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "dev/token?sub=u"
                + (long) replicaId)).build(), HttpResponse.BodyHandlers.ofString());
        WsSyncHost h = new WsSyncHost(server.syncUri(), replicaId, r.body().substring(10, r.body().length() - 2));
        closeAfter.add(h);
        return h;
    }

    private static String metrics(SyncKitServer s) throws Exception {
        return WsSyncHost.HTTP.send(HttpRequest.newBuilder(URI.create(s.uri() + "metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double metric(String all, String name) {
        for (String line : all.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError(name + " not in /metrics");
    }

    /**
     * {@code clients} clients (replica ids from {@code firstReplica}) each increment counter {@code docId}
     * {@code each} times, interleaved and without waiting; returns once every Ack and every increment arrived.
     */
    private void burst(SyncKitServer server, String docId, int firstReplica, int clients, int each) throws Exception {
        List<WsSyncHost> hosts = new ArrayList<>();
        List<PnCounter> counters = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            WsSyncHost h = client(server, firstReplica + i);
            PnCounter c = new PnCounter(firstReplica + i);
            h.open(docId, c);
            h.start();
            h.await("online", () -> h.client.status() == SyncClient.STATUS_ONLINE);
            hosts.add(h);
            counters.add(c);
        }
        for (int n = 0; n < each; n++) {
            for (int i = 0; i < clients; i++) {
                PnCounter c = counters.get(i);
                hosts.get(i).run(cl -> {
                    c.increment(1);
                    cl.localChange(docId);
                });
            }
        }
        for (int i = 0; i < clients; i++) {
            WsSyncHost h = hosts.get(i);
            PnCounter c = counters.get(i);
            h.await("all acknowledged and seen", () -> h.client.pending() == 0 && c.value() == clients * each);
        }
    }

    @Test
    void concurrentUpdatesShareCommitsAndAllArriveDurably() throws Exception {
        SqliteServerStore store = SqliteServerStore.openInDir(dir);
        SyncKitServer server = new SyncKitServer(ServerConfig.dev("127.0.0.1", 0), store,
                SyncKitServer.DEFAULT_MAX_QUEUED_BYTES, new SyncServer.Options()).start();
        closeAfter.add(store);
        closeAfter.add(server);
        int clients = 8;
        int each = 40;
        burst(server, "shared", 500, clients, each);
        String m = metrics(server);
        double commits = metric(m, "synckit_commit_batch_count");
        double written = metric(m, "synckit_commit_batch_sum");
        assertEquals(clients * each, written, 0.0, "every update was written by a group commit");
        assertTrue(commits < written, "updates shared commits: " + commits + " commits for " + written + " updates");
        assertEquals(clients * each, store.load("shared").log.size(), "all durable (no compaction below 500)");
    }

    /**
     * A burst of concurrent updates, then quiet: the log ends compacted. Compaction waits for the commit
     * of the document's batch, so it folds the burst's last batches too, not only what was already
     * durable when the engine asked (those rows used to stay until the document's next write).
     */
    @Test
    void aBurstIsCompactedOnceItsBatchesCommit() throws Exception {
        SqliteServerStore store = SqliteServerStore.openInDir(dir);
        SyncServer.Options options = new SyncServer.Options();
        options.compactAfter = 10;
        SyncKitServer server = new SyncKitServer(ServerConfig.dev("127.0.0.1", 0), store,
                SyncKitServer.DEFAULT_MAX_QUEUED_BYTES, options).start();
        closeAfter.add(store);
        closeAfter.add(server);
        int clients = 8;
        int each = 40;
        burst(server, "burst", 700, clients, each);
        double batches = metric(metrics(server), "synckit_commit_batch_count");
        assertTrue(batches < clients * each, "the burst shared commits (" + batches + " for " + clients * each
                + " updates), so some compactions had writes of their document still in a batch");
        // The last compaction runs on the committer after the last Acks went out: wait for it.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        int rows;
        while ((rows = store.load("burst").log.size()) > options.compactAfter && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // re-check the store every 5 ms
        }
        assertTrue(rows <= options.compactAfter, rows + " log rows left for " + clients * each
                + " updates with compactAfter " + options.compactAfter);
        PnCounter folded = new PnCounter(1);
        for (byte[] u : store.load("burst").log) {
            folded.applyUpdate(u);
        }
        assertEquals(clients * each, folded.value(), "the compacted log still holds every increment");
    }

    /** A store whose Nth batch fails, as a full disk or a lost database connection would. */
    static final class FailingStore extends io.synckit.core.sync.ForwardingServerStore implements BatchWriter {
        final InMemoryServerStore inner;
        final AtomicInteger batches = new AtomicInteger();
        volatile int failBatch = -1;

        FailingStore() {
            this(new InMemoryServerStore());
        }

        private FailingStore(InMemoryServerStore inner) {
            super(inner);
            this.inner = inner;
        }

        @Override
        public void writeBatch(List<Write> writes) {
            if (batches.incrementAndGet() == failBatch) {
                throw new IllegalStateException("disk full (simulated)");
            }
            inner.writeBatch(writes);
        }
    }

    @Test
    void aFailedCommitAcknowledgesNothingInItAndClientsResendAfterReconnecting() throws Exception {
        FailingStore store = new FailingStore();
        SyncKitServer server = new SyncKitServer(ServerConfig.dev("127.0.0.1", 0), store,
                SyncKitServer.DEFAULT_MAX_QUEUED_BYTES, new SyncServer.Options()).start();
        closeAfter.add(server);
        WsSyncHost a = client(server, 601);
        WsSyncHost b = client(server, 602);
        PnCounter ca = new PnCounter(601);
        PnCounter cb = new PnCounter(602);
        a.open("c", ca);
        b.open("c", cb);
        a.start();
        b.start();
        a.await("a online", () -> a.client.status() == SyncClient.STATUS_ONLINE);
        b.await("b online", () -> b.client.status() == SyncClient.STATUS_ONLINE);
        a.run(c -> {
            ca.increment(1);
            c.localChange("c");
        });
        a.await("first acknowledged", () -> a.client.pending() == 0);
        store.failBatch = store.batches.get() + 1; // the next commit fails
        a.run(c -> {
            ca.increment(10);
            c.localChange("c");
        });
        // The failed batch is not acknowledged; the engine restarts and a reconnects and resends it.
        a.await("resent and acknowledged after the reconnect", () -> a.client.pending() == 0
                && a.client.status() == SyncClient.STATUS_ONLINE, java.time.Duration.ofSeconds(20));
        b.await("b sees both updates once", () -> cb.value() == 11, java.time.Duration.ofSeconds(20));
        assertEquals(11.0, a.call(c -> ca.value()));
        PnCounter fromStore = new PnCounter(699);
        for (byte[] u : store.inner.load("c").log) {
            fromStore.applyUpdate(u);
        }
        assertEquals(11, fromStore.value(), "stored exactly once");
        assertTrue(metric(metrics(server), "synckit_storage_errors_total") >= 1);
        assertThrows(IllegalArgumentException.class, () -> store.inner.writeBatch(List.of(
                new BatchWriter.Write("x", DocType.COUNTER, new byte[] {1}, 1, 1),
                new BatchWriter.Write("c", DocType.TEXT, new byte[] {1}, 1, 2))));
        assertEquals(null, store.inner.load("x"), "a batch with a type clash writes nothing");
    }
}
