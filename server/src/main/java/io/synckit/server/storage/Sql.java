package io.synckit.server.storage;

import io.synckit.core.sync.ServerStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What the SQL stores share: number conversions and the statements that are the same in both dialects. */
final class Sql {
    /** 2^53-1: the largest replica id and sequence the protocol carries exactly in a double. */
    static final double MAX_EXACT = 9007199254740991.0;

    private Sql() {
    }

    /**
     * A replica id or sequence as the 64-bit integer stored for it. The interface uses doubles (they cross
     * to JavaScript); a value that is not an integer in [0, 2^53-1] would not come back exact, so it is refused.
     */
    static long toLong(String what, double v) {
        if (!(v >= 0 && v <= MAX_EXACT) || v != Math.rint(v)) {
            throw new IllegalArgumentException(what + " must be an integer in [0, 2^53-1]: " + v);
        }
        return (long) v;
    }

    /** The stored type of {@code docId}, or null. With {@code forUpdate} (PostgreSQL) the row stays locked. */
    static Integer type(Connection c, String docId, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT type FROM docs WHERE doc_id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, docId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    /** Reads a document: its type, then its log in index order (fresh arrays, a new list). */
    static ServerStore.StoredDoc load(Connection c, String docId) throws SQLException {
        Integer type = type(c, docId, false);
        if (type == null) {
            return null;
        }
        List<byte[]> log = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT data FROM doc_log WHERE doc_id = ? ORDER BY idx")) {
            ps.setString(1, docId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    log.add(rs.getBytes(1));
                }
            }
        }
        return new ServerStore.StoredDoc(type, log);
    }

    /**
     * The write part of {@code append} after the type check: the log row at the next index and the
     * replica's sequence, never lowered. {@code greatest} is the dialect's two-argument maximum.
     */
    static void appendRows(Connection c, String docId, byte[] update, long replica, long seq, String greatest)
            throws SQLException {
        long next;
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(idx), 0) + 1 FROM doc_log WHERE doc_id = ?")) {
            ps.setString(1, docId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                next = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO doc_log (doc_id, idx, data) VALUES (?, ?, ?)")) {
            ps.setString(1, docId);
            ps.setLong(2, next);
            ps.setBytes(3, update); // bound and written before we return: the caller may reuse its array
            ps.executeUpdate();
        }
        upsertSeq(c, replica, seq, greatest);
    }

    static void upsertSeq(Connection c, long replica, long seq, String greatest) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO replica_seq (replica_id, seq) VALUES (?, ?)"
                + " ON CONFLICT (replica_id) DO UPDATE SET seq = " + greatest + "(replica_seq.seq, excluded.seq)")) {
            ps.setLong(1, replica);
            ps.setLong(2, seq);
            ps.executeUpdate();
        }
    }

    static double appliedSeq(Connection c, long replica) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM replica_seq WHERE replica_id = ?")) {
            ps.setLong(1, replica);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? (double) rs.getLong(1) : 0;
            }
        }
    }

    /**
     * The rows of {@code compact}, in a transaction that already holds the document against appends and
     * other compactions ({@code type} is its stored type): the log is read, folded, and the rows read are
     * replaced by the fold at the index of the last of them, so it sorts before any later entry without
     * renumbering. Only the rows read are deleted, by index, never "everything".
     */
    static boolean compactRows(Connection c, String docId, int type, ServerStore.Fold fold) throws SQLException {
        List<byte[]> log = new ArrayList<>();
        long last = -1;
        try (PreparedStatement ps = c.prepareStatement("SELECT idx, data FROM doc_log WHERE doc_id = ? ORDER BY idx")) {
            ps.setString(1, docId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last = rs.getLong(1);
                    log.add(rs.getBytes(2));
                }
            }
        }
        if (log.isEmpty()) {
            return false;
        }
        byte[] state = fold.fold(type, log);
        if (state == null) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM doc_log WHERE doc_id = ? AND idx <= ?")) {
            ps.setString(1, docId);
            ps.setLong(2, last);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO doc_log (doc_id, idx, data) VALUES (?, ?, ?)")) {
            ps.setString(1, docId);
            ps.setLong(2, last);
            ps.setBytes(3, state);
            ps.executeUpdate();
        }
        return true;
    }

    /** A store's append inside a transaction (the dialects differ in how they create and lock the document). */
    interface Appender {
        void append(Connection c, String docId, int type, byte[] update, long replica, long seq) throws SQLException;
    }

    /** The rows of {@code writeBatch}, inside the caller's transaction, in order. */
    static void writeAll(Connection c, List<BatchWriter.Write> writes, String greatest, Appender appender)
            throws SQLException {
        for (BatchWriter.Write w : writes) {
            long replica = toLong("replicaId", w.replicaId());
            long seq = toLong("seq", w.seq());
            if (w.isSkip()) {
                upsertSeq(c, replica, seq, greatest);
            } else {
                appender.append(c, w.docId(), w.type(), w.update(), replica, seq);
            }
        }
    }

    static IllegalArgumentException typeClash(String docId, int stored, int type) {
        return new IllegalArgumentException(docId + " is stored with type " + stored + ", not " + type);
    }

    /** Rolls back after a failure, keeping the failure as the exception reported. */
    static void rollbackQuietly(Connection c, Throwable failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }
}
