package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.counter.PnCounter;
import io.synckit.core.sync.SyncClient;
import io.synckit.core.text.TextDoc;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Durability across a hard crash: the server runs as its own JVM (from the test classpath, with SQLite in a
 * temp folder), a client streams changes, the process is SIGKILLed while changes are in flight, and a
 * restarted server on the same data dir must still have every change it acknowledged, and must end with
 * every change exactly once once the client resends its outbox.
 */
class ServerCrashTest {
    static final Pattern URL = Pattern.compile("listening on (http://\\S+)");
    static final int ACKED_BEFORE_KILL = 200;

    final List<ServerProcess> servers = new ArrayList<>();
    final List<AutoCloseable> hosts = new ArrayList<>();
    Path dataDir;

    /** One server process; its output goes to {@link #log}. */
    static final class ServerProcess {
        final Process process;
        final StringBuffer log = new StringBuffer();
        final URI uri;

        ServerProcess(Path dataDir, String... extraArgs) throws Exception {
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("java.class.path");
            assertTrue(cp != null && !cp.isEmpty(), "no java.class.path to start the server from");
            List<String> command = new ArrayList<>(List.of(java, "-cp", cp, "io.synckit.server.Main", "--dev",
                    "--port", "0", "--data-dir", dataDir.toString()));
            command.addAll(List.of(extraArgs));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<String> url = new CompletableFuture<>();
            Thread drain = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        log.append(line).append('\n');
                        Matcher m = URL.matcher(line);
                        if (m.find()) {
                            url.complete(m.group(1));
                        }
                    }
                } catch (Exception e) {
                    log.append("(log reader: ").append(e).append(")\n");
                }
                url.completeExceptionally(new IllegalStateException("the server exited without printing its URL"));
            }, "server-log-drain");
            drain.setDaemon(true);
            drain.start();
            String u;
            try {
                u = url.get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
                throw new AssertionError("the server did not start (" + e + "); log:\n" + log, e);
            }
            uri = URI.create(u.endsWith("/") ? u : u + "/");
        }

        URI syncUri() {
            return URI.create("ws://" + uri.getAuthority() + "/sync");
        }

        String devToken(String sub) throws Exception {
            HttpResponse<String> r = WsSyncHost.HTTP.send(HttpRequest.newBuilder(uri.resolve("dev/token?sub=" + sub))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            String body = r.body();
            assertTrue(body.startsWith("{\"token\":\""), body);
            return body.substring(10, body.length() - 2);
        }

        void kill() throws Exception {
            process.toHandle().destroyForcibly();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the killed server did not exit");
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable h : hosts) {
            h.close();
        }
        for (ServerProcess s : servers) {
            s.process.destroyForcibly();
            s.process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    ServerProcess startServer() throws Exception {
        ServerProcess s = new ServerProcess(dataDir);
        servers.add(s);
        return s;
    }

    WsSyncHost host(URI syncUri, double replicaId, String token) {
        WsSyncHost h = new WsSyncHost(syncUri, replicaId, token);
        hosts.add(h);
        return h;
    }

    static String marker(int i) {
        return "<" + i + ">";
    }

    @Test
    void everyAcknowledgedChangeSurvivesASigkillAndNothingIsAppliedTwice() throws Throwable {
        dataDir = Files.createTempDirectory("synckit-crash");
        try {
            run();
        } catch (Throwable t) {
            StringBuilder why = new StringBuilder("data dir: " + dataDir + "\n");
            for (int i = 0; i < servers.size(); i++) {
                why.append("---- server ").append(i + 1).append(" log ----\n").append(servers.get(i).log);
            }
            System.err.println(why);
            throw new AssertionError(t.getMessage() + "\n" + why, t);
        }
        cleanUp(); // the processes must be gone before their data dir is deleted
        servers.clear();
        hosts.clear();
        try (var files = Files.walk(dataDir)) { // kept when the test fails, for a look
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private void run() throws Exception {
        Path dir = dataDir;
        ServerProcess first = startServer();
        WsSyncHost a = host(first.syncUri(), 1, first.devToken("alice"));
        PnCounter ca = new PnCounter(1);
        TextDoc ta = new TextDoc(1);
        a.open("crash-counter", ca);
        a.open("crash-text", ta);
        a.start();
        a.await("a online", () -> a.client.status() == SyncClient.STATUS_ONLINE);

        // Every change is one outbox entry; the outbox is FIFO, so the first (made - pending) are acknowledged.
        // amounts.get(i) is change i's increment (0 for a text change, whose marker is marker(i)).
        List<Integer> amounts = new ArrayList<>();
        int[] made = {0};
        while (true) {
            a.run(c -> {
                for (int k = 0; k < 10; k++) {
                    int i = made[0]++;
                    if (i % 2 == 0) {
                        int amount = 1 + i % 7;
                        ca.increment(amount);
                        c.localChange("crash-counter");
                        amounts.add(amount);
                    } else {
                        ta.insert(ta.length(), marker(i));
                        c.localChange("crash-text");
                        amounts.add(0);
                    }
                }
            });
            int pending = a.call(SyncClient::pending);
            int acked = made[0] - pending;
            if (acked >= ACKED_BEFORE_KILL && pending > 0) {
                break;
            }
            assertTrue(made[0] < 20_000, "the server acknowledged only " + acked + " of " + made[0] + " changes");
            if (pending > 60) { // keep some in flight, but do not run far ahead of the server
                a.await("acknowledgements", () -> a.client.pending() <= 30, Duration.ofSeconds(10));
            }
        }
        first.kill();
        a.setNetworkUp(false); // stays away until the restarted server was checked
        a.await("a notices the crash", () -> a.client.status() != SyncClient.STATUS_ONLINE, Duration.ofSeconds(10));
        int total = made[0];
        int pendingAfterKill = a.call(SyncClient::pending);
        int ackedCount = total - pendingAfterKill; // acks received before the connection died
        assertTrue(pendingAfterKill > 0, "nothing was in flight at the kill");
        long ackedSum = 0;
        long totalSum = 0;
        for (int i = 0; i < total; i++) {
            if (i < ackedCount) {
                ackedSum += amounts.get(i);
            }
            totalSum += amounts.get(i);
        }
        System.out.println("ServerCrashTest: " + total + " changes made, " + ackedCount + " acknowledged before the kill, "
                + pendingAfterKill + " in flight; data dir " + dir);

        ServerProcess second = startServer();
        WsSyncHost b = host(second.syncUri(), 2, second.devToken("bob"));
        PnCounter cb = new PnCounter(2);
        TextDoc tb = new TextDoc(2);
        b.open("crash-counter", cb);
        b.open("crash-text", tb);
        b.start();
        b.await("b online", () -> b.client.status() == SyncClient.STATUS_ONLINE);
        long ackedSumF = ackedSum;
        int ackedCountF = ackedCount;
        // (1) Everything acknowledged before the kill is on the restarted server, before a resends anything.
        b.await("b has every acknowledged change", () -> {
            if (cb.value() < ackedSumF) {
                return false;
            }
            String text = tb.toString();
            for (int i = 1; i < ackedCountF; i += 2) {
                if (!text.contains(marker(i))) {
                    return false;
                }
            }
            return true;
        }, Duration.ofSeconds(10));
        String textAfterRestart = b.call(c -> tb.toString());
        double counterAfterRestart = b.call(c -> cb.value());
        System.out.println("ServerCrashTest: after the restart the server has counter " + counterAfterRestart
                + " (acknowledged " + ackedSum + ", all " + totalSum + ")");

        // (2) a reconnects to the restarted server and resends its outbox: everything, exactly once.
        a.setUri(second.syncUri());
        String aliceToken = second.devToken("alice"); // dev tokens die with the process that signed them
        a.run(c -> c.setToken(aliceToken));
        a.setNetworkUp(true);
        a.await("a drained its outbox", () -> a.client.status() == SyncClient.STATUS_ONLINE && a.client.pending() == 0,
                Duration.ofSeconds(10));
        long totalSumF = totalSum;
        b.await("b has every change", () -> cb.value() == totalSumF, Duration.ofSeconds(10));
        assertEquals((double) totalSum, a.call(c -> ca.value()), "a's counter");
        assertEquals((double) totalSum, b.call(c -> cb.value()), "b's counter: every increment exactly once");
        String expected = a.call(c -> ta.toString());
        b.await("b's text converges", () -> tb.toString().equals(expected), Duration.ofSeconds(10));
        String text = b.call(c -> tb.toString());
        for (int i = 1; i < total; i += 2) {
            String m = marker(i);
            int at = text.indexOf(m);
            assertTrue(at >= 0, "text marker " + m + " missing");
            assertEquals(-1, text.indexOf(m, at + 1), "text marker " + m + " twice");
        }
        assertTrue(textAfterRestart.length() <= text.length());
        assertEquals(List.of(), a.call(c -> new ArrayList<>(a.errors)), "a's errors");
        assertEquals(List.of(), b.call(c -> new ArrayList<>(b.errors)), "b's errors");
    }
}
