package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.counter.PnCounter;
import io.synckit.core.protocol.DocSubscription;
import io.synckit.core.protocol.DocType;
import io.synckit.core.protocol.ErrorCode;
import io.synckit.core.protocol.ErrorMessage;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Protocol;
import io.synckit.core.protocol.Subscribe;
import io.synckit.core.protocol.SyncResponse;
import io.synckit.core.protocol.Welcome;
import io.synckit.core.sync.MemoryServerStore;
import io.synckit.core.sync.SyncClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A production-mode server (HS256 key, no --dev, an Origin list) over real WebSockets. */
class AuthOverWebSocketTest {
    static final String SECRET = "test-secret-test-secret-test-secret!";
    static SyncKitServer server;
    static final MemoryServerStore store = new MemoryServerStore();
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ServerConfig config = ServerConfig.parse(new String[] {"--port", "0", "--jwt-secret", SECRET,
            "--allowed-origins", "https://app.example", "--storage", "memory"}, Map.of());
        server = new SyncKitServer(config, store).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    static String token(String sub, Map<String, String> docs, long expiresAt) {
        return JwtAuthenticator.signHs256(SECRET.getBytes(StandardCharsets.UTF_8), sub, docs, expiresAt);
    }

    static String token(Map<String, String> docs) {
        return token("u", docs, System.currentTimeMillis() + 600_000);
    }

    WsSyncHost client(double replicaId, String token) {
        WsSyncHost h = new WsSyncHost(server.syncUri(), replicaId, token);
        closeAfter.add(h);
        return h;
    }

    WsSyncHost online(double replicaId, String token, String docId, PnCounter doc) {
        WsSyncHost h = client(replicaId, token);
        h.open(docId, doc);
        h.start();
        h.await("online", () -> h.client.status() == SyncClient.STATUS_ONLINE);
        return h;
    }

    @Test
    void badAndExpiredTokensAreRefusedAtHello() {
        for (String bad : new String[] {"garbage", token("u", Map.of("*", "write"), System.currentTimeMillis() - 300_000),
            JwtAuthenticator.signHs256("another-key-another-key-another-key".getBytes(StandardCharsets.UTF_8), "u",
                    Map.of("*", "write"), System.currentTimeMillis() + 600_000)}) {
            WsSyncHost h = client(401, bad);
            h.open("x", new PnCounter(401));
            h.start();
            h.await("stopped", () -> h.client.status() == SyncClient.STATUS_STOPPED);
            assertTrue(h.hasError(ErrorCode.UNAUTHENTICATED), bad);
        }
    }

    /**
     * A token that expires while its connection is open: the idle subscriber is cut within about a second
     * (the server's sweep), told UNAUTHENTICATED, and gets none of the updates made after that.
     */
    @Test
    void aTokenExpiringMidConnectionEndsItAndNothingMoreIsReceived() throws Exception {
        // Hello allows the clock skew: exp this far in the past leaves the token 1 to 2 s of life (JWT
        // times are whole seconds).
        long exp = (System.currentTimeMillis() / 1000 - JwtAuthenticator.CLOCK_SKEW_SECONDS + 2) * 1000;
        PnCounter ce = new PnCounter(421);
        PnCounter cw = new PnCounter(422);
        WsSyncHost expiring = online(421, token("short-lived", Map.of("exp-doc", "read"), exp), "exp-doc", ce);
        WsSyncHost w = online(422, token(Map.of("*", "write")), "exp-doc", cw);
        w.run(c -> {
            cw.increment(1);
            c.localChange("exp-doc");
        });
        expiring.await("the reader sees the first update", () -> ce.value() == 1);
        expiring.await("cut at expiry", () -> expiring.client.status() == SyncClient.STATUS_STOPPED,
                java.time.Duration.ofSeconds(10));
        assertTrue(expiring.hasError(ErrorCode.UNAUTHENTICATED));
        assertTrue(System.currentTimeMillis() >= exp + JwtAuthenticator.CLOCK_SKEW_SECONDS * 1000, "not before expiry");
        w.run(c -> {
            cw.increment(10);
            c.localChange("exp-doc");
        });
        w.await("acknowledged", () -> w.client.pending() == 0);
        // The writer's own connection, still valid, proves the update went out; the expired reader's did not.
        assertEquals(1.0, expiring.call(c -> ce.value()), "nothing reaches a connection after its token expired");
        String metrics = WsSyncHost.HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("synckit_tokens_expired_total 1.0"), metrics);
    }

    @Test
    void aReadOnlyGrantsUpdateIsForbiddenAndNotApplied() throws Exception {
        PnCounter cw = new PnCounter(411);
        PnCounter cr = new PnCounter(412);
        WsSyncHost w = online(411, token(Map.of("*", "write")), "ro", cw);
        WsSyncHost r = online(412, token(Map.of("ro", "read")), "ro", cr);
        w.run(c -> {
            cw.increment(5);
            c.localChange("ro");
        });
        r.await("reader sees 5", () -> cr.value() == 5);
        r.run(c -> {
            cr.increment(100);
            c.localChange("ro");
        });
        r.await("refused and acknowledged", () -> r.client.pending() == 0);
        assertTrue(r.hasError(ErrorCode.FORBIDDEN));
        w.run(c -> {
            cw.increment(1);
            c.localChange("ro");
        });
        w.await("writer acknowledged", () -> w.client.pending() == 0);
        assertEquals(6.0, w.call(c -> cw.value()), "the writer never sees the refused change");
        assertEquals(2, (int) server.withEngineLock(() -> store.load("ro").log.size()), "only the writer's updates are stored");
        PnCounter fresh = new PnCounter(413);
        WsSyncHost f = online(413, token(Map.of("*", "read")), "ro", fresh);
        f.await("a new reader sees 6", () -> fresh.value() == 6);
    }

    @Test
    void aClientNeverReceivesADocumentItMayNotRead() throws Exception {
        PnCounter wSecret = new PnCounter(421);
        PnCounter wTodo = new PnCounter(421);
        WsSyncHost w = online(421, token(Map.of("*", "write")), "secret", wSecret);
        w.open("todo-1", wTodo);
        PnCounter sSecret = new PnCounter(422);
        PnCounter sTodo = new PnCounter(422);
        WsSyncHost s = client(422, token(Map.of("todo-*", "write")));
        s.open("secret", sSecret);
        s.open("todo-1", sTodo);
        s.start();
        s.await("forbidden to subscribe", () -> s.errorCodes.stream().anyMatch(e -> e[0] == ErrorCode.FORBIDDEN));

        w.run(c -> {
            wSecret.increment(9);
            c.localChange("secret");
            wTodo.increment(1);
            c.localChange("todo-1");
        });
        // Frames on one socket arrive in order: once the later todo-1 change arrived, a broadcast of the
        // secret (sent before it) would have too.
        s.await("sees todo-1", () -> sTodo.value() == 1);
        assertEquals(0.0, s.call(c -> sSecret.value()));

        RawWs raw = RawWs.connect(server.syncUri());
        raw.send(new Hello(Protocol.VERSION, 423, token(Map.of("todo-*", "read")), 0, "raw"));
        assertInstanceOf(Welcome.class, raw.next());
        raw.send(new Subscribe(List.of(new DocSubscription("secret", DocType.COUNTER, new byte[0]),
                new DocSubscription("todo-1", DocType.COUNTER, new byte[0]))));
        ErrorMessage e = assertInstanceOf(ErrorMessage.class, raw.next());
        assertEquals(ErrorCode.FORBIDDEN, e.code);
        assertEquals("secret", e.docId);
        assertFalse(e.fatal);
        assertEquals("todo-1", assertInstanceOf(SyncResponse.class, raw.next()).docId);
        raw.ws.abort();
    }

    @Test
    void originsAreChecked() throws Exception {
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> RawWs.connect(server.syncUri(), "https://evil.example"));
        WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
        assertEquals(403, h.getResponse().statusCode());
        RawWs.connect(server.syncUri(), "https://app.example").ws.abort();
        String own = "http://127.0.0.1:" + server.port();
        RawWs.connect(server.syncUri(), own).ws.abort();
        RawWs.connect(server.syncUri()).ws.abort(); // no Origin: not a browser
    }

    @Test
    void devTokensOnlyWithDev() throws Exception {
        HttpResponse<String> r = WsSyncHost.HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "dev/token?sub=x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertNotNull(server);
    }
}
