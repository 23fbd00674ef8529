package io.synckit.core.clock;

import io.synckit.core.codec.Texts;

/**
 * Replica ids: unsigned integers below 2^53, so they are exact JS numbers. Held in {@code double}
 * (not long, which TeaVM's JS target runs as BigInt); written as 1-8 byte varints. Unique without
 * coordination when drawn at random from 53 bits ({@link #fromRandomBits}): with a million replicas of
 * one document the chance of any collision is about 5.5e-5.
 */
public final class ReplicaIds {
    /** 2^53 - 1, the largest id. */
    public static final double MAX = 9007199254740991.0;

    private ReplicaIds() {
    }

    public static double check(double id) {
        if (!(id >= 0 && id <= MAX) || id != Math.floor(id)) {
            throw new IllegalArgumentException("replicaId must be an integer from 0 to 2^53-1 (9007199254740991); got "
                    + Texts.number(id) + ". Pass a unique id per replica, or omit it to get a random one.");
        }
        return id;
    }

    /** A random id from two random ints (e.g. from crypto.getRandomValues): 21 high bits and 32 low bits. */
    public static double fromRandomBits(int high, int low) {
        return (high & 0x1FFFFF) * 4294967296.0 + ((low >>> 1) * 2.0 + (low & 1));
    }
}
