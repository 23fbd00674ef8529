import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.*;
import java.util.Arrays;

/**
 * How long one small append + fsync takes on this disk: what SQLite's WAL commit with synchronous=FULL
 * pays per acknowledged update (SqliteServerStore), under the server's engine lock. Usage:
 * `java scripts/probes/FsyncProbe.java DIR [N]` (default N 2000). Prints p50/p95/p99/max in ms.
 */
public class FsyncProbe {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a.length > 0 ? a[0] : System.getProperty("java.io.tmpdir"));
        int n = a.length > 1 ? Integer.parseInt(a[1]) : 2000;
        Path f = Files.createTempFile(dir, "fsync-probe", ".bin");
        long[] t = new long[n];
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.allocate(120); // about one Update row
            for (int i = 0; i < n; i++) {
                b.clear();
                long s = System.nanoTime();
                ch.write(b);
                ch.force(false);
                t[i] = System.nanoTime() - s;
            }
        } finally {
            Files.deleteIfExists(f);
        }
        Arrays.sort(t);
        long total = Arrays.stream(t).sum();
        System.out.printf("fsync of a 120-byte append, %d times in %s: p50 %.2f ms, p95 %.2f, p99 %.2f, max %.2f; %.0f/s if serial%n",
                n, dir, t[n / 2] / 1e6, t[(int) (n * 0.95)] / 1e6, t[(int) (n * 0.99)] / 1e6, t[n - 1] / 1e6, n / (total / 1e9));
    }
}
