package io.synckit.server;

import io.synckit.core.sync.ServerStore;
import io.synckit.core.sync.SyncServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The one {@link SyncServer} of a process and the WebSocket connections feeding it.
 *
 * <p>Threading: every call into the engine ({@code accept}, {@code onFrame}, {@code onClose}) and every
 * store call from outside it ({@link #ready}) happens under one {@link ReentrantLock}, on the Jetty thread
 * that read the frame. A lock and not a single-threaded executor, because with a lock the reading thread
 * waits for its turn before it reads the next frame (the endpoint handles a frame before Jetty demands
 * the next one), so a fast client cannot queue up unbounded work in front of the engine; an executor
 * would need an unbounded queue or a policy for a full one. The engine does little per frame besides
 * the store's durable append, which is serial in any store anyway. Sends from inside the lock never
 * block: {@link SyncEndpoint} queues them with Jetty and counts the queued bytes.
 *
 * <p>Rate limits: each endpoint has its own {@link RateLimiter}; a throttled endpoint's next read is
 * scheduled on {@link #scheduler}, one daemon thread for the whole server (a timer, nothing else runs on it).
 */
final class SyncService {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SyncService.class);
    private final ReentrantLock lock = new ReentrantLock();
    /** Replaced (under the lock) only after a failed group commit: see {@link #commitLoop}. */
    private SyncServer engine;
    private final ServerStore store;
    private final SyncServer.Authenticator auth;
    private final SyncServer.Options options;
    private SyncServer.UpdateListener updateListener;
    /** Group commit, when the store can write batches (SQLite, PostgreSQL); null otherwise. */
    final GroupCommitStore group;
    private final java.util.concurrent.Semaphore commitSignal = new java.util.concurrent.Semaphore(0);
    private final Thread committer;
    final ServerMetrics metrics;
    final long maxQueuedBytes;
    final int maxFrameBytes;
    final ServerConfig.RateLimit rateLimit;
    /** Delayed reads of throttled connections: it only calls {@code Session.demand()}, which does not block. */
    final ScheduledExecutorService scheduler;
    private final Set<SyncEndpoint> endpoints = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    /**
     * The token-expiry sweep, on a thread of its own: it waits for the engine lock, which must never
     * hold up the scheduler's delayed reads.
     */
    private final ScheduledExecutorService expiry =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "synckit-token-expiry");
                t.setDaemon(true);
                return t;
            });

    SyncService(ServerStore store, SyncServer.Authenticator auth, SyncServer.Options options, long maxQueuedBytes,
            ServerConfig.RateLimit rateLimit) {
        this.metrics = new ServerMetrics(this::openDocuments);
        this.store = new MeteredServerStore(store, metrics.storageErrors);
        this.auth = auth;
        this.options = options;
        if (store instanceof io.synckit.server.storage.BatchWriter writer) {
            this.group = new GroupCommitStore(this.store);
            this.engine = new SyncServer(group, auth, System::currentTimeMillis, options);
            this.committer = new Thread(() -> commitLoop(writer), "synckit-group-commit");
            committer.setDaemon(true);
            committer.start();
        } else {
            this.group = null;
            this.committer = null;
            this.engine = new SyncServer(this.store, auth, System::currentTimeMillis, options);
        }
        if (maxQueuedBytes < options.limits.maxFrameBytes) {
            // One broadcast of the largest frame would cut off a client that reads perfectly well.
            throw new IllegalArgumentException("the send queue cap (" + maxQueuedBytes + " bytes) must be at least "
                    + "the frame limit (" + options.limits.maxFrameBytes + " bytes)");
        }
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxFrameBytes = options.limits.maxFrameBytes;
        this.rateLimit = rateLimit;
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "synckit-rate-limit");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.scheduler = timer;
        // A token that expires while its connection is open ends the connection within a second, even
        // when the client sends nothing (it would otherwise go on receiving documents).
        expiry.scheduleWithFixedDelay(() -> {
            try {
                int cut = locked(SyncServer::expireTokens);
                metrics.tokensExpired.increment(cut);
            } catch (RuntimeException e) {
                // never kill the timer; the next run tries again
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** A new connection's limiter. */
    RateLimiter newRateLimiter() {
        return new RateLimiter(rateLimit.framesPerSecond(), rateLimit.burstFrames(), rateLimit.bytesPerSecond(),
                rateLimit.burstBytes(maxFrameBytes), System::nanoTime);
    }

    private int openDocuments() {
        lock.lock();
        try {
            return engine.openDocuments();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code task} with the engine to itself. */
    <T> T locked(java.util.function.Function<SyncServer, T> task) {
        lock.lock();
        try {
            return task.apply(engine);
        } finally {
            boolean work = group != null && group.hasWork();
            lock.unlock();
            if (work) {
                commitSignal.release();
            }
        }
    }

    /** {@code listener} hears of every update once it is durable (scale-out publishing). */
    void setUpdateListener(SyncServer.UpdateListener listener) {
        locked(engine -> {
            updateListener = listener;
            engine.setUpdateListener(heldListener());
            return null;
        });
    }

    private SyncServer.UpdateListener heldListener() {
        SyncServer.UpdateListener l = updateListener;
        if (l == null || group == null) {
            return l;
        }
        return (docId, type, data) -> group.hold(() -> l.updated(docId, type, data));
    }

    /**
     * The committer: takes what the engine collected (under the lock), writes it in one transaction
     * (outside the lock: the engine goes on collecting the next batch), then releases the Acks,
     * Broadcasts and publishes that waited for it, and last runs the compactions the engine asked for
     * (see {@link GroupCommitStore#compact}). A failed commit leaves the engine's memory ahead of the
     * store, so the engine is replaced by a fresh one (as after a restart) and every connection is closed
     * with 1011; clients reconnect and send again what was not acknowledged.
     */
    private void commitLoop(io.synckit.server.storage.BatchWriter writer) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                commitSignal.acquire();
                commitSignal.drainPermits(); // one batch for every signal so far
            } catch (InterruptedException e) {
                return;
            }
            GroupCommitStore.Batch batch = locked(engine -> group.take());
            if (batch.isEmpty()) {
                continue;
            }
            if (!batch.writes().isEmpty()) {
                long start = System.nanoTime();
                try {
                    writer.writeBatch(batch.writes());
                    metrics.commitBatch.record(batch.writes().size());
                    metrics.commitLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                } catch (RuntimeException e) {
                    metrics.storageErrors.increment();
                    LOG.atError().addKeyValue("writes", batch.writes().size()).setCause(e)
                            .log("storage failed to commit a batch: nothing in it was acknowledged; restarting the "
                                    + "engine and closing every connection (clients reconnect and resend)");
                    resetAfterFailedCommit();
                    continue;
                }
            }
            locked(engine -> {
                group.committed();
                return null;
            });
            for (Runnable r : batch.release()) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("releasing a committed frame failed", e);
                }
            }
            // After the releases, so no Ack waits for a compaction; outside the lock, so no update does.
            batch.compactions().forEach((docId, fold) -> {
                try {
                    store.compact(docId, fold);
                } catch (RuntimeException e) {
                    // Counted in storage errors by the metered store. The log is still complete.
                    LOG.atWarn().addKeyValue("doc", docId).setCause(e).log("compaction failed; the log stays as it is");
                }
            });
        }
    }

    private void resetAfterFailedCommit() {
        lock.lock();
        try {
            group.discardAll();
            engine = new SyncServer(group, auth, System::currentTimeMillis, options);
            engine.setUpdateListener(heldListener());
        } finally {
            lock.unlock();
        }
        for (SyncEndpoint e : new ArrayList<>(endpoints)) {
            e.closeAfterStorageFailure();
        }
    }

    /** True inside a call into the engine on this thread (the engine is not re-entrant). */
    boolean engineBusyOnThisThread() {
        return lock.isHeldByCurrentThread();
    }

    boolean stopping() {
        return stopping;
    }

    void opened(SyncEndpoint e) {
        endpoints.add(e);
        metrics.connectionsOpen.incrementAndGet();
    }

    void closed(SyncEndpoint e) {
        if (endpoints.remove(e)) {
            metrics.connectionsOpen.decrementAndGet();
        }
    }

    /** Storage reachable: one cheap read, under the engine lock (stores need not be thread-safe). */
    boolean ready() {
        lock.lock();
        try {
            store.appliedSeq(0);
            return true;
        } catch (RuntimeException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Applies {@code action} to every open connection whose replica id is {@code replicaId} (tests, admin). */
    int forEachConnectionOf(double replicaId, Consumer<SyncEndpoint> action) {
        // Under the lock: an endpoint learns its replica id just after the engine sent Welcome, so a
        // client can be online before a look without the lock would find it (a flaky test).
        lock.lock();
        try {
            int n = 0;
            for (SyncEndpoint e : new ArrayList<>(endpoints)) {
                if (e.replicaId() == replicaId) {
                    action.accept(e);
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Graceful shutdown, first part: refuse new connections, close every open one with 1001 (going away)
     * and wait up to {@code timeoutMillis} for their closes to complete.
     */
    void shutdown(long timeoutMillis) throws InterruptedException {
        stopping = true;
        if (committer != null) {
            // The last batch: what was received before the closes below is committed and acknowledged.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(2000, timeoutMillis));
            commitSignal.release();
            while (locked(engine -> group.pendingWrites() > 0 || group.hasWork()) && System.nanoTime() < deadline) {
                commitSignal.release();
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // bounded wait for the committer thread
            }
        }
        expiry.shutdownNow();
        List<java.util.concurrent.CompletableFuture<Void>> closes = new ArrayList<>();
        for (SyncEndpoint e : new ArrayList<>(endpoints)) {
            closes.add(e.closeGoingAway());
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(closes.toArray(new java.util.concurrent.CompletableFuture[0]))
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Jetty's stop disconnects what is left.
        }
    }

    /** Last part of shutdown, after Jetty stopped: pending delayed reads are for closed connections. */
    void stopScheduler() {
        scheduler.shutdownNow();
        if (committer != null) {
            committer.interrupt();
        }
    }
}
