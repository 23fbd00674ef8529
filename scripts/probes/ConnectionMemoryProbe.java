import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Protocol;
import java.io.*;
import java.net.*;
import java.net.http.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

/**
 * Resident memory the server adds per open /sync connection (after Hello and Welcome). Usage, with a server
 * started as `java -jar server/target/synckit-server.jar --dev --storage memory --port 18090`:
 * `java -cp core/target/synckit-core-0.1.0-SNAPSHOT.jar scripts/probes/ConnectionMemoryProbe.java 18090 SERVER_PID 2000`.
 * Each connection offers permessage-deflate, as browsers do. Results: docs/benchmarks.md, "Server memory".
 */
public class ConnectionMemoryProbe {
    static long rss(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
        }
        return -1;
    }
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]); long pid = Long.parseLong(a[1]); int n = Integer.parseInt(a[2]);
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/dev/token?sub=m")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String token = body.substring(10, body.length() - 2);
        List<Socket> open = new ArrayList<>();
        // warm-up
        for (int i = 0; i < 200; i++) open.add(connect(port, token, 1_000_000 + i));
        System.gc();
        Thread.sleep(2000);
        long before = rss(pid);
        for (int i = 0; i < n; i++) open.add(connect(port, token, i + 1));
        Thread.sleep(3000);
        long after = rss(pid);
        System.out.println("connections=" + n + " rssBeforeKB=" + before + " rssAfterKB=" + after + " perConnKB=" + (after - before) / (double) n);
        for (Socket s : open) s.close();
    }
    static Socket connect(int port, String token, double replica) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        String req = "GET /sync HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
        OutputStream out = s.getOutputStream();
        out.write(req.getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        // read headers until \r\n\r\n
        int state = 0;
        while (state < 4) { int c = in.read(); if (c < 0) throw new EOFException(); state = (c == (state % 2 == 0 ? '\r' : '\n')) ? state + 1 : (c == '\r' ? 1 : 0); }
        byte[] payload = FrameCodec.encode(new Hello(Protocol.VERSION, replica, token, 0, "measure"));
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x82);
        if (payload.length < 126) f.write(0x80 | payload.length); else { f.write(0x80 | 126); f.write(payload.length >> 8); f.write(payload.length & 255); }
        byte[] mask = {1, 2, 3, 4};
        f.write(mask);
        for (int i = 0; i < payload.length; i++) f.write(payload[i] ^ mask[i % 4]);
        out.write(f.toByteArray());
        out.flush();
        // read the Welcome frame header + some bytes
        int b0 = in.read(); int len = in.read() & 127; for (int i = 0; i < len; i++) in.read();
        return s;
    }
}
