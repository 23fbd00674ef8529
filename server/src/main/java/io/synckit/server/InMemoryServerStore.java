package io.synckit.server;

import io.synckit.core.sync.ServerStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DEVELOPMENT FALLBACK ONLY ({@code --storage memory}): a {@link ServerStore} in the heap. Nothing
 * survives a restart, so the "durable before acknowledged" contract holds only while the process lives:
 * a client whose changes were acknowledged keeps no copy, and they are gone after a restart. Never the
 * default; the server logs a warning when it is chosen. Synchronized, although the server calls it
 * under its engine lock only.
 */
public final class InMemoryServerStore implements ServerStore, io.synckit.server.storage.BatchWriter {
    private final Map<String, Integer> types = new HashMap<>();
    private final Map<String, List<byte[]>> logs = new HashMap<>();
    private final Map<Double, Double> seqs = new HashMap<>();

    @Override
    public synchronized StoredDoc load(String docId) {
        Integer type = types.get(docId);
        return type == null ? null : new StoredDoc(type, copies(logs.get(docId)));
    }

    @Override
    public synchronized void append(String docId, int type, byte[] update, double replicaId, double seq) {
        Integer known = types.get(docId);
        if (known != null && known != type) {
            throw new IllegalArgumentException(docId + " is stored with type " + known + ", not " + type);
        }
        types.put(docId, type);
        logs.computeIfAbsent(docId, k -> new ArrayList<>()).add(update.clone());
        seqs.merge(replicaId, seq, Math::max);
    }

    /** All or nothing: a type clash anywhere in the batch writes none of it. */
    @Override
    public synchronized void writeBatch(List<Write> writes) {
        Map<String, Integer> batchTypes = new HashMap<>();
        for (Write w : writes) {
            if (w.isSkip()) {
                continue;
            }
            Integer known = types.containsKey(w.docId()) ? types.get(w.docId()) : batchTypes.get(w.docId());
            if (known != null && known != w.type()) {
                throw new IllegalArgumentException(w.docId() + " is stored with type " + known + ", not " + w.type());
            }
            batchTypes.put(w.docId(), w.type());
        }
        for (Write w : writes) {
            if (w.isSkip()) {
                skip(w.replicaId(), w.seq());
            } else {
                append(w.docId(), w.type(), w.update(), w.replicaId(), w.seq());
            }
        }
    }

    @Override
    public synchronized void skip(double replicaId, double seq) {
        seqs.merge(replicaId, seq, Math::max);
    }

    @Override
    public synchronized double appliedSeq(double replicaId) {
        return seqs.getOrDefault(replicaId, 0.0);
    }

    @Override
    public synchronized boolean compact(String docId, Fold fold) {
        List<byte[]> log = logs.get(docId);
        byte[] state = log == null || log.isEmpty() ? null : fold.fold(types.get(docId), copies(log));
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
}
