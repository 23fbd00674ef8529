package io.synckit.core.sync;

import io.synckit.core.protocol.Update;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ClientStore} in memory, for core's tests. Writes are "durable" as soon as they return: a
 * simulated client crash drops the {@link SyncClient} and keeps this object. Byte arrays are copied in
 * and out, as IndexedDB's structured clone does.
 */
public final class MemoryClientStore implements ClientStore {
    private double nextSeq = 1;
    private final List<Update> outbox = new ArrayList<>();
    private final Map<String, List<byte[]>> logs = new HashMap<>();

    @Override
    public double nextSeq() {
        return nextSeq;
    }

    @Override
    public List<Update> outbox() {
        List<Update> out = new ArrayList<>(outbox.size());
        for (Update u : outbox) {
            out.add(copy(u));
        }
        return out;
    }

    @Override
    public List<byte[]> docLog(String docId) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] b : logs.getOrDefault(docId, new ArrayList<>())) {
            out.add(b.clone());
        }
        return out;
    }

    @Override
    public void addLocal(Update change) {
        if (change.seq != nextSeq) {
            throw new IllegalStateException("sequence " + change.seq + " added, " + nextSeq + " expected");
        }
        outbox.add(copy(change));
        logs.computeIfAbsent(change.docId, k -> new ArrayList<>()).add(change.data.clone());
        nextSeq = change.seq + 1;
    }

    @Override
    public void addRemote(String docId, byte[] update) {
        logs.computeIfAbsent(docId, k -> new ArrayList<>()).add(update.clone());
    }

    @Override
    public void acknowledged(double seq) {
        outbox.removeIf(u -> u.seq <= seq);
    }

    private static Update copy(Update u) {
        return new Update(u.seq, u.docId, u.data.clone());
    }

    @Override
    public void compact(String docId, byte[] state) {
        List<byte[]> log = new ArrayList<>();
        log.add(state.clone());
        logs.put(docId, log);
    }
}
