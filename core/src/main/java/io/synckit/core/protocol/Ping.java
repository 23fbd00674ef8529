package io.synckit.core.protocol;

/**
 * Liveness check; the receiver answers with a {@link Pong} carrying the same nonce.
 *
 * <p>{@code synckit.v1.Ping} in {@code proto/synckit/v1/sync.proto}, the normative spec.
 */
public final class Ping extends Message {
    /** Its field number in Frame's oneof body. */
    public static final int FIELD_NUMBER = 10;

    /** Chosen by the sender, 0 .. 2^53-1. */
    public final double nonce;

    public Ping(double nonce) {
        this.nonce = Values.uint64(nonce, "Ping.nonce");
    }

    @Override
    public int fieldNumber() {
        return FIELD_NUMBER;
    }

    @Override
    int bodySize() {
        return ProtoWriter.uint64Size(1, nonce);
    }

    @Override
    void writeBody(ProtoWriter w) {
        w.uint64(1, nonce);
    }
}
