package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real server on a free port, over real HTTP: routes, content types, and what is not served. */
class SyncKitServerTest {
    static SyncKitServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = new SyncKitServer(new ServerConfig("127.0.0.1", 0)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.uri() + path.substring(1))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void healthAnswersOk() throws Exception {
        HttpResponse<byte[]> r = get("/health");
        assertEquals(200, r.statusCode());
        assertEquals("{\"status\":\"ok\"}", new String(r.body()));
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
    }

    @Test
    void servesTheTodoAppAtTheRoot() throws Exception {
        HttpResponse<byte[]> r = get("/");
        assertEquals(200, r.statusCode());
        assertTrue(new String(r.body()).contains("<title>SyncKit todos</title>"));
    }

    @Test
    void servesTheSdkWithTheRightContentTypes() throws Exception {
        HttpResponse<byte[]> wasm = get("/sdk/engine/core.wasm");
        assertEquals(200, wasm.statusCode());
        assertEquals("application/wasm", wasm.headers().firstValue("content-type").orElse(""));
        byte[] magic = {0, 'a', 's', 'm'};
        for (int i = 0; i < 4; i++) {
            assertEquals(magic[i], wasm.body()[i], "wasm magic byte " + i);
        }
        for (String js : new String[] {"/sdk/index.js", "/sdk/core.js", "/sdk/engine/core.js", "/sdk/synckit.js"}) {
            HttpResponse<byte[]> r = get(js);
            assertEquals(200, r.statusCode(), js);
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/javascript"), js);
        }
    }

    @Test
    void noDirectoryListingsAndNoEscapes() throws Exception {
        assertEquals(403, get("/sdk/").statusCode());
        assertEquals(404, get("/nope.html").statusCode());
        int escape = get("/sdk/..%2F..%2Fio/synckit/server/Main.class").statusCode();
        assertTrue(escape == 400 || escape == 404, "path escape answered " + escape);
    }
}
