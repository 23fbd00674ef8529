package io.synckit.core.sync.sim;

import java.util.Random;

/**
 * What can go wrong in one run, drawn from its seed: link faults (loss, duplication, reordering and
 * latency of frames, per direction of each connection), and events at random times of the chaos phase
 * (partitions, connection resets, client and server crashes, a storage outage). Also the run's size:
 * clients, length of the chaos phase, how often each client edits.
 */
final class Faults {
    int clients;
    double chaosMillis;
    double opMeanMillis;
    double latMin;
    double latMax;
    double drop;
    double dup;
    double reorder;
    /** A reordered frame is held up to this much longer than the others, so later ones overtake it. */
    double reorderExtra;
    int partitions;
    /** A connection stops moving frames for a while, then delivers them late, in order (TCP retransmission). */
    int stalls;
    int resets;
    int clientCrashes;
    int serverCrashes;
    int outages;
    /** A full outage fails reads too (load, appliedSeq); otherwise only writes fail ({@code failWrites}). */
    boolean fullOutage;
    int clientCompactAfter;
    int serverCompactAfter;
    /** After a (re)start the app opens some documents late. */
    boolean lazyOpen;

    static Faults random(Random r) {
        Faults f = new Faults();
        f.clients = 2 + r.nextInt(4);
        f.chaosMillis = 4000 + r.nextInt(36000);
        f.opMeanMillis = 100 + r.nextInt(1200);
        f.latMin = r.nextInt(20);
        f.latMax = f.latMin + r.nextInt(r.nextBoolean() ? 40 : 400);
        f.drop = r.nextInt(3) == 0 ? 0 : r.nextDouble() * 0.15;
        f.dup = r.nextBoolean() ? 0 : r.nextDouble() * 0.1;
        f.reorder = r.nextBoolean() ? 0 : r.nextDouble() * 0.2;
        f.reorderExtra = 20 + r.nextInt(600);
        f.partitions = r.nextInt(4);
        f.stalls = r.nextInt(4);
        f.resets = r.nextInt(4);
        f.clientCrashes = r.nextInt(4);
        f.serverCrashes = r.nextInt(3);
        f.outages = r.nextInt(3) == 0 ? 1 : 0;
        f.fullOutage = r.nextBoolean();
        f.clientCompactAfter = 2 + r.nextInt(40);
        f.serverCompactAfter = 2 + r.nextInt(40);
        f.lazyOpen = r.nextBoolean();
        return f;
    }

    /** A perfect network and no failures (measurements, and the base of hand-made scenarios). */
    static Faults none(int clients) {
        Faults f = new Faults();
        f.clients = clients;
        f.chaosMillis = 0;
        f.opMeanMillis = Double.POSITIVE_INFINITY;
        f.clientCompactAfter = 200;
        f.serverCompactAfter = 500;
        return f;
    }

    @Override
    public String toString() {
        return "clients=" + clients + " chaos=" + (int) chaosMillis + "ms opEvery~" + (int) opMeanMillis + "ms latency="
                + (int) latMin + ".." + (int) latMax + "ms drop=" + pct(drop) + " dup=" + pct(dup) + " reorder=" + pct(reorder)
                + "(+" + (int) reorderExtra + "ms) partitions=" + partitions + " stalls=" + stalls + " resets=" + resets + " clientCrashes="
                + clientCrashes + " serverCrashes=" + serverCrashes + " outages=" + outages
                + (outages > 0 ? (fullOutage ? "(reads+writes)" : "(writes)") : "") + " compactAfter(client="
                + clientCompactAfter + ", server=" + serverCompactAfter + ")" + (lazyOpen ? " lazyOpen" : "");
    }

    private static String pct(double p) {
        return Math.round(p * 1000) / 10.0 + "%";
    }
}
