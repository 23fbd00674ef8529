package io.synckit.core.sync;

import io.synckit.core.codec.Reader;
import io.synckit.core.protocol.Update;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's side of {@link SyncSession}'s effects, as a test needs it: decodes a drain, and keeps a
 * "persisted" copy of the store built from the WRITE_ effects only (what IndexedDB would hold), from which
 * a new session can be loaded as after a page reload.
 */
final class SessionEffects {
    /** One decoded effect: kind and its fields. */
    record Effect(int kind, double seq, String docId, byte[] data, int code, String message) {
        @Override
        public String toString() {
            return switch (kind) {
                case SyncSession.WRITE_LOCAL -> "WRITE_LOCAL " + (long) seq + " " + docId;
                case SyncSession.WRITE_REMOTE -> "WRITE_REMOTE " + docId;
                case SyncSession.WRITE_ACK -> "WRITE_ACK " + (long) seq;
                case SyncSession.WRITE_COMPACT -> "WRITE_COMPACT " + docId;
                case SyncSession.SEND -> "SEND";
                case SyncSession.CONNECT -> "CONNECT";
                case SyncSession.CLOSE -> "CLOSE";
                case SyncSession.STATUS -> "STATUS " + code;
                case SyncSession.CHANGE -> "CHANGE " + docId;
                case SyncSession.ERROR -> "ERROR " + code + " " + message;
                default -> "?" + kind;
            };
        }
    }

    static List<Effect> decode(byte[] drained) {
        Reader r = new Reader(drained);
        List<Effect> out = new ArrayList<>();
        while (r.hasRemaining()) {
            int kind = r.readByte();
            switch (kind) {
                case SyncSession.WRITE_LOCAL -> {
                    double seq = r.readVarUint53();
                    String doc = r.readString();
                    out.add(new Effect(kind, seq, doc, bytes(r), 0, null));
                }
                case SyncSession.WRITE_REMOTE, SyncSession.WRITE_COMPACT -> {
                    String doc = r.readString();
                    out.add(new Effect(kind, 0, doc, bytes(r), 0, null));
                }
                case SyncSession.WRITE_ACK -> out.add(new Effect(kind, r.readVarUint53(), null, null, 0, null));
                case SyncSession.SEND -> out.add(new Effect(kind, 0, null, bytes(r), 0, null));
                case SyncSession.CONNECT, SyncSession.CLOSE -> out.add(new Effect(kind, 0, null, null, 0, null));
                case SyncSession.STATUS -> out.add(new Effect(kind, 0, null, null, r.readVarUint(), null));
                case SyncSession.CHANGE -> out.add(new Effect(kind, 0, r.readString(), null, 0, null));
                case SyncSession.ERROR -> {
                    int code = r.readVarUint();
                    String message = r.readString();
                    out.add(new Effect(kind, 0, r.readString(), null, code, message));
                }
                default -> throw new AssertionError("unknown effect kind " + kind);
            }
        }
        return out;
    }

    private static byte[] bytes(Reader r) {
        int n = r.readVarUint();
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.readByte();
        }
        return b;
    }

    // ---- the persisted copy ----

    double nextSeq = 1;
    final List<Update> outbox = new ArrayList<>();
    final Map<String, List<byte[]>> logs = new LinkedHashMap<>();

    /** Applies the WRITE_ effects of {@code effects}, as the host commits them. */
    void persist(List<Effect> effects) {
        for (Effect e : effects) {
            switch (e.kind()) {
                case SyncSession.WRITE_LOCAL -> {
                    outbox.add(new Update(e.seq(), e.docId(), e.data()));
                    logs.computeIfAbsent(e.docId(), k -> new ArrayList<>()).add(e.data());
                    nextSeq = Math.max(nextSeq, e.seq() + 1);
                }
                case SyncSession.WRITE_REMOTE -> logs.computeIfAbsent(e.docId(), k -> new ArrayList<>()).add(e.data());
                case SyncSession.WRITE_ACK -> outbox.removeIf(u -> u.seq <= e.seq());
                case SyncSession.WRITE_COMPACT -> {
                    List<byte[]> l = logs.computeIfAbsent(e.docId(), k -> new ArrayList<>());
                    l.clear();
                    l.add(e.data());
                }
                default -> {
                }
            }
        }
    }

    /** Loads the persisted copy into a new session (before its begin()). */
    void loadInto(SyncSession s) {
        s.loadNextSeq(nextSeq);
        for (Update u : outbox) {
            s.loadOutbox(u.seq, u.docId, u.data);
        }
        for (Map.Entry<String, List<byte[]>> e : logs.entrySet()) {
            for (byte[] b : e.getValue()) {
                s.loadDocLog(e.getKey(), b);
            }
        }
    }
}
