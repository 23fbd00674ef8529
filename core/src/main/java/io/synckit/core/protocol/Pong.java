package io.synckit.core.protocol;

import io.synckit.core.codec.Texts;

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

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Pong)) {
            return false;
        }
        Pong m = (Pong) o;
        return nonce == m.nonce;
    }

    @Override
    public int hashCode() {
        return 11 + Values.hash(nonce);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Pong{");
        sb.append("nonce=");
        sb.append(Texts.number(nonce));
        return sb.append('}').toString();
    }
}
