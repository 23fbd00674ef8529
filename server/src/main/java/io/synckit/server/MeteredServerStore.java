package io.synckit.server;

import io.micrometer.core.instrument.Counter;
import io.synckit.core.sync.ServerStore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every store call that throws ({@code synckit_storage_errors_total}), logs it (at most one line
 * per 10 s, with how many were not logged: a database outage fails every call) and passes it on.
 */
final class MeteredServerStore implements ServerStore {
    private static final Logger LOG = LoggerFactory.getLogger(MeteredServerStore.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;
    private final ServerStore store;
    private final Counter errors;
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final AtomicLong unlogged = new AtomicLong();

    MeteredServerStore(ServerStore store, Counter errors) {
        this.store = store;
        this.errors = errors;
    }

    private RuntimeException counted(String op, String docId, RuntimeException e) {
        errors.increment();
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.atError().addKeyValue("op", op).addKeyValue("doc", docId).addKeyValue("suppressed", unlogged.getAndSet(0))
                    .setCause(e).log("storage call failed; the client gets Error INTERNAL and nothing is acknowledged");
        } else {
            unlogged.incrementAndGet();
        }
        return e;
    }

    @Override
    public StoredDoc load(String docId) {
        try {
            return store.load(docId);
        } catch (RuntimeException e) {
            throw counted("load", docId, e);
        }
    }

    @Override
    public void append(String docId, int type, byte[] update, double replicaId, double seq) {
        try {
            store.append(docId, type, update, replicaId, seq);
        } catch (RuntimeException e) {
            throw counted("append", docId, e);
        }
    }

    @Override
    public void skip(double replicaId, double seq) {
        try {
            store.skip(replicaId, seq);
        } catch (RuntimeException e) {
            throw counted("skip", null, e);
        }
    }

    @Override
    public double appliedSeq(double replicaId) {
        try {
            return store.appliedSeq(replicaId);
        } catch (RuntimeException e) {
            throw counted("appliedSeq", null, e);
        }
    }

    @Override
    public boolean compact(String docId, Fold fold) {
        try {
            return store.compact(docId, fold);
        } catch (RuntimeException e) {
            throw counted("compact", docId, e);
        }
    }
}
