package io.synckit.core.protocol;

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
}
