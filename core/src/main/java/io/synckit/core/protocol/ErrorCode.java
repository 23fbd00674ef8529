package io.synckit.core.protocol;

/**
 * {@code synckit.v1.ErrorCode} as int constants (see {@code proto/synckit/v1/sync.proto}). Proto3 enums
 * are open: a decoded {@code code} may be a value not listed here, and must be handled as {@link #INTERNAL}.
 */
public final class ErrorCode {
    public static final int UNSPECIFIED = 0;
    public static final int UNSUPPORTED_VERSION = 1;
    public static final int MALFORMED_FRAME = 2;
    public static final int UNAUTHENTICATED = 3;
    public static final int FORBIDDEN = 4;
    public static final int LIMIT_EXCEEDED = 5;
    public static final int RATE_LIMITED = 6;
    public static final int TYPE_MISMATCH = 7;
    public static final int BAD_UPDATE = 8;
    public static final int INTERNAL = 9;

    private static final String[] NAMES = {"ERROR_CODE_UNSPECIFIED", "UNSUPPORTED_VERSION", "MALFORMED_FRAME",
        "UNAUTHENTICATED", "FORBIDDEN", "LIMIT_EXCEEDED", "RATE_LIMITED", "TYPE_MISMATCH", "BAD_UPDATE", "INTERNAL"};

    private ErrorCode() {
    }

    /** The enum value's name in the .proto, or the number as text for a value this version does not know. */
    public static String name(int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] : String.valueOf(code);
    }
}
