package io.synckit.core.sync.sim;

import io.synckit.core.Replicated;
import io.synckit.core.clock.WallClock;
import io.synckit.core.counter.PnCounter;
import io.synckit.core.lww.LwwDoc;
import io.synckit.core.protocol.ErrorCode;
import io.synckit.core.set.OrSet;
import io.synckit.core.sync.DocTypes;
import io.synckit.core.sync.MemoryClientStore;
import io.synckit.core.sync.ServerStore;
import io.synckit.core.sync.SyncClient;
import io.synckit.core.sync.SyncServer;
import io.synckit.core.text.TextDoc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A deterministic simulation of one {@link SyncServer} and 2-5 {@link SyncClient}s: discrete events on
 * a virtual clock (a priority queue by time, ties in insertion order), one seeded {@link Random} for
 * every choice, no threads and no real time. So a seed replays a run exactly.
 *
 * <p><b>The world.</b> Each connection has two links (client to server, server to client) that delay
 * frames by a random latency and, during the chaos phase, drop, duplicate and reorder them at the run's
 * rates, or stall for a while and then deliver late. A connection that either side closes delivers {@code onClose} to both sides after a delay;
 * frames still travelling to the side that closed are discarded, frames travelling the other way
 * arrive first (as over TCP). An abrupt end (reset, crash, partition) discards everything in flight.
 * Partitions cut one client off for a while (connects fail, frames are lost); a crashed client loses
 * its engine and its documents but keeps its {@link MemoryClientStore} and replica id, and reopens the
 * documents as fresh objects; a crashed server loses every connection and restarts on the same store;
 * a storage outage makes the store throw.
 *
 * <p><b>The host.</b> The simulator is the engine's host as a browser's would be: it implements
 * {@link SyncClient.Io} to the letter (one {@code onOpen} or {@code onClose} per {@code connect()}, one
 * {@code onClose} per opened connection, nothing after the engine's own {@code close()}) and calls
 * {@code tick} exactly at {@code nextWakeAt}. It fails the run when the engine misuses it (connect while
 * connected, or a busy loop).
 *
 * <p><b>The run.</b> Clients edit four documents at random times during the chaos phase; then
 * everything heals and the run goes on until it is quiescent (every client online with an empty outbox,
 * every replica and the server's stored copy equal) or fails at a virtual deadline. Then the checks in
 * {@link #verify}.
 */
final class Sim {
    static final double EPOCH = 1.7e12;
    static final String[] DOCS = {"counter", "todo", "tags", "notes"};
    /** After healing, the run must be quiescent within this much virtual time. */
    static final double HEAL_DEADLINE_MILLIS = 60_000;
    private static final int MAX_EVENTS = 3_000_000;

    final long seed;
    final Random rnd;
    final Faults f;
    final Trace trace = new Trace();
    final RecordingServerStore store = new RecordingServerStore();
    final Workload work = new Workload();
    final List<Host> hosts = new ArrayList<>();
    final List<String> unexpectedErrors = new ArrayList<>();
    private final WallClock serverClock = () -> EPOCH + now();
    private final SyncServer.Options serverOptions = new SyncServer.Options();
    SyncServer server;
    private int serverGen;

    private double now;
    private long order;
    private long events;
    private final PriorityQueue<Ev> queue = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Double.compare(a.time, b.time) : Long.compare(a.order, b.order));
    /** Run after every event (debugging aid: e.g. an invariant to find where a run first goes wrong). */
    Runnable debugCheck;
    private boolean healed;
    private boolean quiescent;
    private double healedAt = Double.NaN;
    private int nextConnId = 1;
    long framesUp;
    long framesDown;
    long bytesUp;
    long bytesDown;

    private static final class Ev {
        final double time;
        final long order;
        final Runnable action;

        Ev(double time, long order, Runnable action) {
            this.time = time;
            this.order = order;
            this.action = action;
        }
    }

    Sim(long seed, Faults faults, Random rnd) {
        this.seed = seed;
        this.rnd = rnd;
        this.f = faults;
        serverOptions.heartbeatMillis = 1000;
        serverOptions.compactAfter = faults.serverCompactAfter;
        server = new SyncServer(store, SyncServer.ALLOW_ALL, serverClock, serverOptions);
        for (int i = 0; i < faults.clients; i++) {
            // Replica ids over the whole 53-bit range, unique within the run.
            double id = rnd.nextBoolean() ? i + 1 : Math.floor(rnd.nextDouble() * 9007199254740000.0) + i + 1;
            hosts.add(new Host(i, id));
        }
    }

    /** A run with random faults, all drawn from {@code seed}. */
    static Sim random(long seed) {
        Random rnd = new Random(seed);
        return new Sim(seed, Faults.random(rnd), rnd);
    }

    /** A run with no faults and no latency, for scripted scenarios and measurements ({@link #runUntil}). */
    static Sim quiet(int clients, long seed) {
        Random rnd = new Random(seed);
        return new Sim(seed, Faults.none(clients), rnd);
    }

    double now() {
        return now;
    }

    /**
     * Processes events until {@code done} holds (checked after each event) or {@code maxMillis} of
     * virtual time passed; returns whether it holds.
     */
    boolean runUntil(java.util.function.BooleanSupplier done, double maxMillis) {
        double until = now + maxMillis;
        while (!done.getAsBoolean()) {
            if (queue.isEmpty() || queue.peek().time > until) {
                return false;
            }
            Ev e = queue.poll();
            now = e.time;
            e.action.run();
            for (Host h : hosts) {
                h.rewake();
            }
        }
        return true;
    }

    long eventCount() {
        return events;
    }

    void schedule(double at, Runnable action) {
        queue.add(new Ev(at, order++, action));
    }

    // ---- the run ----

    /** Runs the chaos phase, heals, runs to quiescence and checks; throws {@link AssertionError} on failure. */
    void run() {
        try {
            setUp();
            loop(Double.POSITIVE_INFINITY);
            if (!quiescent) {
                fail("not quiescent " + (int) HEAL_DEADLINE_MILLIS + " ms (virtual) after healing at "
                        + (int) healedAt + " ms\n" + String.join("\n", problems()) + "\n" + state());
            }
            verify();
        } catch (SimFailure e) {
            throw e;
        } catch (AssertionError | RuntimeException e) {
            throw new SimFailure(report("exception: " + e), e);
        }
    }

    private void setUp() {
        for (Host h : hosts) {
            schedule(rnd.nextDouble() * 1000, h::boot);
            if (f.opMeanMillis < Double.POSITIVE_INFINITY) {
                schedule(rnd.nextDouble() * f.opMeanMillis * 2, () -> editLoop(h));
            }
        }
        for (int i = 0; i < f.partitions; i++) {
            Host h = hosts.get(rnd.nextInt(hosts.size()));
            double at = chaosTime();
            double length = 300 + rnd.nextDouble() * 6000;
            schedule(at, () -> partition(h, length));
        }
        for (int i = 0; i < f.stalls; i++) {
            Host h = hosts.get(rnd.nextInt(hosts.size()));
            double length = 500 + rnd.nextDouble() * 5000;
            schedule(chaosTime(), () -> {
                if (h.conn != null && !healed) {
                    traceWorld("stall " + (int) length + "ms", h.index, h.conn.id);
                    h.conn.stalledUntil = now + length;
                }
            });
        }
        for (int i = 0; i < f.resets; i++) {
            Host h = hosts.get(rnd.nextInt(hosts.size()));
            schedule(chaosTime(), () -> {
                if (h.conn != null && !healed) {
                    traceWorld("reset", h.index, h.conn.id);
                    kill(h.conn, latency(), latency());
                }
            });
        }
        for (int i = 0; i < f.clientCrashes; i++) {
            Host h = hosts.get(rnd.nextInt(hosts.size()));
            double down = rnd.nextDouble() * 3000;
            schedule(chaosTime(), () -> h.crash(down));
        }
        for (int i = 0; i < f.serverCrashes; i++) {
            double down = rnd.nextDouble() * 3000;
            schedule(chaosTime(), () -> crashServer(down));
        }
        for (int i = 0; i < f.outages; i++) {
            double length = 100 + rnd.nextDouble() * 4000;
            schedule(chaosTime(), () -> outage(length));
        }
        schedule(f.chaosMillis, this::heal);
    }

    private double chaosTime() {
        return rnd.nextDouble() * f.chaosMillis;
    }

    /** Processes events until the queue is empty, the run is quiescent, or {@code until}. */
    void loop(double until) {
        while (!queue.isEmpty() && !quiescent) {
            Ev e = queue.peek();
            if (e.time > until) {
                now = until;
                return;
            }
            queue.poll();
            if (healed && e.time > healedAt + HEAL_DEADLINE_MILLIS) {
                return;
            }
            if (++events > MAX_EVENTS) {
                fail("more than " + MAX_EVENTS + " events: a busy loop?\n" + state());
            }
            now = e.time;
            e.action.run();
            if (debugCheck != null) {
                debugCheck.run();
            }
            for (Host h : hosts) {
                h.rewake();
            }
        }
    }

    private void editLoop(Host h) {
        if (healed) {
            return;
        }
        if (h.client != null) {
            traceWorld("edit", h.index, 0);
            work.edit(h, rnd);
        }
        schedule(now + -Math.log(1 - rnd.nextDouble()) * f.opMeanMillis, () -> editLoop(h));
    }

    private void heal() {
        healed = true;
        healedAt = now;
        traceWorld("heal", -1, 0);
        store.inner.failReads = false;
        store.inner.failWrites = false;
        if (server == null) {
            restartServer();
        }
        for (Host h : hosts) {
            h.partitioned = false;
            if (h.client == null) {
                h.boot();
            }
        }
        schedule(now + 100, this::checkQuiescent);
    }

    private void checkQuiescent() {
        if (isQuiescent()) {
            quiescent = true;
            traceWorld("quiescent", -1, 0);
            return;
        }
        schedule(now + 200, this::checkQuiescent);
    }

    /** Every client online with an empty outbox, and every document equal everywhere (server's store included). */
    boolean isQuiescent() {
        for (Host h : hosts) {
            if (h.client == null || h.client.status() != SyncClient.STATUS_ONLINE || h.client.pending() != 0 || !h.allOpen()) {
                return false;
            }
        }
        for (String doc : DOCS) {
            byte[] first = hosts.get(0).doc(doc).encodeStateVector();
            for (Host h : hosts) {
                if (!Arrays.equals(first, h.doc(doc).encodeStateVector())) {
                    return false;
                }
            }
            Replicated<?> stored = storedDoc(doc);
            if (!Arrays.equals(first, stored.encodeStateVector())) {
                return false;
            }
            // State vectors do not cover deletions (TextDoc) and removals (OrSet): compare the values too.
            String value = value(stored);
            for (Host h : hosts) {
                if (!value.equals(value(h.doc(doc)))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The server's copy as its store would rebuild it (what survives a crash); empty if never written. */
    Replicated<?> storedDoc(String docId) {
        ServerStore.StoredDoc sd = store.inner.load(docId);
        Replicated<?> d = DocTypes.create(sd != null ? sd.type : DocTypes.of(emptyDoc(docId)), 0, serverClock);
        if (sd != null) {
            for (byte[] u : sd.log) {
                d.applyUpdate(u);
            }
        }
        return d;
    }

    private static Replicated<?> emptyDoc(String docId) {
        switch (docId) {
            case "counter": return new PnCounter(1);
            case "todo": return new LwwDoc(1, () -> EPOCH);
            case "tags": return new OrSet(1);
            default: return new TextDoc(1);
        }
    }

    // ---- checks ----

    void verify() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems) + "\n" + state());
        }
    }

    /** Everything the final state contradicts: divergence, lost or doubled writes, wrong sequences. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        Host first = hosts.get(0);
        for (String doc : DOCS) {
            Replicated<?> stored = storedDoc(doc);
            String expected = value(stored);
            for (Host h : hosts) {
                if (h.client == null || h.doc(doc) == null) {
                    continue;
                }
                String v = value(h.doc(doc));
                if (!v.equals(expected)) {
                    problems.add(doc + " at c" + h.index + " is " + v + ", the server has " + expected);
                } else if (!Arrays.equals(stored.encodeStateVector(), h.doc(doc).encodeStateVector())) {
                    problems.add(doc + " at c" + h.index + " has another state vector than the server's");
                }
            }
        }
        if (first.client != null && first.allOpen()) {
            Map<String, Object> todo = first.todo.toJSON();
            problems.addAll(work.check(first.counter.value(), todo, new HashSet<>(Arrays.asList(first.tags.values())),
                    first.notes.toString()));
        }
        for (Host h : hosts) {
            double last = h.store.nextSeq() - 1;
            double applied = store.inner.appliedSeq(h.replicaId);
            if (applied != last) {
                problems.add("the server's appliedSeq for c" + h.index + " is " + (long) applied + ", its last sequence "
                        + (long) last);
            }
        }
        problems.addAll(store.violations);
        for (String s : store.skipped) {
            problems.add("the server refused (skipped) " + s + ": that change is lost");
        }
        problems.addAll(unexpectedErrors);
        return problems;
    }

    static String value(Replicated<?> d) {
        if (d instanceof PnCounter) {
            return String.valueOf(((PnCounter) d).value());
        } else if (d instanceof LwwDoc) {
            return String.valueOf(((LwwDoc) d).toJSON());
        } else if (d instanceof OrSet) {
            return Arrays.toString(((OrSet) d).values());
        }
        return "\"" + d + "\"";
    }

    String state() {
        StringBuilder sb = new StringBuilder();
        for (Host h : hosts) {
            sb.append("c").append(h.index).append(" replica ").append((long) h.replicaId);
            if (h.client == null) {
                sb.append(" down");
            } else {
                sb.append(" status ").append(h.client.status()).append(" pending ").append(h.client.pending());
            }
            sb.append(" nextSeq ").append((long) h.store.nextSeq()).append(" server appliedSeq ")
                    .append((long) store.inner.appliedSeq(h.replicaId)).append(h.partitioned ? " partitioned" : "").append('\n');
        }
        sb.append("server ").append(server == null ? "down" : "up").append(", ").append(store.appends).append(" appends\n");
        return sb.toString();
    }

    void fail(String message) {
        throw new SimFailure(report(message), null);
    }

    String report(String message) {
        return "simulation failed, seed " + seed + " (replay: mvn -B -o -pl core test -Dtest=SimulationTest -Dsynckit.seed="
                + seed + ")\n" + message + "\nfaults: " + f + "\nat " + (int) now + " ms (virtual)\n" + trace.dump();
    }

    static final class SimFailure extends AssertionError {
        SimFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // ---- faults ----

    private void partition(Host h, double length) {
        if (healed) {
            return;
        }
        traceWorld("partition " + (int) length + "ms", h.index, 0);
        h.partitioned = true;
        if (h.conn != null && rnd.nextBoolean()) {
            // The connection dies at once (a reset reaches the client); the server notices only after a while.
            kill(h.conn, latency(), rnd.nextDouble() * 3000);
        }
        schedule(now + length, () -> {
            if (h.partitioned) {
                traceWorld("partition over", h.index, 0);
                h.partitioned = false;
            }
        });
    }

    private void crashServer(double down) {
        if (healed || server == null) {
            return;
        }
        traceWorld("server crash, down " + (int) down + "ms", -1, 0);
        server = null;
        serverGen++;
        for (Host h : hosts) {
            if (h.conn != null) {
                Conn c = h.conn;
                c.serverNotified = true; // that server is gone
                kill(c, latency(), 0);
            }
        }
        schedule(now + down, () -> {
            if (server == null) {
                restartServer();
            }
        });
    }

    private void restartServer() {
        traceWorld("server restart", -1, 0);
        server = new SyncServer(store, SyncServer.ALLOW_ALL, serverClock, serverOptions);
    }

    private void outage(double length) {
        if (healed) {
            return;
        }
        traceWorld("storage outage " + (int) length + "ms" + (f.fullOutage ? " (reads too)" : ""), -1, 0);
        store.inner.failWrites = true;
        store.inner.failReads = f.fullOutage;
        schedule(now + length, () -> {
            traceWorld("storage back", -1, 0);
            store.inner.failWrites = false;
            store.inner.failReads = false;
        });
    }

    // ---- network ----

    double latency() {
        return f.latMin + rnd.nextDouble() * (f.latMax - f.latMin);
    }

    /** One connection: its two links and who has been told it ended. */
    static final class Conn {
        final int id;
        final Host host;
        final int incarnation;
        final int serverGen;
        SyncServer.Connection sc;
        /** Frames are still delivered to the server / to the client. */
        boolean upOpen = true;
        boolean downOpen = true;
        boolean clientNotified;
        boolean serverNotified;
        /** Delivery time of the last in-order frame per direction: later ones never overtake it. */
        double lastUp;
        double lastDown;
        /** Nothing sent before this time arrives before it (both directions). */
        double stalledUntil;
        /** A duplicate of Hello was sent to the server (which then fails the connection, rightly). */
        boolean duplicatedHello;

        Conn(int id, Host host, int incarnation, int serverGen) {
            this.id = id;
            this.host = host;
            this.incarnation = incarnation;
            this.serverGen = serverGen;
        }
    }

    private void connect(Host h) {
        if (h.conn != null) {
            fail("c" + h.index + " called connect() while connection #" + h.conn.id + " is still open");
        }
        Conn c = new Conn(nextConnId++, h, h.incarnation, serverGen);
        h.conn = c;
        trace.add(now, "connect", h.index, c.id, null, null);
        if (h.partitioned || server == null) {
            schedule(now + 1 + rnd.nextDouble() * 300, () -> notifyClient(c, "connect failed"));
            return;
        }
        schedule(now + latency(), () -> {
            if (!c.upOpen || server == null || serverGen != c.serverGen || h.partitioned) {
                kill(c, latency(), 0);
                return;
            }
            c.sc = server.accept(new SyncServer.Peer() {
                @Override
                public void send(byte[] frame) {
                    transmit(c, false, frame);
                }

                @Override
                public void close() {
                    serverClose(c);
                }
            });
            trace.add(now, "server accepted", h.index, c.id, null, null);
            c.lastDown = Math.max(c.lastDown, now);
            schedule(now + latency(), () -> {
                if (c.downOpen && h.incarnation == c.incarnation && h.client != null) {
                    trace.add(now, "onOpen", h.index, c.id, null, null);
                    h.client.onOpen(now);
                }
            });
        });
    }

    private void transmit(Conn c, boolean up, byte[] frame) {
        Host h = c.host;
        if (up) {
            framesUp++;
            bytesUp += frame.length;
        } else {
            framesDown++;
            bytesDown += frame.length;
        }
        String dir = up ? "c->s" : "s->c";
        if (!(up ? c.upOpen : c.downOpen)) {
            trace.add(now, dir + " discarded (closed)", h.index, c.id, frame, null);
            return;
        }
        if (h.partitioned) {
            trace.add(now, dir + " lost (partition)", h.index, c.id, frame, null);
            return;
        }
        if (!healed && rnd.nextDouble() < f.drop) {
            trace.add(now, dir + " DROPPED", h.index, c.id, frame, null);
            return;
        }
        int copies = !healed && rnd.nextDouble() < f.dup ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            double at = Math.max(now, c.stalledUntil) + latency();
            boolean reorder = !healed && rnd.nextDouble() < f.reorder;
            if (reorder) {
                at += rnd.nextDouble() * f.reorderExtra;
            } else if (up) {
                at = Math.max(at, c.lastUp);
                c.lastUp = at;
            } else {
                at = Math.max(at, c.lastDown);
                c.lastDown = at;
            }
            if (i > 0 && up && Trace.describe(frame).startsWith("Hello")) {
                c.duplicatedHello = true;
            }
            String what = dir + " send" + (i > 0 ? " (DUPLICATE)" : "") + (reorder ? " (REORDERED)" : "");
            trace.add(now, what, h.index, c.id, frame, "arrives " + (int) at);
            schedule(at, () -> deliver(c, up, frame));
        }
    }

    private void deliver(Conn c, boolean up, byte[] frame) {
        Host h = c.host;
        String dir = up ? "c->s" : "s->c";
        if (!(up ? c.upOpen : c.downOpen)) {
            trace.add(now, dir + " discarded (closed)", h.index, c.id, frame, null);
            return;
        }
        if (h.partitioned) {
            trace.add(now, dir + " lost (partition)", h.index, c.id, frame, null);
            return;
        }
        if (up) {
            if (c.sc == null || server == null || serverGen != c.serverGen) {
                trace.add(now, dir + " discarded (no server)", h.index, c.id, frame, null);
                return;
            }
            trace.add(now, "server got", h.index, c.id, frame, null);
            c.sc.onFrame(frame);
        } else {
            if (h.incarnation != c.incarnation || h.client == null) {
                trace.add(now, dir + " discarded (client gone)", h.index, c.id, frame, null);
                return;
            }
            trace.add(now, "client got", h.index, c.id, frame, null);
            h.client.onFrame(frame, now);
        }
    }

    /** The client called {@code Io.close()}: the server hears of it after the frames already on their way. */
    private void clientClose(Host h) {
        Conn c = h.conn;
        if (c == null) {
            trace.add(now, "client close() with no connection", h.index, 0, null, null);
            return;
        }
        trace.add(now, "client close()", h.index, c.id, null, null);
        h.conn = null;
        c.downOpen = false;
        c.clientNotified = true; // Io.close(): the engine is done with it, nothing more is reported
        schedule(Math.max(now + latency(), c.lastUp), () -> notifyServer(c));
    }

    /** The server closed: the client gets the frames already on their way, then onClose. */
    private void serverClose(Conn c) {
        trace.add(now, "server close()", c.host.index, c.id, null, null);
        c.upOpen = false;
        schedule(Math.max(now + latency(), c.lastDown), () -> notifyClient(c, "closed (by the server)"));
        schedule(now, () -> notifyServer(c));
    }

    /** An abrupt end: nothing more is delivered; each side hears of it after its delay. */
    private void kill(Conn c, double clientDelay, double serverDelay) {
        c.upOpen = false;
        c.downOpen = false;
        schedule(now + clientDelay, () -> notifyClient(c, "connection lost"));
        schedule(now + serverDelay, () -> notifyServer(c));
    }

    private void notifyClient(Conn c, String why) {
        if (c.clientNotified) {
            return;
        }
        c.clientNotified = true;
        c.downOpen = false;
        Host h = c.host;
        if (h.conn == c) {
            h.conn = null;
        }
        if (h.incarnation == c.incarnation && h.client != null) {
            trace.add(now, "onClose: " + why, h.index, c.id, null, null);
            h.client.onClose(now);
        }
    }

    private void notifyServer(Conn c) {
        if (c.serverNotified) {
            return;
        }
        c.serverNotified = true;
        c.upOpen = false;
        if (c.sc != null && server != null && serverGen == c.serverGen) {
            trace.add(now, "server onClose", c.host.index, c.id, null, null);
            c.sc.onClose();
        }
    }

    private void traceWorld(String what, int client, int conn) {
        trace.add(now, what, client, conn, null, null);
    }

    // ---- clients ----

    /** One client device: its store survives crashes, its engine and documents do not. */
    final class Host implements SyncClient.Io, SyncClient.Listener {
        final int index;
        final double replicaId;
        final MemoryClientStore store = new MemoryClientStore();
        /** This device's clock is off by this much (LWW stamps), well within the skew limit. */
        final double skew;
        SyncClient client;
        int incarnation;
        PnCounter counter;
        LwwDoc todo;
        OrSet tags;
        TextDoc notes;
        Conn conn;
        boolean partitioned;
        private double wakeAt = Double.NaN;
        private int wakeGen;
        /** Per document, value and state vector when the client crashed: a restart must rebuild exactly that. */
        private final String[] beforeCrash = new String[DOCS.length];

        Host(int index, double replicaId) {
            this.index = index;
            this.replicaId = replicaId;
            this.skew = (rnd.nextDouble() - 0.5) * 4000;
        }

        Replicated<?> doc(String id) {
            switch (id) {
                case "counter": return counter;
                case "todo": return todo;
                case "tags": return tags;
                default: return notes;
            }
        }

        /** Starts (or restarts after a crash) the engine on the surviving store, reopening the documents. */
        void boot() {
            boot(true);
        }

        /** Like {@link #boot()}; without {@code start} the client stays offline until {@code client.start}. */
        void boot(boolean start) {
            incarnation++;
            traceWorld(incarnation == 1 ? "start" : "restart", index, 0);
            SyncClient.Options o = new SyncClient.Options();
            o.backoffBaseMillis = 200;
            o.backoffCapMillis = 3000;
            o.heartbeatMillis = 1000;
            o.resendMillis = 2000;
            o.resyncMillis = 5000;
            o.compactAfter = f.clientCompactAfter;
            client = new SyncClient(replicaId, "", store, this, rnd::nextDouble, this, o);
            counter = null;
            todo = null;
            tags = null;
            notes = null;
            int inc = incarnation;
            for (int i = 0; i < DOCS.length; i++) {
                int k = i;
                if (f.lazyOpen && rnd.nextInt(3) == 0) {
                    // The app opens this document later (maybe after connecting): its outbox entries
                    // must not wait for it, and its subscription comes on its own.
                    schedule(now + rnd.nextDouble() * 3000, () -> {
                        if (incarnation == inc && client != null) {
                            openDoc(k);
                        }
                    });
                } else {
                    openDoc(i);
                }
            }
            if (start) {
                client.start(now);
            }
        }

        /** Opens document {@code i} as a fresh object, rebuilt by the engine from the store. */
        private void openDoc(int i) {
            String id = DOCS[i];
            trace.add(now, "open " + id, index, conn == null ? 0 : conn.id, null, null);
            switch (id) {
                case "counter": counter = new PnCounter(replicaId); break;
                case "todo": todo = new LwwDoc(replicaId, () -> EPOCH + now + skew); break;
                case "tags": tags = new OrSet(replicaId); break;
                default: notes = new TextDoc(replicaId); break;
            }
            client.open(id, doc(id));
            if (beforeCrash[i] != null) {
                String after = snapshot(doc(id));
                if (!after.equals(beforeCrash[i])) {
                    fail("c" + index + " restarted with another " + id + " than it had before the crash:\nbefore "
                            + beforeCrash[i] + "\nafter  " + after);
                }
                beforeCrash[i] = null;
            }
        }

        /** Whether every document is open (the app may open some late). */
        boolean allOpen() {
            return counter != null && todo != null && tags != null && notes != null;
        }

        void crash(double down) {
            if (healed || client == null) {
                return;
            }
            traceWorld("crash, down " + (int) down + "ms", index, 0);
            for (int i = 0; i < DOCS.length; i++) {
                if (doc(DOCS[i]) != null) { // an unopened one is unchanged since its last snapshot
                    beforeCrash[i] = snapshot(doc(DOCS[i]));
                }
            }
            client = null;
            counter = null;
            todo = null;
            tags = null;
            notes = null;
            wakeGen++;
            wakeAt = Double.NaN;
            if (conn != null) {
                Conn c = conn;
                c.clientNotified = true; // that engine is gone
                conn = null;
                kill(c, 0, latency()); // the OS resets the socket
            }
            schedule(now + down, () -> {
                if (client == null) {
                    boot();
                }
            });
        }

        private String snapshot(Replicated<?> d) {
            return value(d) + " sv " + Arrays.toString(d.encodeStateVector());
        }

        /** Schedules {@code tick} at the engine's {@code nextWakeAt} when that changed. */
        void rewake() {
            if (client == null) {
                return;
            }
            double at = client.nextWakeAt();
            if (at == wakeAt) {
                return;
            }
            wakeAt = at;
            int gen = ++wakeGen;
            if (at < Double.POSITIVE_INFINITY) {
                SyncClient c = client;
                schedule(Math.max(at, now), () -> {
                    if (gen == wakeGen && client == c) {
                        wakeAt = Double.NaN;
                        trace.add(now, "tick", index, conn == null ? 0 : conn.id, null, null);
                        c.tick(now);
                    }
                });
            }
        }

        @Override
        public void connect() {
            Sim.this.connect(this);
        }

        @Override
        public void send(byte[] frame) {
            if (conn == null) {
                trace.add(now, "c->s send with no connection", index, 0, frame, null);
                return;
            }
            transmit(conn, true, frame);
        }

        @Override
        public void close() {
            clientClose(this);
        }

        @Override
        public void remoteChange(String docId) {
        }

        @Override
        public void status(int status) {
            trace.add(now, "status " + status, index, conn == null ? 0 : conn.id, null, null);
        }

        @Override
        public void error(int code, String message, String docId) {
            trace.add(now, "error " + code + ": " + message, index, conn == null ? 0 : conn.id, null, null);
            // Expected: INTERNAL (the storage outage), MALFORMED_FRAME after a duplicated Hello (which
            // TCP would never deliver; the server rightly ends the connection, the client reconnects).
            boolean duplicatedHello = code == ErrorCode.MALFORMED_FRAME && conn != null && conn.duplicatedHello;
            if (code != ErrorCode.INTERNAL && !duplicatedHello) {
                unexpectedErrors.add("c" + index + " got error " + code + " at " + (int) now + ": " + message);
            }
        }
    }
}
