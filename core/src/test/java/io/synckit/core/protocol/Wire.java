package io.synckit.core.protocol;

import com.google.protobuf.CodedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** Raw protobuf bytes for tests, independent of the codec under test (JVM only: longs are fine here). */
final class Wire {
    private Wire() {
    }

    /** One field as it appears on the wire: its number and its bytes, tag included. */
    record Field(int number, byte[] bytes) {
    }

    static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    static byte[] tag(int field, int wireType) {
        return varint(((long) field << 3) | wireType);
    }

    static byte[] delimited(int field, byte[] payload) {
        return concat(tag(field, 2), varint(payload.length), payload);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] concat(List<byte[]> parts) {
        return concat(parts.toArray(new byte[0][]));
    }

    /** Splits a serialized message into its fields, using the oracle's reader. */
    static List<Field> fields(byte[] message) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(message);
            List<Field> out = new ArrayList<>();
            while (!in.isAtEnd()) {
                int start = in.getTotalBytesRead();
                int tag = in.readTag();
                in.skipField(tag);
                byte[] b = new byte[in.getTotalBytesRead() - start];
                System.arraycopy(message, start, b, 0, b.length);
                out.add(new Field(tag >>> 3, b));
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The payload of a length-delimited field's bytes. */
    static byte[] payload(Field f) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(f.bytes());
            in.readTag();
            return in.readByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A random field that a reader of {@code knownUpTo} fields does not know, of wire type 0, 1, 2 or 5:
     * varints of 1 to 10 bytes, field numbers up to 2^29-1 (5-byte tags).
     */
    static byte[] unknownField(Random r, int knownUpTo) {
        int field = r.nextInt(3) == 0 ? knownUpTo + 1 + r.nextInt((1 << 29) - 1 - knownUpTo) : knownUpTo + 1 + r.nextInt(20);
        int[] wireTypes = {0, 1, 2, 5};
        int wt = wireTypes[r.nextInt(4)];
        byte[] value;
        switch (wt) {
            case 0: {
                int n = 1 + r.nextInt(10);
                value = new byte[n];
                for (int i = 0; i < n; i++) {
                    value[i] = (byte) (r.nextInt(128) | (i < n - 1 ? 0x80 : 0));
                }
                break;
            }
            case 1:
                value = new byte[8];
                r.nextBytes(value);
                break;
            case 5:
                value = new byte[4];
                r.nextBytes(value);
                break;
            default: {
                byte[] b = new byte[r.nextInt(20)];
                r.nextBytes(b);
                value = concat(varint(b.length), b);
            }
        }
        return concat(tag(field, wt), value);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] unhex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
