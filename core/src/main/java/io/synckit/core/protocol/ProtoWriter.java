package io.synckit.core.protocol;

import io.synckit.core.codec.Utf8;

/**
 * Writes the protobuf binary format into an array of exactly the encoded size (computed beforehand by
 * the {@code ...Size} functions, so nothing is copied or grown). Canonical proto3: callers write fields in
 * number order and the singular-field writers omit default values. Doubles carry uint64 values below
 * 2^53 (the message constructors guarantee it); no {@code long}, which TeaVM's JS target makes a BigInt.
 */
final class ProtoWriter {
    static final int VARINT = 0;
    static final int LENGTH_DELIMITED = 2;

    final byte[] buf;
    int pos;

    ProtoWriter(int size) {
        buf = new byte[size];
    }

    // ---- sizes ----

    /** Varint size of an int read as unsigned 32 bits (tags, lengths, non-negative values). */
    static int varint32Size(int v) {
        if ((v & 0xFFFFFF80) == 0) {
            return 1;
        }
        if ((v & 0xFFFFC000) == 0) {
            return 2;
        }
        if ((v & 0xFFE00000) == 0) {
            return 3;
        }
        if ((v & 0xF0000000) == 0) {
            return 4;
        }
        return 5;
    }

    static int varint53Size(double v) {
        int n = 1;
        while (v >= 128) {
            v = Math.floor(v / 128);
            n++;
        }
        return n;
    }

    /** An enum is an int32: a negative one is sign-extended to 64 bits, 10 bytes, as protobuf does. */
    static int enumValueSize(int v) {
        return v < 0 ? 10 : varint32Size(v);
    }

    static int tagSize(int field) {
        return varint32Size(field << 3);
    }

    static int uint32Size(int field, int v) {
        return v == 0 ? 0 : tagSize(field) + varint32Size(v);
    }

    static int uint64Size(int field, double v) {
        return v == 0 ? 0 : tagSize(field) + varint53Size(v);
    }

    static int enumSize(int field, int v) {
        return v == 0 ? 0 : tagSize(field) + enumValueSize(v);
    }

    static int boolSize(int field, boolean v) {
        return v ? tagSize(field) + 1 : 0;
    }

    static int stringSize(int field, String s) {
        return s.isEmpty() ? 0 : delimitedSize(field, Utf8.length(s));
    }

    static int bytesSize(int field, byte[] b) {
        return b.length == 0 ? 0 : delimitedSize(field, b.length);
    }

    /** A length-delimited field of {@code length} payload bytes, written even when empty (repeated elements). */
    static int delimitedSize(int field, int length) {
        return tagSize(field) + varint32Size(length) + length;
    }

    // ---- writes ----

    void tag(int field, int wireType) {
        varint32((field << 3) | wireType);
    }

    /** An int as unsigned 32 bits. */
    void varint32(int v) {
        while ((v & 0xFFFFFF80) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    void varint53(double v) {
        while (v >= 128) {
            double q = Math.floor(v / 128);
            buf[pos++] = (byte) ((int) (v - q * 128) | 0x80);
            v = q;
        }
        buf[pos++] = (byte) (int) v;
    }

    void enumValue(int v) {
        if (v >= 0) {
            varint32(v);
            return;
        }
        // int64 sign extension of a negative int32: bits 0-31 are v's, bits 32-63 are ones.
        for (int i = 0; i < 4; i++) {
            buf[pos++] = (byte) (((v >>> (7 * i)) & 0x7F) | 0x80);
        }
        buf[pos++] = (byte) ((v >>> 28) | 0x70 | 0x80);
        for (int i = 0; i < 4; i++) {
            buf[pos++] = (byte) 0xFF;
        }
        buf[pos++] = 0x01;
    }

    void uint32(int field, int v) {
        if (v != 0) {
            tag(field, VARINT);
            varint32(v);
        }
    }

    void uint64(int field, double v) {
        if (v != 0) {
            tag(field, VARINT);
            varint53(v);
        }
    }

    void enumField(int field, int v) {
        if (v != 0) {
            tag(field, VARINT);
            enumValue(v);
        }
    }

    void bool(int field, boolean v) {
        if (v) {
            tag(field, VARINT);
            buf[pos++] = 1;
        }
    }

    void string(int field, String s) {
        if (!s.isEmpty()) {
            stringAlways(field, s);
        }
    }

    /** A string written even when empty: an element of a repeated field. */
    void stringAlways(int field, String s) {
        tag(field, LENGTH_DELIMITED);
        varint32(Utf8.length(s));
        pos = Utf8.encode(s, buf, pos);
    }

    void bytes(int field, byte[] b) {
        if (b.length != 0) {
            tag(field, LENGTH_DELIMITED);
            varint32(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }
    }
}
