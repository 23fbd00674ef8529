package io.synckit.core.protocol;

/**
 * The answer to a {@link Ping}.
 *
 * <p>{@code synckit.v1.Pong} in {@code proto/synckit/v1/sync.proto}, the normative spec.
 */
public final class Pong extends Message {
    /** Its field number in Frame's oneof body. */
    public static final int FIELD_NUMBER = 11;

    /** The nonce of the Ping answered. */
    public final double nonce;

    public Pong(double nonce) {
        this.nonce = Values.uint64(nonce, "Pong.nonce");
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
