package io.synckit.core.protocol;

import java.util.List;

/**
 * Starts receiving documents: the server answers each with a {@link SyncResponse}, then {@link Broadcast}s.
 *
 * <p>{@code synckit.v1.Subscribe} in {@code proto/synckit/v1/sync.proto}, the normative spec.
 */
public final class Subscribe extends Message {
    /** Its field number in Frame's oneof body. */
    public static final int FIELD_NUMBER = 4;

    /** The documents, at most {@link Limits#maxDocs} per frame (unmodifiable). */
    public final List<DocSubscription> docs;

    public Subscribe(List<DocSubscription> docs) {
        this.docs = Values.list(docs, "Subscribe.docs");
    }

    @Override
    public int fieldNumber() {
        return FIELD_NUMBER;
    }

    @Override
    int bodySize() {
        int size = 0;
        for (DocSubscription d : docs) {
            size += ProtoWriter.delimitedSize(1, d.bodySize());
        }
        return size;
    }

    @Override
    void writeBody(ProtoWriter w) {
        for (DocSubscription d : docs) {
            w.tag(1, ProtoWriter.LENGTH_DELIMITED);
            w.varint32(d.bodySize());
            d.writeBody(w);
        }
    }
}
