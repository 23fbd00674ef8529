package io.synckit.server;

import io.synckit.core.sync.ServerStore;
import io.synckit.server.storage.BatchWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Group commit between the engine and a {@link BatchWriter} store. The engine's appends and skips are
 * collected here instead of being written one transaction (one fsync) each; everything the engine sends
 * meanwhile (Acks, Broadcasts, Errors, closes, Redis publishes) is held too. {@link SyncService}'s
 * committer thread then writes all collected writes in one transaction, outside the engine lock, and
 * only after that releases what was held, in order. So an update is still acknowledged only once it is
 * durable ({@link ServerStore}'s contract holds end to end, as in {@code SyncSession} on the client), but
 * the lock is no longer held across an fsync: one fsync covers every update that arrived during the last.
 *
 * <p>Reads see the writes not yet committed ({@link #load}, {@link #appliedSeq}). A load that runs while
 * a batch is being committed may see that batch twice (from the database and from here); applying an
 * update twice changes nothing in a CRDT, so that is harmless, and missing it would not be.
 *
 * <p>Compactions wait for the commit too ({@link #compact}): the committer runs them after the batch
 * that holds the document's writes so far, outside the engine lock, so they fold those writes as well and
 * never hold up other documents' updates.
 *
 * <p>Every method runs under the engine lock (the engine's calls, and the committer's {@link #take} and
 * {@link #committed}); only the store calls inside may block.
 */
final class GroupCommitStore implements ServerStore {
    private final ServerStore store;
    private List<BatchWriter.Write> pending = new ArrayList<>();
    private List<BatchWriter.Write> inFlight = new ArrayList<>();
    private List<Runnable> held = new ArrayList<>();
    private Map<String, Fold> compactions = new LinkedHashMap<>();

    GroupCommitStore(ServerStore store) {
        this.store = store;
    }

    /**
     * One batch for the committer: the writes, what to release once they are durable, and the documents
     * to compact after that.
     */
    record Batch(List<BatchWriter.Write> writes, List<Runnable> release, Map<String, Fold> compactions) {
        boolean isEmpty() {
            return writes.isEmpty() && release.isEmpty() && compactions.isEmpty();
        }
    }

    /** Something the engine did that must wait for the writes before it (a send, a close, a publish). */
    void hold(Runnable action) {
        held.add(action);
    }

    boolean hasWork() {
        return !pending.isEmpty() || !held.isEmpty() || !compactions.isEmpty();
    }

    int pendingWrites() {
        return pending.size() + inFlight.size();
    }

    /** The committer takes everything collected so far; it stays visible to reads until {@link #committed}. */
    Batch take() {
        Batch b = new Batch(pending, held, compactions);
        inFlight = pending;
        pending = new ArrayList<>();
        held = new ArrayList<>();
        compactions = new LinkedHashMap<>();
        return b;
    }

    void committed() {
        inFlight = new ArrayList<>();
    }

    /** After a failed commit: nothing collected is durable, and nothing held may go out. */
    void discardAll() {
        pending = new ArrayList<>();
        inFlight = new ArrayList<>();
        held = new ArrayList<>();
        compactions = new LinkedHashMap<>();
    }

    // ---- ServerStore: what the engine sees ----

    @Override
    public StoredDoc load(String docId) {
        StoredDoc d = store.load(docId);
        List<byte[]> log = d == null ? new ArrayList<>() : new ArrayList<>(d.log);
        int type = d == null ? -1 : d.type;
        for (List<BatchWriter.Write> list : List.of(inFlight, pending)) {
            for (BatchWriter.Write w : list) {
                if (!w.isSkip() && w.docId().equals(docId)) {
                    log.add(w.update().clone());
                    type = type < 0 ? w.type() : type;
                }
            }
        }
        return type < 0 ? null : new StoredDoc(type, log);
    }

    @Override
    public void append(String docId, int type, byte[] update, double replicaId, double seq) {
        pending.add(new BatchWriter.Write(docId, type, update.clone(), replicaId, seq));
    }

    @Override
    public void skip(double replicaId, double seq) {
        pending.add(BatchWriter.Write.skip(replicaId, seq));
    }

    @Override
    public double appliedSeq(double replicaId) {
        double seq = store.appliedSeq(replicaId);
        for (List<BatchWriter.Write> list : List.of(inFlight, pending)) {
            for (BatchWriter.Write w : list) {
                if (w.replicaId() == replicaId && w.seq() > seq) {
                    seq = w.seq();
                }
            }
        }
        return seq;
    }

    /**
     * Schedules the compaction for after the next commit and reports it done. Compacting now would fold
     * only what the database already holds: the document's writes still in a batch would stay unfolded
     * until its next compaction, which a document that goes quiet after a burst never gets. The engine
     * counts log entries from here again; what the committer folds is everything written so far.
     */
    @Override
    public boolean compact(String docId, Fold fold) {
        compactions.put(docId, fold);
        return true;
    }
}
