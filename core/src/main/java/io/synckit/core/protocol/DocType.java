package io.synckit.core.protocol;

/**
 * {@code synckit.v1.DocType} as int constants (see {@code proto/synckit/v1/sync.proto}). Proto3 enums are
 * open: a decoded {@code type} may be a value not listed here (a newer peer's type).
 */
public final class DocType {
    public static final int UNSPECIFIED = 0;
    /** {@link io.synckit.core.lww.LwwDoc} */
    public static final int LWW_DOC = 1;
    /** {@link io.synckit.core.counter.PnCounter} */
    public static final int COUNTER = 2;
    /** {@link io.synckit.core.set.OrSet} */
    public static final int OR_SET = 3;
    /** {@link io.synckit.core.text.TextDoc} */
    public static final int TEXT = 4;

    private static final String[] NAMES = {"DOC_TYPE_UNSPECIFIED", "LWW_DOC", "COUNTER", "OR_SET", "TEXT"};

    private DocType() {
    }

    /** The enum value's name in the .proto, or the number as text for a value this version does not know. */
    public static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : String.valueOf(type);
    }
}
