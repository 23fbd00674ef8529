package io.synckit.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.protocol.DocType;
import io.synckit.core.sync.ServerStore;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability contract under a real crash: a child JVM ({@link SqliteCrashChild}) appends and prints
 * each acknowledged index; after {@link #KILL_AFTER} acknowledgements it is killed with SIGKILL
 * ({@code ProcessHandle.destroyForcibly}) while still appending. Reopening the file must give every acknowledged entry,
 * in order, and nothing but whole entries after them (at most the one in flight). This covers a process
 * crash (the OS keeps its page cache); a power loss is what {@code synchronous=FULL} adds on top, and is
 * not simulated here.
 */
class SqliteCrashTest {
    private static final int KILL_AFTER = 200;
    private static final int N = 1_000_000;

    @TempDir
    Path dir;

    /** The bytes of update {@code i}: varied lengths, so a torn write would show. */
    static byte[] update(int i) {
        byte[] b = new byte[16 + (i * 37) % 3000];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        return b;
    }

    @Test
    void everyAcknowledgedAppendSurvivesAKill9() throws Exception {
        Path file = dir.resolve("synckit.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", classpath(), SqliteCrashChild.class.getName(), file.toString(),
                String.valueOf(N)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int acked = 0;
        long start = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            assertEquals("open", line, "child did not open the store");
            start = System.nanoTime();
            while ((line = r.readLine()) != null) {
                assertEquals(acked + 1, Integer.parseInt(line));
                acked++;
                if (acked == KILL_AFTER) {
                    // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the
                    // pipe, losing lines the child printed (acknowledged) just before it died.
                    p.toHandle().destroyForcibly();
                }
            }
            // EOF: the process is gone; lines it printed before the kill were read too (they were acknowledged).
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not exit");
        }
        double ms = (System.nanoTime() - start) / 1e6;
        System.out.printf("SqliteCrashTest: %d appends acknowledged in %.0f ms (%.0f/s, synchronous=FULL), exit %d%n",
                acked, ms, acked * 1000 / ms, p.exitValue());
        assertTrue(acked >= KILL_AFTER && acked < N, "killed mid-stream: " + acked);

        try (SqliteServerStore store = SqliteServerStore.open(file)) {
            ServerStore.StoredDoc d = store.load("doc");
            assertNotNull(d);
            assertEquals(DocType.TEXT, d.type);
            assertTrue(d.log.size() == acked || d.log.size() == acked + 1,
                    "log has " + d.log.size() + " entries, " + acked + " acknowledged");
            for (int i = 0; i < d.log.size(); i++) {
                assertArrayEquals(update(i + 1), d.log.get(i), "entry " + (i + 1));
            }
            assertEquals(d.log.size(), store.appliedSeq(1), "sequence of the last stored entry");
            store.append("doc", DocType.TEXT, update(d.log.size() + 1), 1, d.log.size() + 1); // still writable
        }
    }

    /**
     * The child's classpath, from where the classes it needs were loaded (Surefire may hand the test JVM a
     * manifest-only jar, so {@code java.class.path} is not used).
     */
    private static String classpath() throws URISyntaxException {
        Set<String> entries = new LinkedHashSet<>();
        List<Class<?>> needed = new ArrayList<>(List.of(SqliteCrashChild.class, SqliteServerStore.class,
                ServerStore.class, org.sqlite.JDBC.class));
        try {
            needed.add(Class.forName("org.slf4j.LoggerFactory")); // sqlite-jdbc logs through slf4j when present
            needed.add(Class.forName("org.slf4j.simple.SimpleLogger"));
        } catch (ClassNotFoundException absent) {
            // not on the test classpath: the child does without
        }
        for (Class<?> c : needed) {
            entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(File.pathSeparator, entries);
    }
}
