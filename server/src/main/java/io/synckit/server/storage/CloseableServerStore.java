package io.synckit.server.storage;

import io.synckit.core.sync.ServerStore;

/** A {@link ServerStore} that holds a database connection (or pool): close it at shutdown. */
public interface CloseableServerStore extends ServerStore, AutoCloseable {
    /** Releases the connections (idempotent). Writes that returned are already durable. */
    @Override
    void close();
}
