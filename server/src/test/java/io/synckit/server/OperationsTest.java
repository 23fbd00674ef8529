package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.SignedJWT;
import io.synckit.core.counter.PnCounter;
import io.synckit.core.protocol.DocSubscription;
import io.synckit.core.protocol.DocType;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Protocol;
import io.synckit.core.protocol.Subscribe;
import io.synckit.core.protocol.SyncResponse;
import io.synckit.core.protocol.Welcome;
import io.synckit.core.sync.MemoryServerStore;
import io.synckit.core.sync.SyncClient;
import io.synckit.core.sync.SyncServer;
import io.synckit.core.text.TextDoc;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /healthz, /readyz, /metrics, /dev/token, slow consumers and graceful shutdown, on real sockets. */
class OperationsTest {
    static HttpResponse<String> get(SyncKitServer server, String path) throws Exception {
        return WsSyncHost.HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path.substring(1))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static double metric(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(scrape);
        assertTrue(m.find(), name + " not in\n" + scrape);
        return Double.parseDouble(m.group(2));
    }

    @Test
    void healthReadinessMetricsAndDevTokens() throws Exception {
        MemoryServerStore store = new MemoryServerStore();
        try (SyncKitServer server = new SyncKitServer(ServerConfig.dev("127.0.0.1", 0), store).start()) {
            assertEquals(200, get(server, "/healthz").statusCode());
            assertEquals(200, get(server, "/health").statusCode());
            HttpResponse<String> ready = get(server, "/readyz");
            assertEquals(200, ready.statusCode());
            assertEquals("{\"status\":\"ready\"}", ready.body());

            HttpResponse<String> token = get(server, "/dev/token?sub=alice");
            assertEquals(200, token.statusCode());
            assertTrue(token.body().matches("\\{\"token\":\"[\\w-]+\\.[\\w-]+\\.[\\w-]+\"}"), token.body());
            assertEquals(400, get(server, "/dev/token").statusCode());

            RawWs raw = RawWs.connect(server.syncUri());
            raw.send(new Hello(Protocol.VERSION, 501, token.body().substring(10, token.body().length() - 2), 0, "raw"));
            assertInstanceOf(Welcome.class, raw.next());

            server.withEngineLock(() -> store.failReads = true);
            HttpResponse<String> notReady = get(server, "/readyz");
            assertEquals(503, notReady.statusCode());
            server.withEngineLock(() -> store.failReads = false);
            assertEquals(200, get(server, "/readyz").statusCode());

            HttpResponse<String> metrics = get(server, "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
            String m = metrics.body();
            assertEquals(1.0, metric(m, "synckit_connections_open"));
            assertEquals(1.0, metric(m, "synckit_frames_in_total"));
            assertEquals(1.0, metric(m, "synckit_frames_out_total"));
            assertTrue(metric(m, "synckit_received_bytes_total") > 0);
            assertTrue(metric(m, "synckit_sent_bytes_total") > 0);
            assertEquals(1.0, metric(m, "synckit_storage_errors_total"), "the failed readiness check");
            assertEquals(0.0, metric(m, "synckit_update_latency_seconds_count"));
            assertTrue(m.contains("synckit_update_latency_seconds_bucket{le="), "a histogram");
            raw.ws.abort();
        }
    }

    @Test
    void aServerWithAnEs256PublicKeyAcceptsItsTokensAndTimesUpdates(@TempDir Path dir)
            throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = gen.generateKeyPair();
        Path pem = JwtAuthenticatorTest.pem(dir, keys);
        ServerConfig config = ServerConfig.parse(new String[] {"--port", "0", "--jwt-public-key", pem.toString(),
            "--storage", "memory"}, Map.of());
        try (SyncKitServer server = new SyncKitServer(config, new MemoryServerStore()).start()) {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader(JWSAlgorithm.ES256),
                    JwtAuthenticatorTest.claims(System.currentTimeMillis() + 600_000));
            jwt.sign(new ECDSASigner((ECPrivateKey) keys.getPrivate()));
            PnCounter counter = new PnCounter(531);
            try (WsSyncHost h = new WsSyncHost(server.syncUri(), 531, jwt.serialize())) {
                h.open("es", counter);
                h.start();
                h.await("online", () -> h.client.status() == SyncClient.STATUS_ONLINE);
                h.run(c -> {
                    counter.increment(2);
                    c.localChange("es");
                });
                h.await("acknowledged", () -> h.client.pending() == 0);
            }
            assertEquals(1.0, metric(get(server, "/metrics").body(), "synckit_update_latency_seconds_count"));
            assertEquals(404, get(server, "/dev/token?sub=x").statusCode());
        }
    }

    @Test
    void gracefulShutdownClosesSessionsWith1001() throws Exception {
        SyncKitServer server = new SyncKitServer(ServerConfig.dev("127.0.0.1", 0), new MemoryServerStore()).start();
        RawWs a = RawWs.connect(server.syncUri());
        RawWs b = RawWs.connect(server.syncUri());
        a.send(new Hello(Protocol.VERSION, 511, JwtAuthenticatorTest.token(Map.of(), 0), 0, "raw"));
        a.next(); // UNAUTHENTICATED (another key): closed by the engine, not by the shutdown
        server.close();
        assertEquals(1001, b.awaitClose());
        assertTrue(a.awaitClose() == 1008 || a.awaitClose() == 1001);
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedAndOthersKeepSyncing() throws Exception {
        SyncServer.Options options = new SyncServer.Options();
        try (SyncKitServer server = new SyncKitServer(ServerConfig.dev("127.0.0.1", 0), new MemoryServerStore(),
                1 << 20, options).start()) {
            String token = get(server, "/dev/token?sub=slow").body();
            token = token.substring(10, token.length() - 2);
            RawWs slow = RawWs.connect(server.syncUri());
            slow.readLimit = 2; // Welcome, SyncResponse, then nothing
            slow.send(new Hello(Protocol.VERSION, 521, token, 0, "slow"));
            assertInstanceOf(Welcome.class, slow.next());
            slow.send(new Subscribe(List.of(new DocSubscription("bp", DocType.TEXT, new byte[0]))));
            assertInstanceOf(SyncResponse.class, slow.next());
            java.util.concurrent.CompletableFuture<Void> slowEnded = server.whenConnectionsOfEnd(521);

            TextDoc text = new TextDoc(522);
            try (WsSyncHost writer = new WsSyncHost(server.syncUri(), 522, token)) {
                writer.open("bp", text);
                writer.start();
                writer.await("online", () -> writer.client.status() == SyncClient.STATUS_ONLINE);
                String chunk = "x".repeat(128 << 10);
                // Up to 32 MiB of broadcasts: more than the socket buffers of both ends and the 1 MiB cap.
                // The Ack of an update is sent after its broadcasts were queued, so the cut-off is counted
                // by the time the writer sees the Ack.
                int sent = 0;
                while (metric(get(server, "/metrics").body(), "synckit_slow_consumers_total") == 0) {
                    assertTrue(sent < 256, "the slow client was never cut off");
                    writer.run(c -> {
                        text.insert(0, chunk);
                        c.localChange("bp");
                    });
                    sent++;
                    writer.await("acknowledged", () -> writer.client.pending() == 0);
                }
                assertEquals(1.0, metric(get(server, "/metrics").body(), "synckit_slow_consumers_total"));
                assertTrue(sent > 1, "cut off after " + sent + " updates: the socket buffers should absorb some");
                // The writer goes on: one more update is acknowledged, and the slow one is gone.
                writer.run(c -> {
                    text.insert(0, "y");
                    c.localChange("bp");
                });
                writer.await("acknowledged", () -> writer.client.pending() == 0);
                // The cut-off connection ends asynchronously. Wait for the server's own signal: writer.await
                // only looks again after an event on the writer's socket, and none may come for 15 s.
                slowEnded.get(15, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(1.0, metric(get(server, "/metrics").body(), "synckit_connections_open"),
                        "only the writer is connected");
            }
        }
    }
}
