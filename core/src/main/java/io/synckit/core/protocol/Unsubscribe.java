package io.synckit.core.protocol;

import io.synckit.core.codec.Utf8;
import java.util.List;

/**
 * Stops receiving documents; ids not subscribed are ignored.
 *
 * <p>{@code synckit.v1.Unsubscribe} in {@code proto/synckit/v1/sync.proto}, the normative spec.
 */
public final class Unsubscribe extends Message {
    /** Its field number in Frame's oneof body. */
    public static final int FIELD_NUMBER = 5;

    /** The document ids, at most {@link Limits#maxDocs} per frame (unmodifiable). */
    public final List<String> docIds;

    public Unsubscribe(List<String> docIds) {
        this.docIds = Values.list(docIds, "Unsubscribe.doc_ids");
    }

    @Override
    public int fieldNumber() {
        return FIELD_NUMBER;
    }

    @Override
    int bodySize() {
        int size = 0;
        for (String s : docIds) {
            size += ProtoWriter.delimitedSize(1, Utf8.length(s));
        }
        return size;
    }

    @Override
    void writeBody(ProtoWriter w) {
        for (String s : docIds) {
            w.stringAlways(1, s);
        }
    }
}
