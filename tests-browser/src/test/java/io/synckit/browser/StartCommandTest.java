package io.synckit.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the README start command runs: the shaded jar as its own process. It must print its URL and
 * serve a page that loads the SDK in Chromium on both engines.
 */
class StartCommandTest extends BrowserTest {
    static final Path JAR = Paths.get("../server/target/synckit-server.jar");
    static final Pattern URL = Pattern.compile("listening on (http://\\S+)");
    static Process process;
    static String url;

    @BeforeAll
    static void startServerProcess() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is missing; build with mvn -B package");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        // As the README runs it (--dev, default SQLite storage), with the data in a fresh folder.
        Path dataDir = Files.createTempDirectory("synckit-start-command");
        process = new ProcessBuilder(java, "-jar", JAR.toAbsolutePath().toString(), "--dev", "--port", "0",
                "--data-dir", dataDir.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder log = new StringBuilder();
        // Blocks until the server prints its URL, or ends (readLine returns null when the process exits).
        for (String line; (line = out.readLine()) != null; ) {
            log.append(line).append('\n');
            Matcher m = URL.matcher(line);
            if (m.find()) {
                url = m.group(1);
                break;
            }
        }
        assertNotNull(url, "the server printed no URL:\n" + log);
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "server-log-drain");
        drain.setDaemon(true);
        drain.start();
    }

    @AfterAll
    static void stopServerProcess() throws Exception {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }

    @Test
    void servesTheTodoAppThatLoadsBothEngines() {
        for (String[] c : new String[][] {{"", "wasm"}, {"?engine=js", "js"}, {"?engine=wasm", "wasm"}}) {
            List<String> errors = Browser.errors();
            Page p = browser.newPage(errors);
            try {
                p.navigate(url + c[0]);
                Browser.awaitReady(p, errors);
                assertEquals(c[1], p.textContent("#engine"), "engine for '" + c[0] + "'");
                assertEquals(List.of(), errors);
            } finally {
                p.context().close();
            }
        }
    }
}
