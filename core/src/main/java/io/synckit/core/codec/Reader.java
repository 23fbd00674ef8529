package io.synckit.core.codec;

/**
 * Reads what {@link Writer} wrote. Every read is bounds-checked explicitly: TeaVM's default mode
 * has no ArrayIndexOutOfBoundsException (JS reads {@code undefined}, wasm traps), so a decoder that
 * relied on the JVM's checks would misbehave in the browser. Failures throw {@link DecodeException}.
 */
public final class Reader {
    private final byte[] buf;
    private final int end;
    private int pos;

    public Reader(byte[] buf) {
        if (buf == null) {
            throw new DecodeException("no bytes to decode (got null)");
        }
        this.buf = buf;
        this.end = buf.length;
    }

    /** Reads {@code buf[from, to)}. */
    public Reader(byte[] buf, int from, int to) {
        if (from < 0 || to > buf.length || from > to) {
            throw new IllegalArgumentException("bad range [" + from + ", " + to + ") of " + buf.length + " bytes");
        }
        this.buf = buf;
        this.pos = from;
        this.end = to;
    }

    public int remaining() {
        return end - pos;
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    public int readByte() {
        if (pos >= end) {
            throw truncated("a byte");
        }
        return buf[pos++] & 0xFF;
    }

    /** An unsigned varint that must fit in 31 bits (a non-negative int). */
    public int readVarUint() {
        int at = pos;
        int v = readVarUint32();
        if (v < 0) {
            throw new DecodeException("varint at byte " + at + " does not fit in 31 bits");
        }
        return v;
    }

    /**
     * Reads an unsigned integer below 2^53 written by {@link Writer#writeVarUint53}, as a double (exact
     * in that range; no long, which JS would make a BigInt).
     */
    public double readVarUint53() {
        double result = 0;
        double scale = 1;
        for (int i = 0; i < 8; i++) {
            if (pos >= end) {
                throw truncated("a varint");
            }
            int b = buf[pos++] & 0xFF;
            if (i == 7 && b > 0x0F) {
                throw new DecodeException("varint at byte " + (pos - 1) + " does not fit in 53 bits");
            }
            result += (b & 0x7F) * scale;
            if ((b & 0x80) == 0) {
                return result;
            }
            scale *= 128;
        }
        throw new DecodeException("varint longer than 8 bytes at byte " + pos);
    }

    /** Reads a zigzag varint written by {@link Writer#writeVarInt}. */
    public int readVarInt() {
        int raw = readVarUint32();
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** Like {@link #readVarUint()} but all 32 bits (for zigzag). */
    private int readVarUint32() {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos >= end) {
                throw truncated("a varint");
            }
            int b = buf[pos++] & 0xFF;
            if (shift == 28 && (b & 0xF0) != 0) {
                throw new DecodeException("varint at byte " + (pos - 1) + " does not fit in 32 bits");
            }
            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new DecodeException("varint longer than 5 bytes at byte " + pos);
    }

    /** Reads an IEEE 754 double, 8 bytes little-endian. */
    public double readDouble() {
        if (end - pos < 8) {
            throw truncated("a double");
        }
        int lo = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        int hi = (buf[pos + 4] & 0xFF) | (buf[pos + 5] & 0xFF) << 8 | (buf[pos + 6] & 0xFF) << 16 | (buf[pos + 7] & 0xFF) << 24;
        pos += 8;
        return Doubles.fromBits(hi, lo);
    }

    /**
     * Reads a count and checks that the remaining input could hold that many items of at least
     * {@code minBytesEach}, so a corrupt count cannot make the decoder allocate more than the input justifies.
     */
    public int readCount(int minBytesEach, String what) {
        int n = readVarUint();
        if (n > (end - pos) / Math.max(1, minBytesEach)) {
            throw new DecodeException(what + ": count " + n + " at byte " + pos + " exceeds what the remaining "
                    + (end - pos) + " bytes can hold");
        }
        return n;
    }

    /** Fails unless every byte was consumed. */
    public void expectEnd(String what) {
        if (pos != end) {
            throw new DecodeException(what + ": " + (end - pos) + " unexpected trailing bytes");
        }
    }

    /** Reads a length-prefixed UTF-8 string, rejecting malformed sequences. */
    public String readString() {
        int len = readVarUint();
        if (len > end - pos) {
            throw new DecodeException("string of " + len + " bytes at byte " + pos + " runs past the end ("
                    + (end - pos) + " bytes left)");
        }
        char[] out = new char[len];
        int n = Utf8.decode(buf, pos, pos + len, out);
        if (n < 0) {
            throw new DecodeException("malformed UTF-8 at byte " + (-1 - n));
        }
        pos += len;
        return new String(out, 0, n);
    }

    private DecodeException truncated(String what) {
        return new DecodeException("input ends at byte " + end + " while reading " + what
                + "; the data is truncated");
    }

}
