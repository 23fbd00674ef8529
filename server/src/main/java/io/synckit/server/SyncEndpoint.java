package io.synckit.server;

import io.synckit.core.protocol.ErrorCode;
import io.synckit.core.protocol.ErrorMessage;
import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.sync.SyncServer;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket on {@code /sync}: each binary message is one protocol Frame for the engine; text
 * messages are refused (close 1003). It is the engine's {@link SyncServer.Peer}: {@link #send} never
 * blocks; it hands the frame to Jetty's queue and counts the bytes not yet written. A client that stops
 * reading makes that count grow; above {@link SyncService#maxQueuedBytes} the connection is closed with
 * 1008 and dropped, so the server's memory stays bounded (the client resyncs when it comes back).
 *
 * <p>Reads are demanded explicitly, one frame at a time: Jetty reads the next frame of this connection
 * only after the engine handled this one and {@link #readNext} demanded it. A connection over its rate
 * limit ({@link RateLimiter}) is throttled, not dropped: its next read is scheduled for when the limiter
 * allows it, so TCP backpressure slows the client while nothing piles up in the server. Dropping would
 * hurt the legitimate case: a client back from a long offline period flushes its whole outbox (one Update
 * per local change) at once. Such a connection is told once, then at most every 10 s, with a non-fatal
 * {@code Error{RATE_LIMITED}}.
 *
 * <p>Jetty handles control frames only when demanded too: a ping is answered in {@link #onWebSocketPing}
 * (it counts against the rate like any frame), pongs are demanded past by Jetty itself, and once a close
 * has begun (either side) reads are no longer throttled, so the close handshake completes promptly.
 */
public final class SyncEndpoint implements Session.Listener, SyncServer.Peer {
    /** Update frames start with this tag: Frame field 7, length-delimited (see proto/synckit/v1/sync.proto). */
    private static final byte UPDATE_TAG = (7 << 3) | 2;
    private static final Logger LOG = LoggerFactory.getLogger(SyncEndpoint.class);
    /** A throttled connection gets the RATE_LIMITED error at most this often. */
    static final long RATE_ERROR_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final SyncService service;
    private volatile Session session;
    private SyncServer.Connection connection;
    private volatile double replicaId = -1;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();
    /** Used by the reading thread only (one frame at a time). */
    private final RateLimiter limiter;
    private boolean rateErrorSent;
    private long rateErrorAt;
    /** A read is owed and scheduled on the service's timer: exactly one party may demand it. */
    private final AtomicBoolean readHeld = new AtomicBoolean();
    /** A close has begun: read at full speed so the close handshake is not held up. */
    private volatile boolean closing;

    SyncEndpoint(SyncService service) {
        this.service = service;
        this.limiter = service.newRateLimiter();
    }

    double replicaId() {
        return replicaId;
    }

    @Override
    public void onWebSocketOpen(Session s) {
        session = s;
        service.opened(this);
        if (service.stopping()) {
            closing = true;
            s.close(StatusCode.SHUTDOWN, "server shutting down", Callback.NOOP);
            s.demand();
            return;
        }
        connection = service.locked(engine -> engine.accept(this));
        s.demand();
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        byte[] frame = new byte[payload.remaining()];
        payload.get(frame);
        callback.succeed();
        service.metrics.framesIn.increment();
        service.metrics.bytesIn.increment(frame.length);
        long delay = limiter.delayNanos(frame.length);
        long start = System.nanoTime();
        service.locked(engine -> {
            if (connection != null) {
                connection.onFrame(frame);
                replicaId = connection.replicaId();
            }
            return null;
        });
        if (frame.length > 0 && frame[0] == UPDATE_TAG) {
            service.metrics.updateLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        readNext(delay);
    }

    /** Answered here rather than by Jetty (which would demand the next frame at once), so pings count against the rate. */
    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        long delay = limiter.delayNanos(payload.remaining());
        session.sendPong(payload, Callback.NOOP);
        readNext(delay);
    }

    @Override
    public void onWebSocketText(String message) {
        closing = true;
        session.close(StatusCode.BAD_DATA, "SyncKit frames are binary WebSocket messages", Callback.NOOP);
        session.demand(); // for the client's close frame
    }

    /** Demands the next frame now, or after {@code delayNanos} when the connection is over its rate. */
    private void readNext(long delayNanos) {
        Session s = session;
        if (delayNanos <= 0 || closing) {
            s.demand();
            return;
        }
        service.metrics.rateLimited.increment();
        readHeld.set(true);
        service.metrics.connectionsThrottled.incrementAndGet();
        // After the gauge: whoever sees the RATE_LIMITED Error also sees the connection counted as throttled.
        warnRateLimited();
        try {
            service.scheduler.schedule(this::releaseRead, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            releaseRead(); // the server is stopping
            return;
        }
        if (closing) {
            releaseRead(); // a close began while this was being scheduled: do not hold its handshake up
        }
    }

    /** Demands the held read, if one is held (the timer, or a close that cannot wait for it). */
    private void releaseRead() {
        if (!readHeld.compareAndSet(true, false)) {
            return;
        }
        service.metrics.connectionsThrottled.decrementAndGet();
        try {
            session.demand();
        } catch (RuntimeException e) {
            // closed meanwhile: nothing more to read
        }
    }

    /** The first time a connection is throttled, then at most every 10 s: a non-fatal Error saying why. */
    private void warnRateLimited() {
        long now = System.nanoTime();
        if (rateErrorSent && now - rateErrorAt < RATE_ERROR_EVERY_NANOS) {
            return;
        }
        rateErrorSent = true;
        rateErrorAt = now;
        ServerConfig.RateLimit r = service.rateLimit;
        String limit = limiter.lastDelayByBytes()
                ? r.bytesPerSecond() + " bytes/s (burst " + r.burstBytes(service.maxFrameBytes) + " bytes)"
                : r.framesPerSecond() + " frames/s (burst " + r.burstFrames() + ")";
        LOG.atInfo().addKeyValue("replica", (long) replicaId).addKeyValue("remote", remote())
                .log("connection over its rate limit of {}: reading it more slowly", limit);
        byte[] error = FrameCodec.encode(new ErrorMessage(ErrorCode.RATE_LIMITED, "over " + limit
                + " on this connection: the server now reads it more slowly; batch updates or slow down", "", 0, false));
        // Under the engine lock, like every other send: frames to one connection leave in one order.
        service.locked(engine -> {
            send(error);
            return null;
        });
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        end();
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        end();
    }

    private void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (readHeld.compareAndSet(true, false)) {
            service.metrics.connectionsThrottled.decrementAndGet(); // the timer's demand will find nothing to do
        }
        Runnable close = () -> {
            service.locked(engine -> {
                if (connection != null) {
                    connection.onClose(); // the engine may have closed it itself: then this does nothing
                }
                return null;
            });
            service.closed(this);
            closedFuture.complete(null);
        };
        if (service.engineBusyOnThisThread()) {
            // Jetty reported the close from inside a send or close the engine made (a broken socket): the
            // engine is mid-call, perhaps iterating over this connection's subscriptions. Tell it later.
            CompletableFuture.runAsync(close);
        } else {
            close.run();
        }
    }

    /**
     * Called by the engine, under the engine lock: queue and return at once. With group commit the frame
     * waits until the writes before it are durable (an Ack must not overtake its update's commit).
     */
    @Override
    public void send(byte[] frame) {
        if (service.group != null) {
            service.group.hold(() -> sendNow(frame));
        } else {
            sendNow(frame);
        }
    }

    private void sendNow(byte[] frame) {
        Session s = session;
        if (s == null || !s.isOpen() || ended.get() || overflowed.get()) {
            return; // closing: the client resyncs on its next connection
        }
        long queued = queuedBytes.addAndGet(frame.length);
        if (queued > service.maxQueuedBytes) {
            queuedBytes.addAndGet(-frame.length);
            if (!overflowed.compareAndSet(false, true)) {
                return;
            }
            service.metrics.slowConsumers.increment();
            LOG.atWarn().addKeyValue("replica", (long) replicaId).addKeyValue("remote", remote())
                    .addKeyValue("queuedBytes", queued - frame.length)
                    .log("closing a connection that does not read its frames (send queue over {} bytes)", service.maxQueuedBytes);
            // Not here: closing can call onWebSocketClose on this thread, and the engine (whose lock this
            // thread holds) may be iterating over subscribers right now.
            CompletableFuture.runAsync(() -> {
                s.close(StatusCode.POLICY_VIOLATION, "send queue over " + service.maxQueuedBytes
                        + " bytes: the client does not read its frames", Callback.NOOP);
                s.disconnect(); // the close frame itself cannot get through a full queue
            });
            return;
        }
        service.metrics.framesOut.increment();
        service.metrics.bytesOut.increment(frame.length);
        s.sendBinary(ByteBuffer.wrap(frame), Callback.from(() -> queuedBytes.addAndGet(-frame.length),
                failure -> queuedBytes.addAndGet(-frame.length)));
    }

    /** The peer's address, for logs. */
    private String remote() {
        Session s = session;
        return s == null || s.getRemoteSocketAddress() == null ? "" : s.getRemoteSocketAddress().toString();
    }

    /** Called by the engine after a fatal Error frame: close after the frames already queued. */
    @Override
    public void close() {
        if (service.group != null) {
            service.group.hold(this::closeNow); // after the Error frame held before it
        } else {
            closeNow();
        }
    }

    /** A group commit failed: the engine was replaced; this client reconnects and resends. */
    void closeAfterStorageFailure() {
        Session s = session;
        if (s != null) {
            s.close(StatusCode.SERVER_ERROR, "storage failed; reconnect and send again what was not acknowledged",
                    Callback.NOOP);
            releaseRead();
        }
    }

    private void closeNow() {
        Session s = session;
        if (s != null) {
            closing = true;
            s.close(StatusCode.POLICY_VIOLATION, "closed by the server; see the Error frame", Callback.NOOP);
            releaseRead();
        }
    }

    /** Shutdown: close with 1001; completes when the close is done. */
    /** Completes once this connection has ended on the server: engine told, metrics updated. */
    CompletableFuture<Void> whenEnded() {
        return closedFuture;
    }

    CompletableFuture<Void> closeGoingAway() {
        Session s = session;
        if (s == null) {
            return CompletableFuture.completedFuture(null);
        }
        closing = true;
        s.close(StatusCode.SHUTDOWN, "server shutting down", Callback.NOOP);
        releaseRead(); // a throttled connection must still read the client's close frame
        return closedFuture;
    }

    /** Closes the connection with 1001 (tests: the server side ending one connection). */
    void closeNormally() {
        Session s = session;
        if (s != null) {
            closing = true;
            s.close(StatusCode.SHUTDOWN, "closed by the server", Callback.NOOP);
            releaseRead();
        }
    }
}
