package io.synckit.core.protocol;

/**
 * The server's answer to one {@link DocSubscription}.
 *
 * <p>{@code synckit.v1.SyncResponse} in {@code proto/synckit/v1/sync.proto}, the normative spec.
 */
public final class SyncResponse extends Message {
    /** Its field number in Frame's oneof body. */
    public static final int FIELD_NUMBER = 6;

    /** The document id. */
    public final String docId;
    /** A CRDT diff: exactly what the subscriber lacks. */
    public final byte[] update;
    /** The server's state vector, so the client can send what the server lacks. */
    public final byte[] stateVector;

    public SyncResponse(String docId, byte[] update, byte[] stateVector) {
        this.docId = Values.string(docId, "SyncResponse.doc_id");
        this.update = Values.bytes(update, "SyncResponse.update");
        this.stateVector = Values.bytes(stateVector, "SyncResponse.state_vector");
    }

    @Override
    public int fieldNumber() {
        return FIELD_NUMBER;
    }

    @Override
    int bodySize() {
        return ProtoWriter.stringSize(1, docId)
                + ProtoWriter.bytesSize(2, update)
                + ProtoWriter.bytesSize(3, stateVector);
    }

    @Override
    void writeBody(ProtoWriter w) {
        w.string(1, docId);
        w.bytes(2, update);
        w.bytes(3, stateVector);
    }
}
