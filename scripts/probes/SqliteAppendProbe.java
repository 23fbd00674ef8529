import io.synckit.core.counter.PnCounter;
import io.synckit.core.protocol.DocType;
import io.synckit.server.storage.SqliteServerStore;
import java.nio.file.*;
import java.util.Arrays;

/**
 * The server's SQLite store alone: time per durable append of one counter increment (WAL, synchronous=FULL),
 * which the server pays per Update while it holds its one engine lock. Usage (after building the server):
 * `java -cp server/target/synckit-server.jar scripts/probes/SqliteAppendProbe.java [N]` (default 10000;
 * a fresh temp dir, 1,000 docs and 10,000 replicas as in the load benchmark).
 */
public class SqliteAppendProbe {
    public static void main(String[] a) throws Exception {
        int n = a.length > 0 ? Integer.parseInt(a[0]) : 10_000;
        Path dir = Files.createTempDirectory("sqlite-append-probe");
        long[] t = new long[n];
        try (SqliteServerStore store = SqliteServerStore.openInDir(dir)) {
            double[] seq = new double[10_000];
            for (int i = 0; i < n; i++) {
                int replica = (i * 7919) % 10_000; // spread like random writers
                PnCounter c = new PnCounter(replica + 1);
                c.increment(1);
                byte[] data = c.encodeState();
                long s = System.nanoTime();
                store.append("load-" + (replica % 1000), DocType.COUNTER, data, replica + 1, ++seq[replica]);
                t[i] = System.nanoTime() - s;
            }
        }
        Arrays.sort(t);
        long total = Arrays.stream(t).sum();
        System.out.printf("SQLite append, %d times: p50 %.2f ms, p95 %.2f, p99 %.2f, p99.9 %.2f, max %.2f; %.0f/s if serial%n",
                n, t[n / 2] / 1e6, t[(int) (n * 0.95)] / 1e6, t[(int) (n * 0.99)] / 1e6, t[(int) (n * 0.999)] / 1e6,
                t[n - 1] / 1e6, n / (total / 1e9));
    }
}
