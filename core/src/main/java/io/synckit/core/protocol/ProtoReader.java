package io.synckit.core.protocol;

import io.synckit.core.codec.Texts;
import io.synckit.core.codec.Utf8;

/**
 * Reads the protobuf binary format from a byte array, within a movable limit (the end of the message
 * being read). Every read checks the limit itself: TeaVM's default mode has no
 * ArrayIndexOutOfBoundsException (JS reads {@code undefined}, wasm traps), so nothing may rely on the
 * JVM's checks. Every length is checked against the bytes left before anything is allocated. Varints
 * are decoded without {@code long} (a BigInt in TeaVM's JS): uint64 values into a double, exact up to
 * 2^53-1. Failures are {@link ProtocolException}s that say where and what.
 */
final class ProtoReader {
    private static final double TWO_POW_32 = 4294967296.0;

    private final byte[] buf;
    int pos;
    private int limit;
    /** How many embedded messages {@link #pos} is inside; 0: the frame itself. For error messages. */
    private int nesting;

    ProtoReader(byte[] buf) {
        this.buf = buf;
        this.limit = buf.length;
    }

    boolean atLimit() {
        return pos >= limit;
    }

    /** Makes the next {@code length} bytes (already checked by {@link #readLength}) the current message. */
    int pushLimit(int length) {
        int old = limit;
        limit = pos + length;
        nesting++;
        return old;
    }

    void popLimit(int old) {
        limit = old;
        nesting--;
    }

    /** A field tag: a varint below 2^32 whose field number (tag >>> 3) is not 0. */
    int readTag() {
        int at = pos;
        int result = 0;
        for (int shift = 0; ; shift += 7) {
            int b = next(at, "a field tag");
            if (shift == 28) {
                if (b > 0x0F) {
                    throw ProtocolException.malformed("field tag at byte " + at
                            + " does not fit in 32 bits; the frame is corrupt");
                }
                result |= b << 28;
                break;
            }
            result |= (b & 0x7F) << shift;
            if (b < 0x80) {
                break;
            }
        }
        if ((result >>> 3) == 0) {
            throw ProtocolException.malformed("field number 0 at byte " + at
                    + " is not valid protobuf; the frame is corrupt or not a SyncKit frame");
        }
        return result;
    }

    /**
     * An unsigned varint of up to 10 bytes (padded encodings are valid protobuf) that must not exceed
     * {@code max}: 2^53-1 for uint64 fields, 2^31-1 for uint32 ones (the protocol's ranges, see sync.proto).
     */
    double readUint(double max, String field) {
        int at = pos;
        double result = 0;
        double scale = 1;
        boolean beyond56Bits = false;
        for (int i = 0; i < 10; i++) {
            int b = next(at, field);
            int payload = b & 0x7F;
            if (payload != 0) {
                if (i >= 8) {
                    beyond56Bits = true;
                } else {
                    // Exact below 2^53; above, rounding cannot bring a sum back under max.
                    result += payload * scale;
                }
            }
            if (b < 0x80) {
                if (beyond56Bits || result > max) {
                    String value = beyond56Bits ? "at least 2^56" : Texts.number(result);
                    String range = max == Protocol.MAX_UINT64
                            ? "2^53-1, the largest uint64 this protocol allows (it must be exact as a JavaScript number)"
                            : "2^31-1, the largest uint32 this protocol allows";
                    throw ProtocolException.malformed(field + " at byte " + at + " is " + value + ", above " + range
                            + "; the sender is not following the SyncKit protocol");
                }
                return result;
            }
            scale *= 128;
        }
        throw tooLong(at);
    }

    /** An enum (int32) varint: like protobuf, the low 32 bits of up to 10 bytes (negatives take 10). */
    int readInt32(String field) {
        int at = pos;
        int result = 0;
        for (int i = 0; i < 10; i++) {
            int b = next(at, field);
            if (i < 5) {
                result |= (b & 0x7F) << (7 * i); // at i == 4 the shift drops bits 32 and up
            }
            if (b < 0x80) {
                return result;
            }
        }
        throw tooLong(at);
    }

    /**
     * A bool: like protobuf, true when the varint's low 64 bits are not all zero (of a 10th byte only
     * bit 0 is inside 64 bits: `80 80 80 80 80 80 80 80 80 1a` is false, as protoc reads it).
     */
    boolean readBool(String field) {
        int at = pos;
        boolean value = false;
        for (int i = 0; i < 10; i++) {
            int b = next(at, field);
            value |= (b & (i < 9 ? 0x7F : 0x01)) != 0;
            if (b < 0x80) {
                return value;
            }
        }
        throw tooLong(at);
    }

    /** The length of a length-delimited field, checked against what is left of the current message. */
    int readLength(String field) {
        int at = pos;
        double len = 0;
        double scale = 1;
        for (int i = 0; i < 10; i++) {
            int b = next(at, "the length of " + field);
            len += (b & 0x7F) * scale;
            if (b < 0x80) {
                if (len >= TWO_POW_32) {
                    throw ProtocolException.malformed("the length of " + field + " at byte " + at
                            + " does not fit in 32 bits; the frame is corrupt");
                }
                if (len > limit - pos) {
                    throw ProtocolException.malformed("the length of " + field + " at byte " + at + " is "
                            + Texts.number(len) + " bytes, past the end of the " + enclosing() + " ("
                            + (limit - pos) + " bytes left); the frame is truncated or corrupt");
                }
                return (int) len;
            }
            scale *= 128;
        }
        throw tooLong(at);
    }

    /** A UTF-8 string of at most {@code maxBytes}; malformed UTF-8 (overlong, surrogates, truncated) fails. */
    String readString(int maxBytes, String field, String limitName) {
        int at = pos;
        int len = readLength(field);
        if (len > maxBytes) {
            throw ProtocolException.limit(field + " at byte " + at + " is " + len + " bytes, over the " + maxBytes
                    + "-byte limit (Limits." + limitName + "); shorten it, or raise the limit on the receiving side");
        }
        char[] out = new char[len];
        int n = Utf8.decode(buf, pos, pos + len, out);
        if (n < 0) {
            throw badUtf8(field, -1 - n);
        }
        pos += len;
        return new String(out, 0, n);
    }

    byte[] readBytes(String field) {
        int len = readLength(field);
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }

    /** Skips a field this version does not know (or one with an unexpected wire type), as protobuf requires. */
    void skipField(int tag) {
        int at = pos;
        int field = tag >>> 3;
        switch (tag & 7) {
            case 0:
                for (int i = 0; ; i++) {
                    if (i == 10) {
                        throw tooLong(at);
                    }
                    if (next(at, "unknown field " + field) < 0x80) {
                        return;
                    }
                }
            case 1:
                skip(8, at, field);
                return;
            case 2: {
                int length = readLength("unknown field " + field); // before pos is read: it moves pos
                pos += length;
                return;
            }
            case 5:
                skip(4, at, field);
                return;
            case 3:
            case 4:
                throw ProtocolException.malformed("field " + field + " before byte " + at + " is a group (wire type "
                        + (tag & 7) + "); groups are not used by the SyncKit protocol, so the frame is corrupt"
                        + " or was written from another schema");
            default:
                throw ProtocolException.malformed("field " + field + " before byte " + at + " has wire type "
                        + (tag & 7) + ", which protobuf does not define; the frame is corrupt");
        }
    }

    private void skip(int n, int at, int field) {
        if (limit - pos < n) {
            throw truncated(at, "unknown field " + field + " (" + n + " bytes)");
        }
        pos += n;
    }

    private int next(int at, String what) {
        if (pos >= limit) {
            throw truncated(at, what);
        }
        return buf[pos++] & 0xFF;
    }

    private String enclosing() {
        return nesting == 0 ? "frame" : "enclosing message";
    }

    private ProtocolException truncated(int at, String what) {
        return ProtocolException.malformed("the " + enclosing() + " ends at byte " + limit + " while reading "
                + what + " (from byte " + at + "); the frame is truncated or corrupt");
    }

    private static ProtocolException tooLong(int at) {
        return ProtocolException.malformed("varint at byte " + at
                + " is longer than 10 bytes, which protobuf does not allow; the frame is corrupt");
    }

    private static ProtocolException badUtf8(String field, int at) {
        return ProtocolException.malformed(field + " has malformed UTF-8 at byte " + at
                + "; strings must be valid UTF-8 (encode binary data in a bytes field instead)");
    }
}
