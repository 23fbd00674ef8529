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
    private final ReentrantLock lock = new ReentrantLock();
    private final SyncServer engine;
    private final ServerStore store;
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
        this.engine = new SyncServer(this.store, auth, System::currentTimeMillis, options);
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
            lock.unlock();
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
    }
}
