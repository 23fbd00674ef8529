package io.synckit.core.protocol;

/**
 * A frame that cannot be accepted: not a valid {@code Frame} ({@link ErrorCode#MALFORMED_FRAME}) or larger
 * than the receiver's {@link Limits} ({@link ErrorCode#LIMIT_EXCEEDED}). {@link FrameCodec#decode} throws
 * nothing else, for any input. The receiver answers with an {@code Error} frame carrying {@link #code}
 * and, for a frame it cannot trust, closes the connection.
 */
public final class ProtocolException extends RuntimeException {
    /** An {@link ErrorCode} value, ready for {@code Error.code}. */
    public final int code;

    public ProtocolException(int code, String message) {
        super(message);
        this.code = code;
    }

    static ProtocolException malformed(String message) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, message);
    }

    static ProtocolException limit(String message) {
        return new ProtocolException(ErrorCode.LIMIT_EXCEEDED, message);
    }
}
