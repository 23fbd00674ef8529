package io.synckit.core.protocol;

/**
 * Cumulative acknowledgement: every {@link Update} of this replica up to {@link #seq} is durable on the
 * server.
 *
 * <p>{@code synckit.v1.Ack} in {@code proto/synckit/v1/sync.proto}, the normative spec.
 */
public final class Ack extends Message {
    /** Its field number in Frame's oneof body. */
    public static final int FIELD_NUMBER = 8;

    /** The highest acknowledged {@link Update#seq}. */
    public final double seq;

    public Ack(double seq) {
        this.seq = Values.uint64(seq, "Ack.seq");
    }

    @Override
    public int fieldNumber() {
        return FIELD_NUMBER;
    }

    @Override
    int bodySize() {
        return ProtoWriter.uint64Size(1, seq);
    }

    @Override
    void writeBody(ProtoWriter w) {
        w.uint64(1, seq);
    }
}
