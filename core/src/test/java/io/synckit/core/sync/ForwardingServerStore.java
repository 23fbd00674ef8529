package io.synckit.core.sync;

/**
 * A ServerStore that forwards every call: tests (core's and the server's) override what they observe or
 * break.
 */
public class ForwardingServerStore implements ServerStore {
    private final ServerStore inner;

    public ForwardingServerStore(ServerStore inner) {
        this.inner = inner;
    }

    @Override
    public StoredDoc load(String docId) {
        return inner.load(docId);
    }

    @Override
    public void append(String docId, int type, byte[] update, double replicaId, double seq) {
        inner.append(docId, type, update, replicaId, seq);
    }

    @Override
    public void skip(double replicaId, double seq) {
        inner.skip(replicaId, seq);
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
