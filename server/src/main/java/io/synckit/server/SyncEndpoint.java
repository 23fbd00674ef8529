package io.synckit.server;

import io.synckit.core.sync.SyncServer;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One WebSocket on {@code /sync}: each binary message is one protocol Frame for the engine; text
 * messages are refused (close 1003). It is the engine's {@link SyncServer.Peer}: {@link #send} never
 * blocks; it hands the frame to Jetty's queue and counts the bytes not yet written. A client that stops
 * reading makes that count grow; above {@link SyncService#maxQueuedBytes} the connection is closed with
 * 1008 and dropped, so the server's memory stays bounded (the client resyncs when it comes back).
 *
 * <p>Reads are auto-demanding but handled synchronously: Jetty reads the next frame of this connection
 * only after {@link #onWebSocketBinary} returned, i.e. after the engine handled this one.
 */
public final class SyncEndpoint implements Session.Listener.AutoDemanding, SyncServer.Peer {
    /** Update frames start with this tag: Frame field 7, length-delimited (see proto/synckit/v1/sync.proto). */
    private static final byte UPDATE_TAG = (7 << 3) | 2;

    private final SyncService service;
    private volatile Session session;
    private SyncServer.Connection connection;
    private volatile double replicaId = -1;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();

    SyncEndpoint(SyncService service) {
        this.service = service;
    }

    double replicaId() {
        return replicaId;
    }

    @Override
    public void onWebSocketOpen(Session s) {
        session = s;
        service.opened(this);
        if (service.stopping()) {
            s.close(StatusCode.SHUTDOWN, "server shutting down", Callback.NOOP);
            return;
        }
        connection = service.locked(engine -> engine.accept(this));
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        byte[] frame = new byte[payload.remaining()];
        payload.get(frame);
        callback.succeed();
        service.metrics.framesIn.increment();
        service.metrics.bytesIn.increment(frame.length);
        long start = System.nanoTime();
        service.locked(engine -> {
            if (connection != null) {
                connection.onFrame(frame);
                replicaId = connection.replicaId();
            }
            return null;
        });
        if (frame.length > 0 && frame[0] == UPDATE_TAG) {
            service.metrics.updateLatency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onWebSocketText(String message) {
        session.close(StatusCode.BAD_DATA, "SyncKit frames are binary WebSocket messages", Callback.NOOP);
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

    /** Called by the engine, under the engine lock: queue and return at once. */
    @Override
    public void send(byte[] frame) {
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

    /** Called by the engine after a fatal Error frame: close after the frames already queued. */
    @Override
    public void close() {
        Session s = session;
        if (s != null) {
            s.close(StatusCode.POLICY_VIOLATION, "closed by the server; see the Error frame", Callback.NOOP);
        }
    }

    /** Shutdown: close with 1001; completes when the close is done. */
    CompletableFuture<Void> closeGoingAway() {
        Session s = session;
        if (s == null) {
            return CompletableFuture.completedFuture(null);
        }
        s.close(StatusCode.SHUTDOWN, "server shutting down", Callback.NOOP);
        return closedFuture;
    }

    /** Closes the connection with 1001 (tests: the server side ending one connection). */
    void closeNormally() {
        Session s = session;
        if (s != null) {
            s.close(StatusCode.SHUTDOWN, "closed by the server", Callback.NOOP);
        }
    }
}
