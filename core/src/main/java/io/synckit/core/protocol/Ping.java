package io.synckit.core.protocol;

import io.synckit.core.codec.Texts;

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

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Ping)) {
            return false;
        }
        Ping m = (Ping) o;
        return nonce == m.nonce;
    }

    @Override
    public int hashCode() {
        return 10 + Values.hash(nonce);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Ping{");
        sb.append("nonce=");
        sb.append(Texts.number(nonce));
        return sb.append('}').toString();
    }
}
