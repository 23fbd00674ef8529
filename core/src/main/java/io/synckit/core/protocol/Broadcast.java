package io.synckit.core.protocol;

import java.util.Arrays;

/**
 * Changes made elsewhere, server to the subscribers of a document.
 *
 * <p>{@code synckit.v1.Broadcast} in {@code proto/synckit/v1/sync.proto}, the normative spec.
 */
public final class Broadcast extends Message {
    /** Its field number in Frame's oneof body. */
    public static final int FIELD_NUMBER = 9;

    /** The document id. */
    public final String docId;
    /** A CRDT diff (idempotent: applying it twice is harmless). */
    public final byte[] data;

    public Broadcast(String docId, byte[] data) {
        this.docId = Values.string(docId, "Broadcast.doc_id");
        this.data = Values.bytes(data, "Broadcast.data");
    }

    @Override
    public int fieldNumber() {
        return FIELD_NUMBER;
    }

    @Override
    int bodySize() {
        return ProtoWriter.stringSize(1, docId)
                + ProtoWriter.bytesSize(2, data);
    }

    @Override
    void writeBody(ProtoWriter w) {
        w.string(1, docId);
        w.bytes(2, data);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Broadcast)) {
            return false;
        }
        Broadcast m = (Broadcast) o;
        return docId.equals(m.docId)
                && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        int h = docId.hashCode();
        h = 31 * h + Arrays.hashCode(data);
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Broadcast{");
        sb.append("docId=");
        Values.appendString(sb, docId);
        sb.append(", data=");
        Values.appendBytes(sb, data);
        return sb.append('}').toString();
    }
}
