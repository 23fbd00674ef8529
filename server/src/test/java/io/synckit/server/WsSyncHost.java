package io.synckit.server;

import io.synckit.core.Replicated;
import io.synckit.core.sync.MemoryClientStore;
import io.synckit.core.sync.SyncClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Test host for core's {@link SyncClient} over a real WebSocket (java.net.http): connect/send/close
 * through the socket, onFrame from binary messages, tick by a scheduled executor. Every call into the
 * client (and into the documents it syncs) runs on one thread, {@link #exec}: use {@link #call}.
 * {@link #await} waits for a condition, re-checked after every event (no sleeping).
 */
final class WsSyncHost implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ws-sync-host");
        t.setDaemon(true);
        return t;
    });
    final SyncClient client;
    final MemoryClientStore store = new MemoryClientStore();
    final List<int[]> errorCodes = new ArrayList<>(); // on exec
    final List<String> errors = new ArrayList<>(); // on exec
    private volatile URI uri;
    private final String origin;
    /** False: connect() fails at once, as with the network down. */
    private volatile boolean networkUp = true;
    private WebSocket ws; // on exec
    private int generation; // on exec: events of an older connection are ignored
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null); // on exec
    private ScheduledFuture<?> tick; // on exec
    private final AtomicLong events = new AtomicLong();
    private final Object monitor = new Object();

    WsSyncHost(URI uri, double replicaId, String token) {
        this(uri, replicaId, token, null);
    }

    WsSyncHost(URI uri, double replicaId, String token, String origin) {
        this.uri = uri;
        this.origin = origin;
        SyncClient.Options o = new SyncClient.Options();
        o.backoffBaseMillis = 50;
        o.backoffCapMillis = 200;
        o.resendMillis = 2000;
        o.clientName = "WsSyncHost";
        client = new SyncClient(replicaId, token, store, new Io(), Math::random, new SyncClient.Listener() {
            @Override
            public void remoteChange(String docId) {
            }

            @Override
            public void status(int status) {
            }

            @Override
            public void error(int code, String message, String docId) {
                errorCodes.add(new int[] {code});
                errors.add(code + " " + docId + ": " + message);
            }
        }, o);
    }

    static double now() {
        return System.currentTimeMillis();
    }

    /** Runs {@code f} on the client's thread and returns its result (10 s at most). */
    <T> T call(Function<SyncClient, T> f) {
        try {
            return exec.submit(() -> {
                try {
                    return f.apply(client);
                } finally {
                    reschedule();
                }
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("call on the client thread failed", e);
        }
    }

    void run(java.util.function.Consumer<SyncClient> f) {
        call(c -> {
            f.accept(c);
            return null;
        });
    }

    void start() {
        run(c -> c.start(now()));
    }

    void open(String docId, Replicated<?> doc) {
        run(c -> c.open(docId, doc));
    }

    boolean hasError(int code) {
        return call(c -> errorCodes.stream().anyMatch(e -> e[0] == code));
    }

    /** Where the next connect() goes (e.g. a restarted server on another port). */
    void setUri(URI uri) {
        this.uri = uri;
    }

    void setNetworkUp(boolean up) {
        networkUp = up;
    }

    /** Waits until {@code condition} (evaluated on the client thread) holds; fails after {@code timeout}. */
    void await(String what, Supplier<Boolean> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen = events.get();
            if (call(c -> condition.get())) {
                return;
            }
            synchronized (monitor) {
                while (events.get() == seen) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("timed out waiting for: " + what + "; errors: " + call(c -> errors));
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(monitor, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(e);
                    }
                }
            }
        }
    }

    void await(String what, Supplier<Boolean> condition) {
        await(what, condition, Duration.ofSeconds(15));
    }

    /** After an event from the socket or a timer: reschedule, and wake waiters. On exec. */
    private void afterEvent() {
        reschedule();
        events.incrementAndGet();
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** Reschedules the tick at the client's next wake time. On exec. */
    private void reschedule() {
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
        double at = client.nextWakeAt();
        if (!Double.isInfinite(at)) {
            long delay = Math.max(0, (long) Math.ceil(at - now()));
            tick = exec.schedule(() -> {
                client.tick(Math.max(now(), at));
                afterEvent();
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void onExec(int gen, java.util.function.Consumer<SyncClient> event) {
        exec.execute(() -> {
            if (gen == generation) {
                event.accept(client);
                afterEvent();
            }
        });
    }

    private final class Io implements SyncClient.Io {
        @Override
        public void connect() {
            int gen = ++generation;
            if (!networkUp) {
                onExec(gen, c -> c.onClose(now()));
                return;
            }
            WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            if (origin != null) {
                b.header("Origin", origin);
            }
            b.buildAsync(uri, new Listener(gen)).whenComplete((socket, failure) -> {
                if (failure != null) {
                    onExec(gen, c -> c.onClose(now()));
                } else {
                    exec.execute(() -> {
                        if (gen == generation) {
                            ws = socket;
                            sendChain = CompletableFuture.completedFuture(null);
                            client.onOpen(now());
                            afterEvent();
                        } else {
                            socket.abort();
                        }
                    });
                }
            });
        }

        @Override
        public void send(byte[] frame) {
            WebSocket socket = ws;
            if (socket == null) {
                return;
            }
            // java.net.http allows one outstanding send: chain them.
            sendChain = sendChain.thenCompose(x -> socket.sendBinary(ByteBuffer.wrap(frame), true))
                    .exceptionally(t -> null);
        }

        @Override
        public void close() {
            generation++;
            WebSocket socket = ws;
            ws = null;
            if (socket != null) {
                sendChain.thenRun(() -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final int gen;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Listener(int gen) {
            this.gen = gen;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partial.write(b, 0, b.length);
            if (last) {
                byte[] frame = partial.toByteArray();
                partial.reset();
                onExec(gen, c -> c.onFrame(frame, now()));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            onExec(gen, c -> c.onClose(now()));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            onExec(gen, c -> c.onClose(now()));
        }
    }

    @Override
    public void close() {
        try {
            run(SyncClient::stop);
        } catch (AssertionError ignored) {
            // already gone
        }
        exec.shutdownNow();
    }
}
