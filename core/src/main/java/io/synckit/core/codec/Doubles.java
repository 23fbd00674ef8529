package io.synckit.core.codec;

/**
 * IEEE 754 bits of a double as two ints. Uses {@code long} once per call, which TeaVM's JS target
 * runs as a BigInt: acceptable here because only non-integer numbers in document values take this
 * path (integers are written as varints), never clocks, counters or positions.
 */
final class Doubles {
    private Doubles() {
    }

    static int highBits(double d) {
        return (int) (Double.doubleToRawLongBits(d) >>> 32);
    }

    static int lowBits(double d) {
        return (int) Double.doubleToRawLongBits(d);
    }

    static double fromBits(int hi, int lo) {
        return Double.longBitsToDouble(((long) hi << 32) | (lo & 0xFFFFFFFFL));
    }
}
