package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.counter.PnCounter;
import io.synckit.core.protocol.Ack;
import io.synckit.core.protocol.ErrorCode;
import io.synckit.core.protocol.ErrorMessage;
import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Message;
import io.synckit.core.protocol.Ping;
import io.synckit.core.protocol.Pong;
import io.synckit.core.protocol.Protocol;
import io.synckit.core.protocol.Update;
import io.synckit.core.protocol.Welcome;
import io.synckit.core.sync.MemoryServerStore;
import io.synckit.core.sync.SyncClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-connection rate limits over real WebSockets: a fast client is slowed down, never dropped, and alone. */
class RateLimitOverWebSocketTest {
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    SyncKitServer server(ServerConfig.RateLimit limit) throws Exception {
        SyncKitServer s = new SyncKitServer(ServerConfig.dev("127.0.0.1", 0).withRateLimit(limit), new MemoryServerStore())
                .start();
        closeAfter.add(s);
        return s;
    }

    static String devToken(SyncKitServer server, String sub) throws Exception {
        HttpResponse<String> r = WsSyncHost.HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "dev/token?sub=" + sub))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body().substring(10, r.body().length() - 2);
    }

    /** A value from /metrics (Prometheus text), 0 when absent. */
    static double metric(SyncKitServer server, String name) throws Exception {
        String body = WsSyncHost.HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).strip());
            }
        }
        return 0;
    }

    RawWs rawClient(SyncKitServer server, double replicaId) throws Exception {
        RawWs raw = RawWs.connect(server.syncUri());
        closeAfter.add(() -> raw.ws.abort());
        raw.send(new Hello(Protocol.VERSION, replicaId, devToken(server, "raw" + (long) replicaId), 0, "raw"));
        assertInstanceOf(Welcome.class, raw.next());
        return raw;
    }

    WsSyncHost client(SyncKitServer server, double replicaId) throws Exception {
        WsSyncHost h = new WsSyncHost(server.syncUri(), replicaId, devToken(server, "user" + (long) replicaId));
        closeAfter.add(h);
        return h;
    }

    /** {@code n} Updates of a counter incremented by 1 each, seq 1..n, as a client's outbox would hold them. */
    static List<byte[]> counterUpdates(double replicaId, String docId, int n) {
        PnCounter c = new PnCounter(replicaId);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            byte[] before = c.encodeStateVector();
            c.increment(1);
            frames.add(FrameCodec.encode(new Update(i, docId, c.encodeLocalChanges(before))));
        }
        return frames;
    }

    @Test
    void aFloodIsSlowedDownWarnedOnceAndFullyApplied() throws Exception {
        SyncKitServer server = server(new ServerConfig.RateLimit(50, 20, 0));
        RawWs raw = rawClient(server, 701);
        int n = 200; // 20 at once, then 180 at 50/s: about 3.6 s
        for (byte[] f : counterUpdates(701, "flood", n)) {
            raw.send(f); // all of them at once, like an outbox flushed on reconnect
        }
        List<ErrorMessage> errors = new ArrayList<>();
        double acked = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
        while (acked < n) {
            byte[] f = raw.frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertNotNull(f, "all " + n + " updates acknowledged within 12 s; got up to " + acked);
            Message m = FrameCodec.decode(f);
            if (m instanceof Ack a) {
                assertEquals(acked + 1, a.seq, "acknowledged in order, none skipped");
                acked = a.seq;
            } else {
                errors.add(assertInstanceOf(ErrorMessage.class, m));
            }
        }
        assertEquals(1, errors.size(), "one warning (then at most one per 10 s): " + errors.size());
        ErrorMessage e = errors.get(0);
        assertEquals(ErrorCode.RATE_LIMITED, e.code);
        assertFalse(e.fatal, "throttled, not cut off");
        assertTrue(e.message.startsWith("over 50 frames/s (burst 20) on this connection"), e.message);
        assertTrue(e.message.contains("batch updates or slow down"), e.message);
        assertTrue(metric(server, "synckit_rate_limited_total") >= n / 2, "frames after which reads were delayed");

        // Still connected and read: a protocol Ping and a WebSocket ping are both answered.
        assertFalse(raw.closeCode.isDone());
        raw.send(new Ping(42));
        assertEquals(42, assertInstanceOf(Pong.class, raw.next()).nonce);
        raw.ws.sendPing(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);
        ByteBuffer pong = raw.pongs.poll(5, TimeUnit.SECONDS);
        assertNotNull(pong, "WebSocket ping answered");
        assertEquals("hi", StandardCharsets.UTF_8.decode(pong).toString());
        raw.send(new Ping(43)); // and it reads on after a WebSocket ping (demand is explicit)
        assertEquals(43, assertInstanceOf(Pong.class, raw.next()).nonce);

        // Nothing was dropped: another client sees all of them.
        WsSyncHost b = client(server, 702);
        PnCounter cb = new PnCounter(702);
        b.open("flood", cb);
        b.start();
        b.await("b sees every update", () -> cb.value() == n, Duration.ofSeconds(5));
    }

    @Test
    void othersKeepSyncingPromptlyWhileOneConnectionFloodsWithoutEnd() throws Exception {
        SyncKitServer server = server(new ServerConfig.RateLimit(20, 10, 0));
        RawWs flooder = rawClient(server, 801);
        AtomicBoolean stop = new AtomicBoolean();
        Thread flood = new Thread(() -> {
            double nonce = 0;
            try {
                while (!stop.get()) {
                    flooder.ws.sendBinary(ByteBuffer.wrap(FrameCodec.encode(new Ping(++nonce))), true).get(10, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                // closed at the end of the test
            }
        }, "flooder");
        flood.setDaemon(true);
        flood.start();
        closeAfter.add(() -> {
            stop.set(true);
            flooder.ws.abort(); // fails a send blocked on a full socket
            flood.join(5000);
        });
        // Throttled: the warning arrives among its Pongs.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ErrorMessage warning = null;
        while (warning == null) {
            byte[] f = flooder.frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertNotNull(f, "the flooder is told it is rate limited");
            if (FrameCodec.decode(f) instanceof ErrorMessage e) {
                warning = e;
            }
        }
        assertEquals(ErrorCode.RATE_LIMITED, warning.code);
        assertFalse(warning.fatal);

        WsSyncHost b = client(server, 802);
        WsSyncHost c = client(server, 803);
        PnCounter cb = new PnCounter(802);
        PnCounter cc = new PnCounter(803);
        b.open("shared", cb);
        c.open("shared", cc);
        b.start();
        c.start();
        b.await("b online", () -> b.client.status() == SyncClient.STATUS_ONLINE, Duration.ofSeconds(5));
        c.await("c online", () -> c.client.status() == SyncClient.STATUS_ONLINE, Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            c.run(cl -> {
                cc.increment(1);
                cl.localChange("shared");
            });
        }
        b.await("b gets c's updates", () -> cb.value() == 3, Duration.ofSeconds(5));
        c.await("c acknowledged", () -> c.client.pending() == 0, Duration.ofSeconds(5));
        assertFalse(b.hasError(ErrorCode.RATE_LIMITED), "well-behaved clients are not limited");

        // The flooder is still connected and still being throttled.
        assertFalse(flooder.closeCode.isDone(), "throttled, not dropped");
        assertTrue(metric(server, "synckit_rate_limited_total") > 0);
    }

    @Test
    void aThrottledConnectionIsClosedPromptlyAtShutdown() throws Exception {
        // 1 byte/s after the 8 MiB burst: after nine 1 MiB frames the next read is days away.
        SyncKitServer server = new SyncKitServer(ServerConfig.dev("127.0.0.1", 0)
                .withRateLimit(new ServerConfig.RateLimit(0, 0, 1)), new MemoryServerStore()).start();
        RawWs raw;
        try {
            raw = rawClient(server, 901);
            // Out of order (seq 5 before 1): the engine ignores them without decoding the data.
            byte[] big = FrameCodec.encode(new Update(5, "big", new byte[(1 << 20) - 64]));
            for (int i = 0; i < 9; i++) {
                raw.send(big);
            }
            ErrorMessage e = assertInstanceOf(ErrorMessage.class, raw.next());
            assertEquals(ErrorCode.RATE_LIMITED, e.code);
            assertTrue(e.message.startsWith("over 1 bytes/s (burst 8388608 bytes)"), e.message);
            raw.send(new Ping(1)); // sits in the socket: the server does not read it
            assertEquals(1, metric(server, "synckit_connections_throttled"));
        } catch (Throwable t) {
            server.close();
            throw t;
        }
        long start = System.nanoTime();
        server.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(1001, raw.awaitClose(), "closed as going away, with a close handshake");
        assertTrue(millis < 3000, "shutdown did not wait for the throttled read: " + millis + " ms");
    }
}
