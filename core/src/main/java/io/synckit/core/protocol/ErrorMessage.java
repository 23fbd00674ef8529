package io.synckit.core.protocol;

/**
 * A failure ({@code Error} in the .proto; renamed so it does not hide {@code java.lang.Error}). A fatal one
 * is followed by the sender closing the connection.
 *
 * <p>{@code synckit.v1.Error} in {@code proto/synckit/v1/sync.proto}, the normative spec.
 */
public final class ErrorMessage extends Message {
    /** Its field number in Frame's oneof body. */
    public static final int FIELD_NUMBER = 3;

    /** An {@link ErrorCode} value; one this version does not know means {@link ErrorCode#INTERNAL}. */
    public final int code;
    /** What was wrong and what to do, for people; never parsed. */
    public final String message;
    /** The document concerned, "" if none. */
    public final String docId;
    /** The {@link Update#seq} concerned, 0 if none. */
    public final double seq;
    /** True: the sender closes the connection after this frame. */
    public final boolean fatal;

    public ErrorMessage(int code, String message, String docId, double seq, boolean fatal) {
        this.code = code;
        this.message = Values.string(message, "Error.message");
        this.docId = Values.string(docId, "Error.doc_id");
        this.seq = Values.uint64(seq, "Error.seq");
        this.fatal = fatal;
    }

    @Override
    public int fieldNumber() {
        return FIELD_NUMBER;
    }

    @Override
    int bodySize() {
        return ProtoWriter.enumSize(1, code)
                + ProtoWriter.stringSize(2, message)
                + ProtoWriter.stringSize(3, docId)
                + ProtoWriter.uint64Size(4, seq)
                + ProtoWriter.boolSize(5, fatal);
    }

    @Override
    void writeBody(ProtoWriter w) {
        w.enumField(1, code);
        w.string(2, message);
        w.string(3, docId);
        w.uint64(4, seq);
        w.bool(5, fatal);
    }
}
