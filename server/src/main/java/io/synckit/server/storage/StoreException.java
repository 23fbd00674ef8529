package io.synckit.server.storage;

/**
 * A storage failure (the database refused, failed or could not be reached). Unchecked, as the engine
 * ({@link io.synckit.core.sync.SyncServer}) treats every {@code RuntimeException} from its store as an
 * internal error; the cause keeps the driver's {@link java.sql.SQLException}. When it is thrown by a
 * write, nothing of that write was stored.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
