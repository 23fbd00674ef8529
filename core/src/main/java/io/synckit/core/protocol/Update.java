package io.synckit.core.protocol;

import io.synckit.core.codec.Texts;
import java.util.Arrays;

/**
 * Local changes, client to server.
 *
 * <p>{@code synckit.v1.Update} in {@code proto/synckit/v1/sync.proto}, the normative spec.
 */
public final class Update extends Message {
    /** Its field number in Frame's oneof body. */
    public static final int FIELD_NUMBER = 7;

    /** Per replica, from 1, contiguous over the replica's lifetime. */
    public final double seq;
    /** The document id. */
    public final String docId;
    /** A CRDT diff holding one or more local changes. */
    public final byte[] data;

    public Update(double seq, String docId, byte[] data) {
        this.seq = Values.uint64(seq, "Update.seq");
        this.docId = Values.string(docId, "Update.doc_id");
        this.data = Values.bytes(data, "Update.data");
    }

    @Override
    public int fieldNumber() {
        return FIELD_NUMBER;
    }

    @Override
    int bodySize() {
        return ProtoWriter.uint64Size(1, seq)
                + ProtoWriter.stringSize(2, docId)
                + ProtoWriter.bytesSize(3, data);
    }

    @Override
    void writeBody(ProtoWriter w) {
        w.uint64(1, seq);
        w.string(2, docId);
        w.bytes(3, data);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Update)) {
            return false;
        }
        Update m = (Update) o;
        return seq == m.seq
                && docId.equals(m.docId)
                && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        int h = Values.hash(seq);
        h = 31 * h + docId.hashCode();
        h = 31 * h + Arrays.hashCode(data);
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Update{");
        sb.append("seq=");
        sb.append(Texts.number(seq));
        sb.append(", docId=");
        Values.appendString(sb, docId);
        sb.append(", data=");
        Values.appendBytes(sb, data);
        return sb.append('}').toString();
    }
}
