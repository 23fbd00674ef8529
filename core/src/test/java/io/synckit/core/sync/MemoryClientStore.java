package io.synckit.core.sync;

import io.synckit.core.protocol.Update;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ClientStore} in memory, for core's tests. Writes are "durable" as soon as they return: a
 * simulated client crash drops the {@link SyncClient} and keeps this object.
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
        return new ArrayList<>(outbox);
    }

    @Override
    public List<byte[]> docLog(String docId) {
        return new ArrayList<>(logs.getOrDefault(docId, new ArrayList<>()));
    }

    @Override
    public void addLocal(Update change) {
        if (change.seq != nextSeq) {
            throw new IllegalStateException("sequence " + change.seq + " added, " + nextSeq + " expected");
        }
        outbox.add(change);
        logs.computeIfAbsent(change.docId, k -> new ArrayList<>()).add(change.data);
        nextSeq = change.seq + 1;
    }

    @Override
    public void addRemote(String docId, byte[] update) {
        logs.computeIfAbsent(docId, k -> new ArrayList<>()).add(update);
    }

    @Override
    public void acknowledged(double seq) {
        outbox.removeIf(u -> u.seq <= seq);
    }

    @Override
    public void compact(String docId, byte[] state) {
        List<byte[]> log = new ArrayList<>();
        log.add(state);
        logs.put(docId, log);
    }
}
