package io.synckit.core.codec;

/**
 * Appends primitive values to a growable byte array. Knows nothing about CRDTs; every
 * {@code writeX} has a matching {@link Reader} {@code readX}.
 */
public final class Writer {
    private byte[] buf;
    private int size;

    public Writer() {
        this(64);
    }

    public Writer(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public Writer writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    /** Unsigned LEB128 of a non-negative int: 1 byte below 128, at most 5 bytes. */
    public Writer writeVarUint(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("writeVarUint needs a non-negative value, got " + value);
        }
        ensure(5);
        while (value >= 0x80) {
            buf[size++] = (byte) (value | 0x80);
            value >>>= 7;
        }
        buf[size++] = (byte) value;
        return this;
    }

    /** Unsigned LEB128 of an integer 0 <= value < 2^53 held in a double (at most 8 bytes). */
    public Writer writeVarUint53(double value) {
        if (!(value >= 0 && value <= 9007199254740991.0) || value != Math.floor(value)) {
            throw new IllegalArgumentException("writeVarUint53 needs an integer from 0 to 2^53-1, got " + Texts.number(value));
        }
        ensure(8);
        while (value >= 128) {
            double q = Math.floor(value / 128);
            buf[size++] = (byte) ((int) (value - q * 128) | 0x80);
            value = q;
        }
        buf[size++] = (byte) (int) value;
        return this;
    }

    /** Zigzag LEB128 of any int: small magnitudes of either sign take few bytes. */
    public Writer writeVarInt(int value) {
        int zz = (value << 1) ^ (value >> 31);
        ensure(5);
        while ((zz & ~0x7F) != 0) {
            buf[size++] = (byte) ((zz & 0x7F) | 0x80);
            zz >>>= 7;
        }
        buf[size++] = (byte) zz;
        return this;
    }

    /** An IEEE 754 double, 8 bytes little-endian. */
    public Writer writeDouble(double d) {
        ensure(8);
        int lo = Doubles.lowBits(d);
        int hi = Doubles.highBits(d);
        buf[size++] = (byte) lo;
        buf[size++] = (byte) (lo >>> 8);
        buf[size++] = (byte) (lo >>> 16);
        buf[size++] = (byte) (lo >>> 24);
        buf[size++] = (byte) hi;
        buf[size++] = (byte) (hi >>> 8);
        buf[size++] = (byte) (hi >>> 16);
        buf[size++] = (byte) (hi >>> 24);
        return this;
    }

    /** A UTF-8 string prefixed by its byte length. Unpaired surrogates are written as U+FFFD. */
    public Writer writeString(String s) {
        int byteLength = Utf8.length(s);
        writeVarUint(byteLength);
        ensure(byteLength);
        size = Utf8.encode(s, buf, size);
        return this;
    }

    /** The bytes as they are (no length prefix). */
    public Writer writeBytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        byte[] out = new byte[size];
        System.arraycopy(buf, 0, out, 0, size);
        return out;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            int cap = buf.length;
            while (cap < size + extra) {
                cap <<= 1;
            }
            byte[] grown = new byte[cap];
            System.arraycopy(buf, 0, grown, 0, size);
            buf = grown;
        }
    }
}
