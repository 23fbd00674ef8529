package io.synckit.core.protocol;

/** Constants of the wire protocol ({@code proto/synckit/v1/sync.proto}, {@code docs/protocol.md}). */
public final class Protocol {
    /**
     * {@code Hello.protocol_version} / {@code Welcome.protocol_version} of this spec. A peer speaking another
     * version is answered with a fatal {@code Error} {@link ErrorCode#UNSUPPORTED_VERSION}.
     */
    public static final int VERSION = 1;

    /** The largest uint64 the protocol allows, 2^53-1: every value up to it is exact in a double (and in JS). */
    public static final double MAX_UINT64 = 9007199254740991.0;

    /** The largest uint32 the protocol allows, 2^31-1: a non-negative Java int. */
    public static final int MAX_UINT32 = 2147483647;

    private Protocol() {
    }
}
