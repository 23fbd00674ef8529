package io.synckit.loadtest;

import io.synckit.core.counter.PnCounter;
import io.synckit.core.protocol.Ack;
import io.synckit.core.protocol.Broadcast;
import io.synckit.core.protocol.DocSubscription;
import io.synckit.core.protocol.DocType;
import io.synckit.core.protocol.ErrorMessage;
import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Message;
import io.synckit.core.protocol.Ping;
import io.synckit.core.protocol.Protocol;
import io.synckit.core.protocol.Subscribe;
import io.synckit.core.protocol.SyncResponse;
import io.synckit.core.protocol.Update;
import io.synckit.core.protocol.Welcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Server load benchmark on loopback: opens N WebSockets (each subscribed to one PnCounter document), then
 * sends a fixed rate of counter increments from random connections and measures how long each takes to
 * reach every other subscriber of its document (fan-out latency), the writer's Ack latency, the server's
 * frames/s, RSS per connection, CPU and threads. Bounded in count and time. Usage: {@code --help};
 * normally run through scripts/load-bench.sh. Results: docs/benchmarks.md, "Server load".
 */
public final class LoadBench {
    static final String USAGE = """
            usage: java -jar loadtest/target/loadbench.jar [options]
              --start-server         spawn java -jar SERVER_JAR --dev on 127.0.0.1, port 0 (default when no --url)
              --server-jar PATH      default server/target/synckit-server.jar
              --server-jvm-opt OPT   extra JVM option for the spawned server (repeatable), e.g. -Xlog:gc:file=gc.log
              --storage sqlite|memory  the spawned server's storage (default sqlite, in a fresh temp dir)
              --url ws://127.0.0.1:PORT/sync  use a running --dev server instead (no RSS/CPU figures)
              --server-pid PID       with --url: read RSS/CPU/threads of this process
              --connections N        default 10000
              --docs N               default 1000 (connection i subscribes to doc i % docs)
              --rate N               updates per second, all writers together (default 1000)
              --duration S           seconds of steady sending (default 30)
              --ramp N               connections opened per second (default 500)
              --seed N               writer choice (default: time-based, printed)
              --warmup S             seconds of sending at --rate before measuring, not recorded (default 5)
              --drain S              seconds to wait for the last broadcasts (default 10)
            exit: 0 run completed (targets met or not), 1 errors (lost broadcasts, dropped connections,
                  watchdog), 2 not attempted (fd limit, server did not start)
            """;

    /** Targets from the issue. */
    static final int TARGET_CONNECTIONS = 10_000;
    static final double TARGET_P95_MS = 50;

    /** Run parameters. */
    public static final class Options {
        public String url;
        public boolean startServer;
        public Path serverJar = Path.of("server/target/synckit-server.jar");
        public List<String> serverJvmOpts = new ArrayList<>();
        public String storage = "sqlite";
        public long serverPid = -1;
        public int connections = 10_000;
        public int docs = 1000;
        public int rate = 1000;
        public int duration = 30;
        public int ramp = 500;
        public long seed = System.nanoTime() & 0xffff_ffffL;
        public int drain = 10;
        /** Seconds of sending before the measured phase, not recorded (JIT, connection pools, page cache). */
        public int warmup = 5;
        /** Where progress and the report go. */
        public PrintStream out = System.out;

        long rampTimeoutSeconds() {
            return (connections + ramp - 1) / Math.max(1, ramp) + 60L + warmup;
        }

        static Options parse(String[] args) {
            Options o = new Options();
            boolean urlGiven = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    throw new IllegalArgumentException("");
                }
                if (a.equals("--start-server")) {
                    o.startServer = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--url" -> {
                        o.url = v;
                        urlGiven = true;
                    }
                    case "--server-jar" -> o.serverJar = Path.of(v);
                    case "--server-jvm-opt" -> o.serverJvmOpts.add(v);
                    case "--storage" -> o.storage = v;
                    case "--server-pid" -> o.serverPid = Long.parseLong(v);
                    case "--connections" -> o.connections = positive(a, v);
                    case "--docs" -> o.docs = positive(a, v);
                    case "--rate" -> o.rate = positive(a, v);
                    case "--duration" -> o.duration = positive(a, v);
                    case "--ramp" -> o.ramp = positive(a, v);
                    case "--seed" -> o.seed = Long.parseLong(v);
                    case "--drain" -> o.drain = positive(a, v);
                    case "--warmup" -> o.warmup = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (!urlGiven) {
                o.startServer = true;
            }
            if (o.startServer && urlGiven) {
                throw new IllegalArgumentException("give --url or --start-server, not both");
            }
            if (!o.storage.equals("sqlite") && !o.storage.equals("memory")) {
                throw new IllegalArgumentException("--storage must be sqlite or memory, got " + o.storage);
            }
            if (o.docs > o.connections) {
                throw new IllegalArgumentException("--docs must be at most --connections (each doc needs subscribers)");
            }
            return o;
        }

        private static int positive(String name, String v) {
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, got " + v);
            }
            if (n <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + v);
            }
            return n;
        }
    }

    /** What a run measured. Latencies in microseconds. */
    public static final class Result {
        public int attempted;
        public int held;
        public int failedToOpen;
        public double rampSeconds;
        public long updatesSent;
        /** Of updatesSent, not in the latency histograms. */
        public long warmupUpdates;
        public long broadcastsExpected;
        public long broadcastsReceived;
        public long unmatchedBroadcasts;
        public long acksExpected;
        public long acksReceived;
        public long errorFrames;
        public int closedDuringRun;
        public long pingsSent;
        public double steadySeconds;
        public final Histogram fanout = new SynchronizedHistogram(TimeUnit.MINUTES.toMicros(2), 3);
        public final Histogram ack = new SynchronizedHistogram(TimeUnit.MINUTES.toMicros(2), 3);
        /** The server's histogram of time per Update frame over the measured phase, as text. */
        public String serverUpdate = "unknown";
        /** The group commits over the measured phase (latency percentiles, updates per commit), as text. */
        public String serverCommit = "none (no synckit_commit_latency_seconds in /metrics)";
        public double framesInPerSec = Double.NaN;
        public double framesOutPerSec = Double.NaN;
        public long rssIdleKb = -1;
        public long rssConnectedKb = -1;
        public long rssEndKb = -1;
        public double serverCpuPercent = Double.NaN;
        public double clientCpuPercent = Double.NaN;
        public long serverThreadsIdle = -1;
        public long serverThreadsConnected = -1;
        public String loadBefore = "?";
        public String loadAfter = "?";
        /** Linux PSI at the end of the measured phase: share of time tasks waited for CPU / for I/O. */
        public String pressure = "?";
        /** Added to from Jetty's threads, the timer and the watchdog. */
        public final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        public boolean watchdogFired;

        public boolean failed() {
            return watchdogFired || broadcastsReceived < broadcastsExpected || acksReceived < acksExpected
                    || errorFrames > 0 || closedDuringRun > 0;
        }
    }

    private final Options o;
    final Result r = new Result();
    private Process server;
    /** The spawned server's data dir and log; deleted after a clean run, kept for a look after errors. */
    private Path serverDir;
    private long serverPid = -1;
    private URI syncUri;
    private URI httpBase;
    private WebSocketClient client;
    private final List<Conn> conns = new ArrayList<>();
    /** doc index -> its connections (indexes i with i % docs == doc). */
    private List<List<Conn>> byDoc;
    /** Update data bytes (unique: replica id and counter seq) -> send time; Broadcasts carry the same bytes. */
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong errorFrames = new AtomicLong();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicLong pings = new AtomicLong();
    /** Sends before this System.nanoTime are warm-up: delivered and counted, but not in the histograms. */
    private volatile long measureFrom = Long.MAX_VALUE;
    /** Counts closes/errors only after the ramp, when every held connection is expected to stay. */
    private volatile boolean running;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loadbench-timer");
        t.setDaemon(true);
        return t;
    });
    private final long replicaBase = (System.currentTimeMillis() % 1_000_000_000L) * 100_000L;

    LoadBench(Options o) {
        this.o = o;
    }

    public static void main(String[] args) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("loadbench: " + e.getMessage());
            }
            System.err.print(USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        String fdProblem = fdLimitProblem(o.connections);
        if (fdProblem != null) {
            System.err.println("loadbench: " + fdProblem);
            System.exit(2);
            return;
        }
        LoadBench b = new LoadBench(o);
        long watchdogSeconds = o.rampTimeoutSeconds() + o.duration + o.drain + 60;
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(watchdogSeconds));
            } catch (InterruptedException e) {
                return;
            }
            b.r.watchdogFired = true;
            b.r.errors.add("watchdog: the run did not finish within " + watchdogSeconds + " s");
            System.out.println("\nWATCHDOG: the run did not finish within " + watchdogSeconds + " s; what it has:");
            try {
                b.collectCounts();
                b.printReport();
            } finally {
                b.killServer();
                Runtime.getRuntime().halt(1);
            }
        }, "loadbench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        int code;
        try {
            code = b.run();
        } catch (Exception e) {
            e.printStackTrace();
            code = 1;
        }
        b.killServer();
        System.exit(code);
    }

    /** Runs and prints the report; the exit code. Public for the smoke test. */
    public static Result runForTest(Options o) throws Exception {
        LoadBench b = new LoadBench(o);
        try {
            int code = b.run();
            if (code == 2) {
                throw new IllegalStateException("run not attempted: " + b.r.errors);
            }
        } finally {
            b.killServer();
        }
        return b.r;
    }

    /** Null when this process may open enough sockets; else what to do. */
    static String fdLimitProblem(int connections) {
        long need = connections + 512L; // sockets, plus jars, epoll, pipes and the JVM's own files
        long soft = -1;
        long hard = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    soft = f[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[0]);
                    hard = f[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null; // not Linux: let the run find out
        }
        if (soft < 0 || soft >= need) {
            return null;
        }
        String fix = hard >= need
                ? "run 'ulimit -n " + need + "' in this shell first (the hard limit is " + hard + "), or use scripts/load-bench.sh, which does"
                : "the hard limit is " + hard + ": raise it (as root: 'ulimit -Hn " + need + "', or nofile in "
                        + "/etc/security/limits.conf) or use fewer --connections (at most " + (hard - 512) + ")";
        return "the open-file limit (ulimit -n) is " + soft + ", too low for " + connections
                + " connections (the client and the spawned server each need about " + need + "): " + fix;
    }

    int run() throws Exception {
        PrintStream out = o.out;
        r.attempted = o.connections;
        r.loadBefore = loadAverage();
        out.printf("loadbench: %d connections, %d docs, %d updates/s for %d s, ramp %d/s, seed %d, storage %s%n",
                o.connections, o.docs, o.rate, o.duration, o.ramp, o.seed, o.startServer ? o.storage : "(--url)");
        out.println("loadbench: load average before: " + r.loadBefore);
        if (o.startServer) {
            if (!startServer()) {
                return 2;
            }
        } else {
            syncUri = URI.create(o.url);
            httpBase = URI.create("http" + o.url.substring(2, o.url.indexOf('/', o.url.indexOf("//") + 2)) + "/");
            serverPid = o.serverPid;
        }
        String token;
        try {
            token = devToken();
        } catch (Exception e) {
            r.errors.add("cannot get a dev token from " + httpBase + "dev/token: " + e);
            out.println("loadbench: " + r.errors.get(r.errors.size() - 1));
            return 2;
        }
        r.rssIdleKb = procStatus("VmRSS");
        r.serverThreadsIdle = procStatus("Threads");

        startClient();
        createConns(token);
        // From the start: a slow ramp must not leave the first connections silent past the idle timeout.
        timer.scheduleAtFixedRate(this::pingIdle, 1, 1, TimeUnit.SECONDS);
        rampUp();
        running = true;
        r.rssConnectedKb = procStatus("VmRSS");
        r.serverThreadsConnected = procStatus("Threads");
        out.printf("loadbench: %d of %d connections held after %.1f s (RSS %d KB -> %d KB)%n",
                ready.get(), o.connections, r.rampSeconds, r.rssIdleKb, r.rssConnectedKb);

        if (ready.get() > 0) {
            steady();
        } else {
            r.errors.add("no connection was opened");
        }
        collectCounts();
        r.loadAfter = loadAverage();
        r.rssEndKb = procStatus("VmRSS");
        printReport();
        running = false;
        shutdownClient();
        return r.failed() ? 1 : 0;
    }

    // ---- server process ----

    private boolean startServer() throws Exception {
        PrintStream out = o.out;
        if (!Files.isRegularFile(o.serverJar)) {
            r.errors.add("server jar " + o.serverJar.toAbsolutePath() + " is missing: build it with "
                    + "'mvn -B -DskipTests package -pl server -am' or use scripts/load-bench.sh");
            out.println("loadbench: " + r.errors.get(0));
            return false;
        }
        Path dataDir = Files.createTempDirectory("synckit-loadbench-");
        serverDir = dataDir;
        Path log = dataDir.resolve("server.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(o.serverJvmOpts);
        cmd.addAll(List.of("-jar", o.serverJar.toString(), "--dev", "--host", "127.0.0.1", "--port", "0",
                "--data-dir", dataDir.toString(), "--storage", o.storage));
        out.println("loadbench: starting " + String.join(" ", cmd));
        server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        serverPid = server.pid();
        CompletableFuture<String> listening = new CompletableFuture<>();
        Pattern p = Pattern.compile("listening on (http://[^\\s]+/)");
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                 var w = Files.newBufferedWriter(log)) {
                String line;
                while ((line = in.readLine()) != null) {
                    w.write(line);
                    w.newLine();
                    w.flush();
                    Matcher m = p.matcher(line);
                    if (m.find()) {
                        listening.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            listening.completeExceptionally(new IOException("the server's output ended (did it exit?)"));
        }, "loadbench-server-log");
        reader.setDaemon(true);
        reader.start();
        String base;
        try {
            base = listening.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            r.errors.add("the server did not start (" + e.getMessage() + "); its log: " + log);
            out.println("loadbench: " + r.errors.get(0));
            return false;
        }
        httpBase = URI.create(base);
        syncUri = URI.create("ws" + base.substring(4) + "sync");
        out.println("loadbench: server pid " + serverPid + " at " + base + " (log " + log + ")");
        return true;
    }

    void killServer() {
        Process s = server;
        if (s == null) {
            return;
        }
        s.destroy();
        try {
            if (!s.waitFor(10, TimeUnit.SECONDS)) {
                s.destroyForcibly();
                s.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            s.destroyForcibly();
        }
        if (serverDir != null && !r.failed() && r.errors.isEmpty()) {
            try (var files = Files.walk(serverDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temp dir: the OS cleans it up eventually
            }
        } else if (serverDir != null) {
            o.out.println("loadbench: the server's data and log are kept in " + serverDir);
        }
    }

    private String devToken() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String body = http.send(HttpRequest.newBuilder(httpBase.resolve("/dev/token?sub=loadbench"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
        if (!m.find()) {
            throw new IOException("unexpected answer: " + body);
        }
        return m.group(1);
    }

    private Map<String, Double> metrics() {
        Map<String, Double> m = new HashMap<>();
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(httpBase.resolve("/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                int sp = line.lastIndexOf(' ');
                String name = line.substring(0, sp);
                int brace = name.indexOf('{');
                double v = Double.parseDouble(line.substring(sp + 1));
                if (brace >= 0) {
                    m.put(name, v); // with labels: histogram buckets
                }
                m.merge(brace < 0 ? name : name.substring(0, brace), v, Double::sum);
            }
        } catch (Exception e) {
            r.errors.add("cannot read /metrics: " + e);
        }
        return m;
    }

    /** A field of /proc/PID/status in its unit (kB for Vm*), -1 when unknown. */
    private long procStatus(String field) {
        if (serverPid <= 0) {
            return -1;
        }
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
                if (l.startsWith(field + ":")) {
                    return Long.parseLong(l.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or gone
        }
        return -1;
    }

    /** utime + stime of the server in clock ticks (USER_HZ, 100 on Linux), -1 when unknown. */
    private long serverCpuTicks() {
        if (serverPid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + serverPid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat(5)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** "some avg10=.. avg60=.." of /proc/pressure/NAME: % of time some task waited for that resource. */
    private static String pressure(String name) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/pressure/" + name))) {
                if (l.startsWith("some ")) {
                    String[] f = l.split(" ");
                    return "some " + f[1] + " " + f[2];
                }
            }
        } catch (IOException | RuntimeException e) {
            // no PSI on this kernel
        }
        return "?";
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    // ---- client ----

    private void startClient() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(16, 4);
        threads.setName("loadbench-ws");
        threads.setDaemon(true);
        org.eclipse.jetty.client.HttpClient http = new org.eclipse.jetty.client.HttpClient();
        http.setExecutor(threads);
        // Every upgrade holds a pooled connection until it is switched to WebSocket; we bound the
        // handshakes in flight ourselves (rampUp).
        http.setMaxConnectionsPerDestination(1024);
        http.setMaxRequestsQueuedPerDestination(o.connections + 1024);
        http.setConnectTimeout(30_000);
        client = new WebSocketClient(http);
        client.setIdleTimeout(Duration.ofMinutes(10));
        client.start();
    }

    private void shutdownClient() {
        timer.shutdownNow();
        for (Conn c : conns) {
            Session s = c.session;
            if (s != null) {
                s.disconnect();
            }
        }
        try {
            client.stop();
        } catch (Exception e) {
            // exiting anyway
        }
    }

    private void createConns(String token) {
        byDoc = new ArrayList<>();
        for (int d = 0; d < o.docs; d++) {
            byDoc.add(new ArrayList<>());
        }
        for (int i = 0; i < o.connections; i++) {
            Conn c = new Conn(i, replicaBase + i + 1, "load-" + (i % o.docs), token);
            conns.add(c);
            byDoc.get(i % o.docs).add(c);
        }
    }

    private void rampUp() throws InterruptedException {
        Semaphore inFlight = new Semaphore(256); // handshakes not yet answered by a SyncResponse
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(o.rampTimeoutSeconds());
        long step = TimeUnit.SECONDS.toNanos(1) / o.ramp;
        int lastPrinted = 0;
        for (Conn c : conns) {
            long due = start + c.index * step;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            c.attempted = true;
            c.opened.whenComplete((ok, e) -> inFlight.release());
            try {
                client.connect(c, syncUri).whenComplete((s, e) -> {
                    if (e != null) {
                        c.fail("connect: " + e);
                    }
                });
            } catch (IOException e) {
                c.fail("connect: " + e);
            }
            int done = ready.get();
            if (done - lastPrinted >= 2000) {
                lastPrinted = done;
                o.out.printf("loadbench:   %d ready after %.1f s%n", done, (System.nanoTime() - start) / 1e9);
            }
        }
        // Wait for the last handshakes (each completes or fails; the deadline bounds it).
        while (System.nanoTime() < deadline && conns.stream().anyMatch(c -> c.attempted && !c.opened.isDone())) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        r.rampSeconds = (System.nanoTime() - start) / 1e9;
        r.held = ready.get();
        r.failedToOpen = o.connections - r.held;
    }

    private void steady() throws InterruptedException {
        Random random = new Random(o.seed);
        long[] counts = new long[2]; // sent, broadcasts expected
        if (o.warmup > 0) {
            o.out.printf("loadbench: warm-up: %d s at %d updates/s (not recorded)%n", o.warmup, o.rate);
            send(random, (long) o.rate * o.warmup, counts);
        }
        r.warmupUpdates = counts[0];
        Map<String, Double> before = metrics();
        long cpuBefore = serverCpuTicks();
        long clientCpuBefore = clientCpuNanos();
        long start = System.nanoTime();
        measureFrom = start;
        long total = (long) o.rate * o.duration;
        o.out.printf("loadbench: steady phase: %d updates over %d s%n", total, o.duration);
        send(random, total, counts);
        long sent = counts[0];
        long expected = counts[1];
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        r.updatesSent = sent;
        r.broadcastsExpected = expected;
        r.acksExpected = sent;
        // Drain: the last broadcasts and acks are still on their way.
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.drain);
        while ((received.get() < expected || acks.get() < sent) && System.nanoTime() < drainDeadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        double window = (System.nanoTime() - start) / 1e9;
        r.steadySeconds = sendSeconds;
        Map<String, Double> after = metrics();
        long cpuAfter = serverCpuTicks();
        r.serverUpdate = serverUpdatePercentiles(before, after);
        double commits = delta(before, after, "synckit_commit_latency_seconds_count");
        if (commits > 0) { // servers with group commit
            r.serverCommit = serverPercentiles(before, after, "synckit_commit_latency_seconds", "commits")
                    + String.format("; %.1f updates per commit", delta(before, after, "synckit_commit_batch_sum")
                            / delta(before, after, "synckit_commit_batch_count"));
        }
        r.pressure = "cpu " + pressure("cpu") + "; io " + pressure("io");
        r.framesInPerSec = delta(before, after, "synckit_frames_in_total") / window;
        r.framesOutPerSec = delta(before, after, "synckit_frames_out_total") / window;
        if (cpuBefore >= 0 && cpuAfter >= 0) {
            r.serverCpuPercent = (cpuAfter - cpuBefore) / 100.0 / window * 100;
        }
        r.clientCpuPercent = (clientCpuNanos() - clientCpuBefore) / 1e9 / window * 100;
        if (sendSeconds > o.duration * 1.05 + 0.5) {
            r.errors.add(String.format("the sender fell behind: %d updates took %.1f s instead of %d s (client CPU-bound?)",
                    total, sendSeconds, o.duration));
        }
    }

    /** Sends {@code total} updates at o.rate from random writers; adds to counts {sent, broadcasts expected}. */
    private void send(Random random, long total, long[] counts) {
        long start = System.nanoTime();
        long step = TimeUnit.SECONDS.toNanos(1) / o.rate;
        for (long k = 0; k < total; k++) {
            long due = start + k * step;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            Conn w = conns.get(random.nextInt(conns.size()));
            if (!w.isReady()) {
                continue; // never opened or dropped: this tick sends nothing
            }
            int others = 0;
            for (Conn c : byDoc.get(w.index % o.docs)) {
                if (c != w && c.isReady()) {
                    others++;
                }
            }
            counts[1] += others;
            w.sendIncrement();
            counts[0]++;
        }
    }


    /**
     * The server's own time per Update frame (lock wait, engine, store append, queueing the sends) over the
     * measured phase, from the Prometheus histogram's bucket deltas: each percentile is the upper bound of
     * its bucket, so it over-states by up to one bucket width.
     */
    static String serverUpdatePercentiles(Map<String, Double> before, Map<String, Double> after) {
        return serverPercentiles(before, after, "synckit_update_latency_seconds", "updates");
    }

    /** Percentiles (ms, bucket upper bounds) of a Prometheus timer histogram over the measured phase. */
    static String serverPercentiles(Map<String, Double> before, Map<String, Double> after, String metric, String what) {
        Pattern le = Pattern.compile("^" + metric + "_bucket\\{.*le=\"([^\"]+)\".*}$");
        java.util.TreeMap<Double, Double> cumulative = new java.util.TreeMap<>();
        for (Map.Entry<String, Double> e : after.entrySet()) {
            Matcher m = le.matcher(e.getKey());
            if (m.matches() && !m.group(1).equals("+Inf")) {
                cumulative.put(Double.parseDouble(m.group(1)), e.getValue() - before.getOrDefault(e.getKey(), 0.0));
            }
        }
        double count = delta(before, after, metric + "_count");
        if (cumulative.isEmpty() || !(count > 0)) {
            return "unknown (no " + metric + " buckets in /metrics)";
        }
        StringBuilder sb = new StringBuilder();
        for (double q : new double[] {0.5, 0.95, 0.99, 0.999}) {
            String bound = "> " + String.format("%.1f", cumulative.lastKey() * 1000);
            for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
                if (e.getValue() >= q * count) {
                    bound = String.format("<= %.1f", e.getKey() * 1000);
                    break;
                }
            }
            sb.append(String.format("p%s %s  ", q == 0.999 ? "99.9" : String.valueOf((int) (q * 100)), bound));
        }
        Double max = after.get(metric + "_max");
        return sb.append(String.format("(%.0f %s; max of the last minutes %.1f)", count, what,
                max == null ? Double.NaN : max * 1000)).toString();
    }

    private static double delta(Map<String, Double> a, Map<String, Double> b, String name) {
        Double x = a.get(name);
        Double y = b.get(name);
        return x == null || y == null ? Double.NaN : y - x;
    }

    private static long clientCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : -1;
    }

    /** The protocol's heartbeat: a Ping after heartbeatMillis without receiving anything. */
    private void pingIdle() {
        try {
            pingIdleOnce();
        } catch (RuntimeException e) {
            r.errors.add("ping timer: " + e); // keep the timer alive
        }
    }

    private void pingIdleOnce() {
        long now = System.nanoTime();
        for (Conn c : conns) {
            if (c.isReady() && c.heartbeatNanos > 0 && now - c.lastReceived > c.heartbeatNanos) {
                c.lastReceived = now; // so it is not pinged again before the Pong arrives
                c.send(new Ping(pings.incrementAndGet()));
            }
        }
    }

    void collectCounts() {
        r.broadcastsReceived = received.get();
        r.unmatchedBroadcasts = unmatched.get();
        r.acksReceived = acks.get();
        r.errorFrames = errorFrames.get();
        r.closedDuringRun = closed.get();
        r.pingsSent = pings.get();
        if (r.held == 0) {
            r.held = ready.get();
        }
    }

    void printReport() {
        PrintStream out = o.out;
        out.println();
        out.println("=== SyncKit server load benchmark ===");
        out.println("date (UTC):           " + Instant.now());
        out.printf("parameters:           %d connections, %d docs (%d subscribers each), %d updates/s, %d s, ramp %d/s, seed %d, storage %s%n",
                o.connections, o.docs, o.connections / o.docs, o.rate, o.duration, o.ramp, o.seed,
                o.startServer ? o.storage : "(--url)");
        out.println("load average:         before " + r.loadBefore + ", after " + r.loadAfter + " (this run's own two JVMs add ~1-2)");
        out.println("pressure (PSI, %):    " + r.pressure + " (at the end of the measured phase)");
        out.printf("connections:          %d attempted, %d held (%d failed to open), ramp %.1f s; %d closed during the run%n",
                r.attempted, r.held, r.failedToOpen, r.rampSeconds, r.closedDuringRun);
        out.printf("updates sent:         %d (%d warm-up, not in the histograms, then %d in %.2f s: %.0f/s)%n",
                r.updatesSent, r.warmupUpdates, r.updatesSent - r.warmupUpdates, r.steadySeconds,
                r.steadySeconds > 0 ? (r.updatesSent - r.warmupUpdates) / r.steadySeconds : 0.0);
        out.printf("broadcasts:           %d expected, %d received (%d missing), %d unmatched%n",
                r.broadcastsExpected, r.broadcastsReceived, Math.max(0, r.broadcastsExpected - r.broadcastsReceived),
                r.unmatchedBroadcasts);
        out.printf("acks:                 %d expected, %d received; error frames %d; pings sent %d%n",
                r.acksExpected, r.acksReceived, r.errorFrames, r.pingsSent);
        out.println("fan-out latency (ms): " + percentiles(r.fanout));
        out.println("ack latency (ms):     " + percentiles(r.ack));
        out.println("server time per Update (ms, /metrics): " + r.serverUpdate);
        out.println("server group commit (ms, /metrics):    " + r.serverCommit);
        out.printf("server frames/s:      in %.0f, out %.0f (from /metrics over the steady phase and drain)%n",
                r.framesInPerSec, r.framesOutPerSec);
        out.printf("server RSS:           idle %d KB, all connected %d KB, after the run %d KB -> %s KB per connection%n",
                r.rssIdleKb, r.rssConnectedKb, r.rssEndKb,
                r.rssIdleKb > 0 && r.held > 0 ? String.format("%.1f", (r.rssConnectedKb - r.rssIdleKb) / (double) r.held) : "?");
        out.printf("server threads:       idle %d, all connected %d%n", r.serverThreadsIdle, r.serverThreadsConnected);
        out.printf("CPU (%% of one core):  server %.0f%%, this client %.0f%% (2 cores shared by both)%n",
                r.serverCpuPercent, r.clientCpuPercent);
        double p95 = r.fanout.getTotalCount() > 0 ? r.fanout.getValueAtPercentile(95) / 1000.0 : Double.NaN;
        out.printf("target %,d held:      %s (%d)%n", TARGET_CONNECTIONS, r.held >= TARGET_CONNECTIONS ? "MET" : "NOT MET", r.held);
        long missing = r.broadcastsExpected - r.broadcastsReceived;
        // A lost broadcast has no latency to record; the verdict must not look better for it.
        out.printf("target p95 < %.0f ms:   %s (%.1f ms%s)%n", TARGET_P95_MS,
                p95 < TARGET_P95_MS && missing <= 0 ? "MET" : "NOT MET", p95,
                missing > 0 ? " of the broadcasts that arrived; " + missing + " never did" : "");
        synchronized (r.errors) {
            for (String e : r.errors) {
                out.println("error: " + e);
            }
        }
        out.println("result:               " + (r.failed() ? "ERRORS (exit 1)" : "completed (exit 0)"));
    }

    static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no samples";
        }
        return String.format("p50 %.1f  p95 %.1f  p99 %.1f  max %.1f  (%d samples)",
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
    }

    /** One client connection, subscribed to one counter document. */
    public final class Conn implements Session.Listener.AutoDemanding {
        final int index;
        final double replicaId;
        final String docId;
        final String token;
        volatile Session session;
        volatile boolean attempted;
        /** Completes when subscribed (SyncResponse), or exceptionally when it failed before. */
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        private volatile boolean gone;
        volatile long heartbeatNanos;
        volatile long lastReceived = System.nanoTime();
        // Writer state: touched by the steady-phase thread only.
        private PnCounter counter;
        private byte[] stateVector;
        private double nextSeq = 1;
        /** Sent, not yet acknowledged: {seq, sendNanos}. */
        private final ArrayDeque<long[]> unacked = new ArrayDeque<>();

        Conn(int index, double replicaId, String docId, String token) {
            this.index = index;
            this.replicaId = replicaId;
            this.docId = docId;
            this.token = token;
        }

        boolean isReady() {
            return opened.isDone() && !opened.isCompletedExceptionally() && !gone;
        }

        void fail(String why) {
            if (opened.completeExceptionally(new IOException(why))) {
                if (failed.incrementAndGet() <= 5) {
                    synchronized (r.errors) {
                        r.errors.add("connection " + index + " failed to open: " + why);
                    }
                }
            }
        }

        void send(Message m) {
            Session s = session;
            if (s != null) {
                s.sendBinary(ByteBuffer.wrap(FrameCodec.encode(m)), Callback.NOOP);
            }
        }

        void sendIncrement() {
            if (counter == null) {
                counter = new PnCounter(replicaId);
                stateVector = counter.encodeStateVector();
            }
            counter.increment(1);
            byte[] data = counter.encodeLocalChanges(stateVector);
            stateVector = counter.encodeStateVector();
            double seq = nextSeq++;
            long now = System.nanoTime();
            // Recorded before sending: the Broadcast may arrive before sendBinary returns.
            sentAt.put(new String(data, StandardCharsets.ISO_8859_1), now);
            synchronized (unacked) {
                unacked.add(new long[] {(long) seq, now});
            }
            send(new Update(seq, docId, data));
        }

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
            send(new Hello(Protocol.VERSION, replicaId, token, 0, "synckit-loadbench"));
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            long now = System.nanoTime();
            lastReceived = now;
            byte[] frame = new byte[payload.remaining()];
            payload.get(frame);
            callback.succeed();
            Message m;
            try {
                m = FrameCodec.decode(frame);
            } catch (Exception e) {
                errorFrames.incrementAndGet();
                return;
            }
            if (m instanceof Broadcast b) {
                Long t = sentAt.get(new String(b.data, StandardCharsets.ISO_8859_1));
                if (t == null) {
                    unmatched.incrementAndGet();
                } else {
                    if (t >= measureFrom) {
                        r.fanout.recordValue(Math.max(0, (now - t) / 1000));
                    }
                    received.incrementAndGet();
                }
            } else if (m instanceof Ack a) {
                synchronized (unacked) {
                    while (!unacked.isEmpty() && unacked.peek()[0] <= (long) a.seq) {
                        long t = unacked.poll()[1];
                        if (t >= measureFrom) {
                            r.ack.recordValue(Math.max(0, (now - t) / 1000));
                        }
                        acks.incrementAndGet();
                    }
                }
            } else if (m instanceof Welcome w) {
                heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(w.heartbeatMillis);
                nextSeq = w.ackedSeq + 1;
                send(new Subscribe(List.of(new DocSubscription(docId, DocType.COUNTER, new byte[0]))));
            } else if (m instanceof SyncResponse) {
                if (opened.complete(null)) {
                    ready.incrementAndGet();
                }
            } else if (m instanceof ErrorMessage e) {
                if (errorFrames.incrementAndGet() <= 5) {
                    synchronized (r.errors) {
                        r.errors.add("connection " + index + " got Error " + e.code + ": " + e.message);
                    }
                }
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            ended("closed " + statusCode + " " + reason);
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            ended("error " + cause);
        }

        private void ended(String why) {
            if (gone) {
                return;
            }
            gone = true;
            if (!opened.isDone()) {
                fail(why);
            } else if (running && closed.incrementAndGet() <= 5) {
                synchronized (r.errors) {
                    r.errors.add("connection " + index + " " + why);
                }
            }
        }
    }
}
