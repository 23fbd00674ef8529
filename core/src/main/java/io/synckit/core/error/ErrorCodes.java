package io.synckit.core.error;

import io.synckit.core.clock.ClockSkewException;
import io.synckit.core.codec.DecodeException;
import io.synckit.core.protocol.ErrorCode;
import io.synckit.core.protocol.ProtocolException;

/**
 * Stable, language-neutral codes for the failures core can raise. The JS facade turns a Java
 * exception into a JS error carrying this code (the npm package maps it to an error class), and the
 * JVM test-vector runner uses the same mapping, so one vector asserts the same failure everywhere.
 */
public final class ErrorCodes {
    /** Bytes that cannot be decoded: truncated, corrupt, or from a newer format version. */
    public static final String DECODE_ERROR = "DECODE_ERROR";
    /** An argument outside what the API accepts (bad replica id, null key, ...). */
    public static final String INVALID_ARGUMENT = "INVALID_ARGUMENT";
    /** An update stamped too far ahead of this replica's clock; not applied. */
    public static final String CLOCK_SKEW = "CLOCK_SKEW";
    /** A call that is not allowed in the object's current state. */
    public static final String INVALID_STATE = "INVALID_STATE";
    /** Anything else: a bug in SyncKit. */
    public static final String INTERNAL = "INTERNAL";

    private ErrorCodes() {
    }

    public static String of(Throwable t) {
        if (t instanceof ProtocolException) {
            return ErrorCode.name(((ProtocolException) t).code); // MALFORMED_FRAME, LIMIT_EXCEEDED, ...
        }
        if (t instanceof DecodeException) {
            return DECODE_ERROR;
        }
        if (t instanceof ClockSkewException) {
            return CLOCK_SKEW;
        }
        if (t instanceof IllegalArgumentException) {
            return INVALID_ARGUMENT;
        }
        if (t instanceof IllegalStateException) {
            return INVALID_STATE;
        }
        return INTERNAL;
    }
}
