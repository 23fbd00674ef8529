package io.synckit.core.codec;

/**
 * The frame around every encoded state, diff and state vector:
 * <pre>
 *   [format version: 1 byte] [kind: 1 byte] [body ...] [CRC-32 of everything before it: 4 bytes, big-endian]
 * </pre>
 * The version lets a reader refuse data from a newer format with a message saying to upgrade; the kind
 * stops a counter's update from being fed to a set; the checksum turns any truncation or corruption
 * (a single flipped bit included) into a {@link DecodeException} before a byte of the body is trusted.
 */
public final class Envelope {
    public static final int FORMAT_VERSION = 1;

    /** Kinds: high nibble = type, low nibble = what the body is. */
    public static final int UPDATE = 0x0;
    public static final int STATE_VECTOR = 0x1;
    public static final int TYPE_LWW_DOC = 0x10;
    public static final int TYPE_COUNTER = 0x20;
    public static final int TYPE_OR_SET = 0x30;
    public static final int TYPE_TEXT = 0x40;

    private Envelope() {
    }

    /** Starts a frame; write the body to the returned writer, then call {@link #seal(Writer)}. */
    public static Writer begin(int kind) {
        return new Writer().writeByte(FORMAT_VERSION).writeByte(kind);
    }

    public static byte[] seal(Writer w) {
        byte[] body = w.toByteArray();
        int crc = Crc32.of(body, 0, body.length);
        byte[] out = new byte[body.length + 4];
        System.arraycopy(body, 0, out, 0, body.length);
        out[body.length] = (byte) (crc >>> 24);
        out[body.length + 1] = (byte) (crc >>> 16);
        out[body.length + 2] = (byte) (crc >>> 8);
        out[body.length + 3] = (byte) crc;
        return out;
    }

    /** Checks the frame and returns a reader positioned at the body (the checksum excluded). */
    public static Reader open(byte[] frame, int expectedKind, String what) {
        if (frame == null) {
            throw new DecodeException(what + ": no bytes (got null)");
        }
        if (frame.length < 6) {
            throw new DecodeException(what + ": " + frame.length + " bytes is too short for a SyncKit encoding"
                    + " (at least 6); the data is truncated");
        }
        int end = frame.length - 4;
        int stored = ((frame[end] & 0xFF) << 24) | ((frame[end + 1] & 0xFF) << 16) | ((frame[end + 2] & 0xFF) << 8)
                | (frame[end + 3] & 0xFF);
        int version = frame[0] & 0xFF;
        if (stored != Crc32.of(frame, 0, end)) {
            if (version > FORMAT_VERSION) {
                throw new DecodeException(what + ": encoding format " + version + " is newer than this SyncKit reads ("
                        + FORMAT_VERSION + "); upgrade SyncKit");
            }
            throw new DecodeException(what + ": checksum mismatch; the data is truncated or corrupted");
        }
        if (version != FORMAT_VERSION) {
            throw new DecodeException(what + ": encoding format " + version + " is not supported (this SyncKit reads "
                    + FORMAT_VERSION + ")" + (version > FORMAT_VERSION ? "; upgrade SyncKit" : ""));
        }
        int kind = frame[1] & 0xFF;
        if (kind != expectedKind) {
            throw new DecodeException(what + ": got " + describe(kind) + ", expected " + describe(expectedKind));
        }
        return new Reader(frame, 2, end);
    }

    static String describe(int kind) {
        String type;
        switch (kind & 0xF0) {
            case TYPE_LWW_DOC: type = "an LwwDoc"; break;
            case TYPE_COUNTER: type = "a Counter"; break;
            case TYPE_OR_SET: type = "an OrSet"; break;
            case TYPE_TEXT: type = "a TextDoc"; break;
            default: return "unknown kind " + kind;
        }
        return type + ((kind & 0x0F) == STATE_VECTOR ? " state vector" : " update");
    }
}
