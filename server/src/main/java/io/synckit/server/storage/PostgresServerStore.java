package io.synckit.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.synckit.core.sync.ServerStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A {@link ServerStore} in PostgreSQL, through pgjdbc and a small HikariCP pool: for servers that already
 * run PostgreSQL (backups, replication, several server processes on one database).
 *
 * <p>Same tables as {@link SqliteServerStore}: {@code docs(doc_id text COLLATE "C", type int)},
 * {@code doc_log(doc_id, idx bigint, data bytea)}, {@code replica_seq(replica_id bigint, seq bigint)}.
 * Document ids use the "C" collation, so they compare byte for byte (PostgreSQL text cannot hold NUL: such
 * an id makes the write fail, and nothing is stored). Update bytes are opaque {@code bytea}: never parsed,
 * so end-to-end-encrypted documents are stored the same way.
 *
 * <p><b>Durability.</b> Each {@link #append} is one transaction that locks the document's row, inserts the
 * log row and upserts the replica's sequence; {@link #skip} upserts the sequence with {@code GREATEST}.
 * Every pooled connection runs with {@code synchronous_commit = on}, whatever the database's default, so
 * a returned commit is flushed to PostgreSQL's WAL. A type clash or any failure rolls back: nothing written.
 *
 * <p><b>Schema.</b> {@code schema_version} holds the version; migrations run at open in one transaction
 * under an advisory lock, so servers starting together migrate once. Tables are created in the
 * connection's current schema (set {@code currentSchema} in the URL to use another one).
 *
 * <p>Tested by {@code PostgresServerStoreTest} against a real PostgreSQL ({@code SYNCKIT_TEST_POSTGRES_URL}).
 */
public final class PostgresServerStore implements CloseableServerStore, BatchWriter {
    private static final String[][] MIGRATIONS = {
        {
            "CREATE TABLE docs (doc_id text COLLATE \"C\" PRIMARY KEY, type integer NOT NULL)",
            "CREATE TABLE doc_log (doc_id text COLLATE \"C\" NOT NULL REFERENCES docs (doc_id),"
                    + " idx bigint NOT NULL, data bytea NOT NULL, PRIMARY KEY (doc_id, idx))",
            "CREATE TABLE replica_seq (replica_id bigint PRIMARY KEY, seq bigint NOT NULL)",
        },
    };
    /** Advisory lock key for migrations ("SyncKit" in ASCII). */
    private static final long MIGRATION_LOCK = 0x53796e634b6974L;

    private final HikariDataSource pool;

    private PostgresServerStore(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Connects to {@code jdbcUrl} (e.g. {@code jdbc:postgresql://127.0.0.1:5432/synckit?user=synckit}) with a
     * pool of at most {@code maxConnections}, and brings the schema up to date.
     */
    public static PostgresServerStore open(String jdbcUrl, int maxConnections) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(maxConnections);
        config.setMinimumIdle(1);
        config.setAutoCommit(false);
        config.setPoolName("synckit-store");
        config.setConnectionInitSql("SET synchronous_commit TO on");
        config.setInitializationFailTimeout(10_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to PostgreSQL: " + e.getMessage(), e);
        }
        try (Connection c = pool.getConnection()) {
            migrate(c);
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e instanceof RuntimeException ? (RuntimeException) e
                    : new StoreException("cannot prepare the PostgreSQL schema: " + e.getMessage(), e);
        }
        return new PostgresServerStore(pool);
    }

    /** {@link #open(String, int)} with a pool of 4 connections. */
    public static PostgresServerStore open(String jdbcUrl) {
        return open(jdbcUrl, 4);
    }

    private static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            s.executeUpdate("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)");
            int version;
            try (var rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                rs.next();
                version = rs.getInt(1);
            }
            if (version > MIGRATIONS.length) {
                throw new SQLException("the database has schema version " + version + " but this server knows up to "
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
            c.commit();
        } catch (SQLException | RuntimeException e) {
            Sql.rollbackQuietly(c, e);
            throw e;
        }
    }

    /** A unit of work in one transaction; committed when it returns, rolled back when it throws. */
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                Sql.rollbackQuietly(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("PostgreSQL store: cannot " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public StoredDoc load(String docId) {
        return inTransaction("load " + docId, c -> Sql.load(c, docId));
    }

    @Override
    public void append(String docId, int type, byte[] update, double replicaId, double seq) {
        long replica = Sql.toLong("replicaId", replicaId);
        long sq = Sql.toLong("seq", seq);
        inTransaction("append to " + docId, c -> {
            appendIn(c, docId, type, update, replica, sq);
            return null;
        });
    }

    private static void appendIn(Connection c, String docId, int type, byte[] update, long replica, long sq)
            throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO docs (doc_id, type) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, docId);
            ps.setInt(2, type);
            ps.executeUpdate();
        }
        // Locks the document's row: appends to one document are serialised, so MAX(idx) + 1 is safe.
        int stored = Sql.type(c, docId, true);
        if (stored != type) {
            throw Sql.typeClash(docId, stored, type);
        }
        Sql.appendRows(c, docId, update, replica, sq, "GREATEST");
    }

    /**
     * One transaction, one commit, for the whole batch. Document rows are locked in id order (a stable
     * sort keeps each document's appends in order): two nodes' batches then never wait for each other in a
     * cycle.
     */
    @Override
    public void writeBatch(java.util.List<Write> writes) {
        java.util.List<Write> ordered = new java.util.ArrayList<>(writes);
        ordered.sort(java.util.Comparator.comparing(Write::docId, java.util.Comparator.nullsLast(String::compareTo)));
        inTransaction("write " + writes.size() + " updates", c -> {
            Sql.writeAll(c, ordered, "GREATEST", PostgresServerStore::appendIn);
            return null;
        });
    }

    @Override
    public void skip(double replicaId, double seq) {
        long replica = Sql.toLong("replicaId", replicaId);
        long sq = Sql.toLong("seq", seq);
        inTransaction("skip", c -> {
            Sql.upsertSeq(c, replica, sq, "GREATEST");
            return null;
        });
    }

    @Override
    public double appliedSeq(double replicaId) {
        long replica = Sql.toLong("replicaId", replicaId);
        return inTransaction("read the sequence of a replica", c -> Sql.appliedSeq(c, replica));
    }

    @Override
    public boolean compact(String docId, Fold fold) {
        return inTransaction("compact " + docId, c -> {
            // Locks the document's row, as append does: appends and compactions of this document from
            // every node wait, so the log read is the log replaced.
            Integer type = Sql.type(c, docId, true);
            return type != null && Sql.compactRows(c, docId, type, fold);
        });
    }

    /** A run-time setting as a pooled connection sees it ({@code SHOW}); for tests. */
    String setting(String name) {
        return inTransaction("read " + name, c -> {
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SHOW " + name)) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    /** Closes the pool (idempotent). */
    @Override
    public void close() {
        pool.close();
    }
}
