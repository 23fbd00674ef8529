package io.synckit.core.sync.sim;

import io.synckit.core.sync.MemoryServerStore;
import io.synckit.core.sync.ServerStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's server store: a {@link MemoryServerStore} (which survives a simulated server crash
 * and simulates outages), and a check of every sequence written per replica, as it is written: the
 * engine must store each replica's sequences exactly once and in order (1, 2, 3, ...), which is what
 * "nothing is applied twice, nothing is skipped" means for the log. A CRDT would
 * hide a second application of the same update (merging is idempotent), so the values alone could not
 * show it; this check can.
 */
final class RecordingServerStore implements ServerStore {
    final MemoryServerStore inner = new MemoryServerStore();
    private final Map<Double, Double> lastSeq = new HashMap<>();
    /** Violations of the exactly-once, in-order rule, for the final report. */
    final List<String> violations = new ArrayList<>();
    /** Sequences recorded as refused ({@link #skip}); the simulator expects none. */
    final List<String> skipped = new ArrayList<>();
    int appends;

    private void record(double replicaId, double seq, String what) {
        double last = lastSeq.getOrDefault(replicaId, 0.0);
        if (seq != last + 1) {
            violations.add(what + " of replica " + (long) replicaId + " seq " + (long) seq + " after seq " + (long) last
                    + (seq <= last ? " (stored twice)" : " (a gap)"));
        }
        lastSeq.put(replicaId, Math.max(last, seq));
    }

    @Override
    public StoredDoc load(String docId) {
        return inner.load(docId);
    }

    @Override
    public void append(String docId, int type, byte[] update, double replicaId, double seq) {
        inner.append(docId, type, update, replicaId, seq); // throws while failWrites is set
        appends++;
        record(replicaId, seq, "append");
    }

    @Override
    public void skip(double replicaId, double seq) {
        inner.skip(replicaId, seq);
        skipped.add("replica " + (long) replicaId + " seq " + (long) seq);
        record(replicaId, seq, "skip");
    }

    @Override
    public double appliedSeq(double replicaId) {
        return inner.appliedSeq(replicaId);
    }

    @Override
    public boolean compact(String docId, Fold fold) {
        return inner.compact(docId, fold);
    }
}
