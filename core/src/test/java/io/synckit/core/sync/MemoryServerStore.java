package io.synckit.core.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ServerStore} in memory, for core's tests: a simulated server crash drops the
 * {@link SyncServer} and keeps this object. {@link #failWrites} makes writes throw (a storage outage),
 * {@link #failReads} reads as well (a database that is down).
 * Byte arrays are copied in and out, as a database would.
 */
public final class MemoryServerStore implements ServerStore {
    private final Map<String, Integer> types = new HashMap<>();
    private final Map<String, List<byte[]>> logs = new HashMap<>();
    private final Map<Double, Double> seqs = new HashMap<>();
    public boolean failWrites;
    public boolean failReads;

    @Override
    public StoredDoc load(String docId) {
        if (failReads) {
            throw new IllegalStateException("storage unavailable (simulated)");
        }
        Integer type = types.get(docId);
        return type == null ? null : new StoredDoc(type, copies(logs.get(docId)));
    }

    @Override
    public void append(String docId, int type, byte[] update, double replicaId, double seq) {
        if (failWrites) {
            throw new IllegalStateException("storage unavailable (simulated)");
        }
        Integer known = types.get(docId);
        if (known != null && known != type) {
            throw new IllegalArgumentException(docId + " is stored with type " + known + ", not " + type);
        }
        types.put(docId, type);
        logs.computeIfAbsent(docId, k -> new ArrayList<>()).add(update.clone());
        seqs.put(replicaId, Math.max(seq, seqs.getOrDefault(replicaId, 0.0)));
    }

    @Override
    public void skip(double replicaId, double seq) {
        if (failWrites) {
            throw new IllegalStateException("storage unavailable (simulated)");
        }
        seqs.put(replicaId, Math.max(seq, seqs.getOrDefault(replicaId, 0.0)));
    }

    @Override
    public double appliedSeq(double replicaId) {
        if (failReads) {
            throw new IllegalStateException("storage unavailable (simulated)");
        }
        return seqs.getOrDefault(replicaId, 0.0);
    }

    @Override
    public boolean compact(String docId, Fold fold) {
        if (failWrites) {
            throw new IllegalStateException("storage unavailable (simulated)");
        }
        List<byte[]> log = logs.get(docId);
        if (log == null) {
            return false;
        }
        byte[] state = fold.fold(types.get(docId), copies(log));
        if (state == null) {
            return false;
        }
        List<byte[]> folded = new ArrayList<>();
        folded.add(state.clone());
        logs.put(docId, folded);
        return true;
    }

    private static List<byte[]> copies(List<byte[]> log) {
        List<byte[]> out = new ArrayList<>(log.size());
        for (byte[] b : log) {
            out.add(b.clone());
        }
        return out;
    }

    /** Number of log entries of a document (0 when unknown). */
    public int logSize(String docId) {
        List<byte[]> log = logs.get(docId);
        return log == null ? 0 : log.size();
    }
}
