package io.synckit.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.synckit.core.protocol.DocType;
import io.synckit.core.sync.ServerStore;
import io.synckit.core.sync.ServerStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link ServerStoreContract} on a SQLite file in a temporary directory; a restart reopens the file. */
class SqliteServerStoreTest extends ServerStoreContract {
    @TempDir
    Path dir;

    @Override
    protected ServerStore newStore() {
        return SqliteServerStore.openInDir(dir.resolve("data"));
    }

    @Override
    protected ServerStore reopen(ServerStore s) {
        ((SqliteServerStore) s).close();
        return SqliteServerStore.openInDir(dir.resolve("data"));
    }

    /** A second store on the same file (another process would do the same): SQLite's locks keep them apart. */
    @Override
    protected ServerStore sharing(ServerStore s) {
        otherStore = SqliteServerStore.openInDir(dir.resolve("data"));
        return otherStore;
    }

    private SqliteServerStore otherStore;

    @AfterEach
    void closeStore() {
        ((SqliteServerStore) store).close();
        if (otherStore != null) {
            otherStore.close();
        }
    }

    @Test
    void theFileUsesWalWithFullSyncAndRecordsItsSchemaVersion() throws Exception {
        Path file = ((SqliteServerStore) store).file();
        assertEquals(dir.resolve("data").resolve("synckit.db"), file);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertEquals("wal", rs.getString(1)); // persistent in the file
            }
            try (ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
    }

    @Test
    void noLockIsHeldBetweenCalls() throws Exception {
        store.append("doc", DocType.TEXT, bytes("u1"), 1, 1);
        store.load("doc");
        // Another connection (a backup or admin tool) can write at once, without waiting for a busy timeout.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ((SqliteServerStore) store).file());
                Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 0");
            s.executeUpdate("INSERT INTO replica_seq (replica_id, seq) VALUES (42, 7)");
        }
        assertEquals(7, store.appliedSeq(42));
        store.append("doc", DocType.TEXT, bytes("u2"), 1, 2);
    }

    @Test
    void aFileFromANewerServerIsRefused() throws Exception {
        Path file = ((SqliteServerStore) store).file();
        ((SqliteServerStore) store).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE schema_version SET version = 99");
        }
        RuntimeException e = assertThrows(RuntimeException.class, () -> SqliteServerStore.open(file));
        assertEquals(true, e.getMessage().contains("newer SyncKit server"), e.getMessage());
        store = newStoreAfterReset(file);
    }

    @Test
    void valuesThatWouldNotComeBackExactAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> store.skip(1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> store.skip(1, 9007199254740992.0));
        assertThrows(IllegalArgumentException.class, () -> store.append("d", DocType.TEXT, bytes("x"), -1, 1));
        assertEquals(null, store.load("d"));
    }

    @Test
    void theFactoryOpensSqliteWithoutAUrl() {
        try (CloseableServerStore s = ServerStores.open(" ", dir.resolve("other"))) {
            assertEquals(SqliteServerStore.class, s.getClass());
            assertEquals(true, Files.exists(dir.resolve("other").resolve("synckit.db")));
        }
    }

    /** Puts the file back to the current version so that the @AfterEach close has a store. */
    private static ServerStore newStoreAfterReset(Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE schema_version SET version = 1");
        }
        return SqliteServerStore.open(file);
    }

    /** Group commit's batch: all of it in one transaction, or nothing (a type clash in the middle). */
    @Test
    void aBatchIsWrittenWhollyOrNotAtAll() {
        BatchWriterChecks.wholeOrNothing(store);
    }
}
