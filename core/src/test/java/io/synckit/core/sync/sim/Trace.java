package io.synckit.core.sync.sim;

import io.synckit.core.protocol.Ack;
import io.synckit.core.protocol.Broadcast;
import io.synckit.core.protocol.ErrorMessage;
import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Limits;
import io.synckit.core.protocol.Message;
import io.synckit.core.protocol.Ping;
import io.synckit.core.protocol.Pong;
import io.synckit.core.protocol.ProtocolException;
import io.synckit.core.protocol.Subscribe;
import io.synckit.core.protocol.SyncResponse;
import io.synckit.core.protocol.Unsubscribe;
import io.synckit.core.protocol.Update;
import io.synckit.core.protocol.Welcome;

/**
 * The last {@link #CAPACITY} events of a run, for the failure message. Recording must be cheap (a run
 * has thousands of events and only a failing one is ever printed), so an entry keeps the frame's bytes
 * and is decoded into words only by {@link #dump}.
 */
final class Trace {
    static final int CAPACITY = 60;

    private static final class Entry {
        double time;
        String what;
        int client;
        int conn;
        byte[] frame;
        String detail;
    }

    private final Entry[] ring = new Entry[CAPACITY];
    private int next;
    private long total;

    /** {@code client}: -1 for the server or the world; {@code conn}: 0 when no connection is concerned. */
    void add(double time, String what, int client, int conn, byte[] frame, String detail) {
        Entry e = ring[next];
        if (e == null) {
            e = new Entry();
            ring[next] = e;
        }
        e.time = time;
        e.what = what;
        e.client = client;
        e.conn = conn;
        e.frame = frame;
        e.detail = detail;
        next = (next + 1) % CAPACITY;
        total++;
    }

    long total() {
        return total;
    }

    String dump() {
        StringBuilder sb = new StringBuilder();
        sb.append("last ").append(Math.min(total, CAPACITY)).append(" of ").append(total).append(" events:\n");
        for (int i = 0; i < CAPACITY; i++) {
            Entry e = ring[(next + i) % CAPACITY];
            if (e == null) {
                continue;
            }
            sb.append(String.format("%10.1f ", e.time));
            sb.append(e.client < 0 ? "  " : "c" + e.client).append(' ');
            sb.append(e.conn == 0 ? "    " : String.format("#%-3d", e.conn)).append(' ');
            sb.append(e.what);
            if (e.frame != null) {
                sb.append(' ').append(describe(e.frame));
            }
            if (e.detail != null) {
                sb.append(' ').append(e.detail);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** A frame in a few words: its kind and the fields that matter for following a run. */
    static String describe(byte[] frame) {
        Message m;
        try {
            m = FrameCodec.decode(frame, Limits.DEFAULT);
        } catch (ProtocolException e) {
            return "<undecodable: " + e.getMessage() + ">";
        }
        if (m instanceof Hello) {
            return "Hello(resume=" + (long) ((Hello) m).resumeSeq + ")";
        } else if (m instanceof Welcome) {
            return "Welcome(acked=" + (long) ((Welcome) m).ackedSeq + ")";
        } else if (m instanceof Update) {
            Update u = (Update) m;
            return "Update(seq=" + (long) u.seq + ", " + u.docId + ", " + u.data.length + " B)";
        } else if (m instanceof Ack) {
            return "Ack(" + (long) ((Ack) m).seq + ")";
        } else if (m instanceof Broadcast) {
            Broadcast b = (Broadcast) m;
            return "Broadcast(" + b.docId + ", " + b.data.length + " B)";
        } else if (m instanceof Subscribe) {
            return "Subscribe(" + ((Subscribe) m).docs.size() + " docs)";
        } else if (m instanceof SyncResponse) {
            SyncResponse r = (SyncResponse) m;
            return "SyncResponse(" + r.docId + ", " + r.update.length + " B)";
        } else if (m instanceof Unsubscribe) {
            return "Unsubscribe" + ((Unsubscribe) m).docIds;
        } else if (m instanceof ErrorMessage) {
            ErrorMessage e = (ErrorMessage) m;
            return "Error(code=" + e.code + (e.fatal ? ", fatal" : "") + ", seq=" + (long) e.seq + ", \"" + e.message + "\")";
        } else if (m instanceof Ping) {
            return "Ping(" + (long) ((Ping) m).nonce + ")";
        } else if (m instanceof Pong) {
            return "Pong(" + (long) ((Pong) m).nonce + ")";
        }
        return m.getClass().getSimpleName();
    }
}
