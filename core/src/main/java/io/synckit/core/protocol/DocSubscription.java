package io.synckit.core.protocol;

/**
 * One document of a {@link Subscribe} (not a Frame member).
 *
 * <p>{@code synckit.v1.DocSubscription} in {@code proto/synckit/v1/sync.proto}, the normative spec.
 */
public final class DocSubscription {
    /** The document id. */
    public final String docId;
    /** A {@link DocType} value: the CRDT type the client expects. */
    public final int type;
    /**
     * The client's state vector for the document (the CRDT's encodeStateVector bytes); empty: it has
     * nothing.
     */
    public final byte[] stateVector;

    public DocSubscription(String docId, int type, byte[] stateVector) {
        this.docId = Values.string(docId, "DocSubscription.doc_id");
        this.type = type;
        this.stateVector = Values.bytes(stateVector, "DocSubscription.state_vector");
    }

    int bodySize() {
        return ProtoWriter.stringSize(1, docId)
                + ProtoWriter.enumSize(2, type)
                + ProtoWriter.bytesSize(3, stateVector);
    }

    void writeBody(ProtoWriter w) {
        w.string(1, docId);
        w.enumField(2, type);
        w.bytes(3, stateVector);
    }
}
