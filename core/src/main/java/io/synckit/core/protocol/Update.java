package io.synckit.core.protocol;

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
}
