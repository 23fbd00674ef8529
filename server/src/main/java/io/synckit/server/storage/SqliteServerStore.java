package io.synckit.server.storage;

import io.synckit.core.sync.ServerStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The embedded default {@link ServerStore}: one SQLite file (e.g. {@code ./data/synckit.db}) through
 * sqlite-jdbc, whose jar carries the native library, so a server needs no database to start.
 *
 * <p><b>Durability.</b> The file is opened in WAL journal mode with {@code synchronous=FULL}: every commit
 * appends to the write-ahead log and fsyncs it before {@code COMMIT} returns, so when {@link #append} or
 * {@link #skip} returns, the write survives a process crash and a power loss (as far as the disk honours
 * fsync). The cost is one fsync per write: append throughput is bounded by the disk's sync latency (hundreds
 * to a few thousand appends per second on SSDs; see {@code docs/server.md}). {@code synchronous=NORMAL}
 * would sync only at checkpoints and be several times faster, but a power loss could then drop writes the
 * engine has already acknowledged, which the {@link ServerStore} contract forbids. WAL (rather than a
 * rollback journal) keeps that to one sync per commit and lets reads run beside a write.
 *
 * <p><b>Concurrency.</b> One connection, used by one thread at a time (each call is one transaction under
 * the store's lock): SQLite has a single writer anyway, and each write is one short transaction. Writes
 * start with {@code BEGIN IMMEDIATE} (another writer on the file waits up to the busy timeout instead of
 * deadlocking); no transaction stays open between calls. A failed write is rolled back and throws ({@link StoreException}, or
 * IllegalArgumentException for a type clash): nothing of it is stored.
 *
 * <p><b>Schema.</b> {@code docs(doc_id, type)}, {@code doc_log(doc_id, idx, data)} and
 * {@code replica_seq(replica_id, seq)}, with replica ids and sequences as 64-bit integers (exact up to
 * 2^53-1, the protocol's limit) and update bytes as opaque BLOBs: the store never parses them, so it would
 * keep end-to-end-encrypted documents just the same. {@code schema_version} holds the version; migrations
 * run at open in one transaction, and a file written by a newer server is refused.
 *
 * <p>Tested by {@code SqliteServerStoreTest} (the {@code ServerStoreContract} suite, reopening the file as
 * a restart) and {@code SqliteCrashTest} (a child JVM killed with SIGKILL while appending).
 */
public final class SqliteServerStore implements CloseableServerStore, BatchWriter {
    /** The schema, one entry per version: migration {@code i} takes the file from version i to i+1. */
    private static final String[][] MIGRATIONS = {
        {
            "CREATE TABLE docs (doc_id TEXT PRIMARY KEY, type INTEGER NOT NULL)",
            "CREATE TABLE doc_log (doc_id TEXT NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL,"
                    + " PRIMARY KEY (doc_id, idx))",
            "CREATE TABLE replica_seq (replica_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL)",
        },
    };

    private final Path file;
    private final Connection conn;
    private boolean closed;

    private SqliteServerStore(Path file, Connection conn) {
        this.file = file;
        this.conn = conn;
    }

    /** Opens (creating it and its directories if needed) the store in {@code dataDir/synckit.db}. */
    public static SqliteServerStore openInDir(Path dataDir) {
        return open(dataDir.resolve("synckit.db"));
    }

    /** Opens (creating it and its parent directories if needed) the database file {@code file}. */
    public static SqliteServerStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the data directory of " + file + ": " + e.getMessage(), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        Connection c = null;
        try {
            c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
            checkPragma(c, "journal_mode", "wal");
            checkPragma(c, "synchronous", "2"); // FULL
            migrate(c, file);
            return new SqliteServerStore(file, c);
        } catch (SQLException | RuntimeException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            throw new StoreException("cannot open the SQLite store " + file + ": " + e.getMessage(), e);
        }
    }

    /** Refuses to run without the settings the durability contract rests on (e.g. a read-only medium). */
    private static void checkPragma(Connection c, String pragma, String expected) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA " + pragma)) {
            String actual = rs.next() ? rs.getString(1) : null;
            if (!expected.equalsIgnoreCase(actual)) {
                throw new SQLException("PRAGMA " + pragma + " is " + actual + ", expected " + expected);
            }
        }
    }

    private static void migrate(Connection c, Path file) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            s.executeUpdate("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version;
            try (var rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            if (version > MIGRATIONS.length) {
                throw new SQLException(file + " has schema version " + version + " but this server knows up to "
                        + MIGRATIONS.length + ": it was written by a newer SyncKit server; upgrade this one");
            }
            for (int v = version; v < MIGRATIONS.length; v++) {
                for (String sql : MIGRATIONS[v]) {
                    s.executeUpdate(sql);
                }
            }
            if (version < MIGRATIONS.length) {
                s.executeUpdate("DELETE FROM schema_version");
                s.executeUpdate("INSERT INTO schema_version (version) VALUES (" + MIGRATIONS.length + ")");
            }
            s.execute("COMMIT");
        } catch (SQLException | RuntimeException e) {
            try (Statement s = c.createStatement()) {
                s.execute("ROLLBACK");
            } catch (SQLException rollback) {
                e.addSuppressed(rollback); // also when no transaction was open
            }
            throw e;
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** A unit of work in one transaction; committed when it returns, rolled back when it throws. */
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} between {@code begin} and {@code COMMIT}. The connection stays in auto-commit mode
     * and the transaction is spelled out, so no lock is held between calls (sqlite-jdbc's own
     * {@code setAutoCommit(false)} would begin the next transaction right after each commit, keeping the
     * write lock while the store is idle and blocking, e.g., a backup tool).
     */
    private synchronized <T> T inTransaction(String begin, String what, Work<T> work) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        try (Statement s = conn.createStatement()) {
            s.execute(begin);
            try {
                T result = work.run(conn);
                s.execute("COMMIT"); // with synchronous=FULL, returns once the WAL is synced
                return result;
            } catch (SQLException | RuntimeException e) {
                // Also after a failed COMMIT, which may leave the transaction open: the next call starts clean.
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("SQLite store " + file + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public StoredDoc load(String docId) {
        return inTransaction("BEGIN", "load " + docId, c -> Sql.load(c, docId));
    }

    @Override
    public void append(String docId, int type, byte[] update, double replicaId, double seq) {
        long replica = Sql.toLong("replicaId", replicaId);
        long sq = Sql.toLong("seq", seq);
        inTransaction("BEGIN IMMEDIATE", "append to " + docId, c -> {
            appendIn(c, docId, type, update, replica, sq);
            return null;
        });
    }

    private static void appendIn(Connection c, String docId, int type, byte[] update, long replica, long sq)
            throws SQLException {
        Integer stored = Sql.type(c, docId, false);
        if (stored == null) {
            try (var ps = c.prepareStatement("INSERT INTO docs (doc_id, type) VALUES (?, ?)")) {
                ps.setString(1, docId);
                ps.setInt(2, type);
                ps.executeUpdate();
            }
        } else if (stored != type) {
            throw Sql.typeClash(docId, stored, type);
        }
        Sql.appendRows(c, docId, update, replica, sq, "MAX");
    }

    /** One transaction, one fsync, for the whole batch. */
    @Override
    public void writeBatch(java.util.List<Write> writes) {
        inTransaction("BEGIN IMMEDIATE", "write " + writes.size() + " updates", c -> {
            Sql.writeAll(c, writes, "MAX", SqliteServerStore::appendIn);
            return null;
        });
    }

    @Override
    public void skip(double replicaId, double seq) {
        long replica = Sql.toLong("replicaId", replicaId);
        long sq = Sql.toLong("seq", seq);
        inTransaction("BEGIN IMMEDIATE", "skip", c -> {
            Sql.upsertSeq(c, replica, sq, "MAX");
            return null;
        });
    }

    @Override
    public double appliedSeq(double replicaId) {
        long replica = Sql.toLong("replicaId", replicaId);
        return inTransaction("BEGIN", "read the sequence of a replica", c -> Sql.appliedSeq(c, replica));
    }

    @Override
    public boolean compact(String docId, Fold fold) {
        // IMMEDIATE takes the write lock before reading: no append can slip in between read and delete.
        return inTransaction("BEGIN IMMEDIATE", "compact " + docId, c -> {
            Integer type = Sql.type(c, docId, false);
            return type != null && Sql.compactRows(c, docId, type, fold);
        });
    }

    /** Closes the connection (idempotent). Everything returned before is already on disk. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            conn.close();
        } catch (SQLException e) {
            throw new StoreException("SQLite store " + file + ": cannot close: " + e.getMessage(), e);
        }
    }
}
