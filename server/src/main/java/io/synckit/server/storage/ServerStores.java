package io.synckit.server.storage;

import java.nio.file.Path;

/** Opens the server's store: PostgreSQL when a JDBC URL is configured, else SQLite in the data directory. */
public final class ServerStores {
    private ServerStores() {
    }

    /**
     * {@link PostgresServerStore} on {@code postgresUrl} when it is non-blank, else {@link SqliteServerStore}
     * in {@code dataDir/synckit.db}. Close the result ({@link CloseableServerStore}) at shutdown.
     */
    public static CloseableServerStore open(String postgresUrl, Path dataDir) {
        if (postgresUrl != null && !postgresUrl.isBlank()) {
            return PostgresServerStore.open(postgresUrl.trim());
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("no PostgreSQL URL and no data directory: one of them is needed");
        }
        return SqliteServerStore.openInDir(dataDir);
    }
}
