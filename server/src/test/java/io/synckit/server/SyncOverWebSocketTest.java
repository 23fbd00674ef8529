package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.counter.PnCounter;
import io.synckit.core.protocol.ErrorCode;
import io.synckit.core.protocol.ErrorMessage;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Protocol;
import io.synckit.core.protocol.Welcome;
import io.synckit.core.sync.MemoryServerStore;
import io.synckit.core.sync.SyncClient;
import io.synckit.core.text.TextDoc;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Core's SyncClient against the real server over real WebSockets (dev mode, in-memory store). */
class SyncOverWebSocketTest {
    static SyncKitServer server;
    static final MemoryServerStore store = new MemoryServerStore();
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = new SyncKitServer(ServerConfig.dev("127.0.0.1", 0), store).start();
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

    static String devToken(String sub) throws Exception {
        HttpResponse<String> r = WsSyncHost.HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "dev/token?sub=" + sub))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String body = r.body();
        assertTrue(body.startsWith("{\"token\":\""), body);
        return body.substring(10, body.length() - 2);
    }

    /** A browser's handshake offers permessage-deflate; the server declines it (memory per connection). */
    @Test
    void theHandshakeDeclinesPerMessageDeflate() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            String request = "GET /sync HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
            List<String> headers = new ArrayList<>();
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                headers.add(line);
            }
            assertTrue(headers.get(0).startsWith("HTTP/1.1 101"), headers.toString());
            assertTrue(headers.stream().noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-extensions")),
                    "no extension accepted: " + headers);
        }
    }

    WsSyncHost client(double replicaId) throws Exception {
        WsSyncHost h = new WsSyncHost(server.syncUri(), replicaId, devToken("user" + (long) replicaId));
        closeAfter.add(h);
        return h;
    }

    @Test
    void twoClientsConvergeOnACounterAndAText() throws Exception {
        WsSyncHost a = client(101);
        WsSyncHost b = client(102);
        PnCounter ca = new PnCounter(101);
        PnCounter cb = new PnCounter(102);
        TextDoc ta = new TextDoc(101);
        TextDoc tb = new TextDoc(102);
        a.open("c1", ca);
        a.open("t1", ta);
        b.open("c1", cb);
        b.open("t1", tb);
        a.start();
        b.start();
        a.await("a online", () -> a.client.status() == SyncClient.STATUS_ONLINE);
        b.await("b online", () -> b.client.status() == SyncClient.STATUS_ONLINE);

        a.run(c -> {
            ca.increment(5);
            c.localChange("c1");
            ta.insert(0, "Hello");
            c.localChange("t1");
        });
        b.run(c -> {
            cb.increment(7);
            c.localChange("c1");
            cb.decrement(2);
            c.localChange("c1");
        });
        a.await("a sees 10", () -> ca.value() == 10);
        b.await("b sees 10 and Hello", () -> cb.value() == 10 && tb.toString().equals("Hello"));
        b.run(c -> {
            tb.insert(5, " world");
            c.localChange("t1");
        });
        a.run(c -> {
            ta.insert(0, ">");
            c.localChange("t1");
        });
        a.await("a converges", () -> ta.toString().equals(">Hello world"));
        b.await("b converges", () -> tb.toString().equals(">Hello world"));
        a.await("a acknowledged", () -> a.client.pending() == 0);
        b.await("b acknowledged", () -> b.client.pending() == 0);
        assertEquals(10.0, a.call(c -> ca.value()));
        assertEquals(10.0, b.call(c -> cb.value()));
    }

    @Test
    void anOfflineClientKeepsItsChangesAndFlushesThemOnReconnect() throws Exception {
        WsSyncHost a = client(201);
        WsSyncHost b = client(202);
        PnCounter ca = new PnCounter(201);
        PnCounter cb = new PnCounter(202);
        a.open("c2", ca);
        b.open("c2", cb);
        a.start();
        b.start();
        a.await("a online", () -> a.client.status() == SyncClient.STATUS_ONLINE);
        b.await("b online", () -> b.client.status() == SyncClient.STATUS_ONLINE);

        a.setNetworkUp(false);
        assertEquals(1, server.closeConnectionsOf(201));
        a.await("a offline", () -> a.client.status() != SyncClient.STATUS_ONLINE);
        for (int i = 0; i < 3; i++) {
            a.run(c -> {
                ca.increment(1);
                c.localChange("c2");
            });
        }
        assertEquals(3, a.call(SyncClient::pending));
        b.run(c -> {
            cb.increment(100);
            c.localChange("c2");
        });
        b.await("b acknowledged", () -> b.client.pending() == 0);
        assertEquals(100.0, b.call(c -> cb.value()), "b must not see a's offline changes yet");
        assertEquals(3.0, a.call(c -> ca.value()));

        a.setNetworkUp(true); // the client's own backoff reconnects it
        a.await("a flushed its outbox", () -> a.client.status() == SyncClient.STATUS_ONLINE && a.client.pending() == 0);
        b.await("b sees a's offline changes", () -> cb.value() == 103);
        a.await("a sees b's change", () -> ca.value() == 103);
    }

    @Test
    void aClientSendingGarbageIsCutOffWhileOthersKeepSyncing() throws Exception {
        WsSyncHost a = client(301);
        WsSyncHost b = client(302);
        PnCounter ca = new PnCounter(301);
        PnCounter cb = new PnCounter(302);
        a.open("c3", ca);
        b.open("c3", cb);
        a.start();
        b.start();
        a.await("a online", () -> a.client.status() == SyncClient.STATUS_ONLINE);
        b.await("b online", () -> b.client.status() == SyncClient.STATUS_ONLINE);

        RawWs bad = RawWs.connect(server.syncUri());
        bad.send(new Hello(Protocol.VERSION, 399, devToken("mallory"), 0, "raw"));
        assertInstanceOf(Welcome.class, bad.next());
        bad.send(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02});
        ErrorMessage e = assertInstanceOf(ErrorMessage.class, bad.next());
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code);
        assertTrue(e.fatal);
        assertEquals(1008, bad.awaitClose());

        a.run(c -> {
            ca.increment(4);
            c.localChange("c3");
        });
        b.await("b still syncs", () -> cb.value() == 4);
    }

    @Test
    void garbageBeforeHelloAndTextMessagesAreRefused() throws Exception {
        RawWs raw = RawWs.connect(server.syncUri());
        raw.send(new byte[] {0x00});
        assertEquals(ErrorCode.MALFORMED_FRAME, assertInstanceOf(ErrorMessage.class, raw.next()).code);
        assertEquals(1008, raw.awaitClose());

        RawWs text = RawWs.connect(server.syncUri());
        text.ws.sendText("hello", true).get();
        assertEquals(1003, text.awaitClose());
    }

    @Test
    void aFrameOverTheLimitClosesTheConnection() throws Exception {
        RawWs raw = RawWs.connect(server.syncUri());
        raw.send(new byte[(1 << 20) + 1]);
        assertEquals(1009, raw.awaitClose());
    }
}
