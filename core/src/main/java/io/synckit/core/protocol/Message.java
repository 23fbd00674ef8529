package io.synckit.core.protocol;

/**
 * A message that travels as the body of a {@code Frame} (see {@code proto/synckit/v1/sync.proto}): one
 * immutable class per member of Frame's oneof, each with public final fields in proto order. uint64
 * fields are doubles holding integers 0 .. 2^53-1 (exact in JS, no BigInt); strings and byte arrays are
 * never null (proto3 defaults are "" and empty). Constructors check all of this, so any message can be
 * encoded. Only this package defines subclasses.
 */
public abstract class Message {
    Message() {
    }

    /** This message's field number in Frame's oneof (its class's {@code FIELD_NUMBER}); switch on it to dispatch. */
    public abstract int fieldNumber();

    /** The size of the encoded message, without the Frame's tag and length. */
    abstract int bodySize();

    /** Writes the message's fields in number order, omitting defaults (canonical proto3). */
    abstract void writeBody(ProtoWriter w);
}
