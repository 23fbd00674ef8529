package io.synckit.server;

import io.micrometer.core.instrument.Counter;
import io.synckit.core.sync.ServerStore;

/** Counts every store call that throws ({@code synckit_storage_errors_total}) and passes the failure on. */
final class MeteredServerStore implements ServerStore {
    private final ServerStore store;
    private final Counter errors;

    MeteredServerStore(ServerStore store, Counter errors) {
        this.store = store;
        this.errors = errors;
    }

    private RuntimeException counted(RuntimeException e) {
        errors.increment();
        return e;
    }

    @Override
    public StoredDoc load(String docId) {
        try {
            return store.load(docId);
        } catch (RuntimeException e) {
            throw counted(e);
        }
    }

    @Override
    public void append(String docId, int type, byte[] update, double replicaId, double seq) {
        try {
            store.append(docId, type, update, replicaId, seq);
        } catch (RuntimeException e) {
            throw counted(e);
        }
    }

    @Override
    public void skip(double replicaId, double seq) {
        try {
            store.skip(replicaId, seq);
        } catch (RuntimeException e) {
            throw counted(e);
        }
    }

    @Override
    public double appliedSeq(double replicaId) {
        try {
            return store.appliedSeq(replicaId);
        } catch (RuntimeException e) {
            throw counted(e);
        }
    }

    @Override
    public boolean compact(String docId, Fold fold) {
        try {
            return store.compact(docId, fold);
        } catch (RuntimeException e) {
            throw counted(e);
        }
    }
}
