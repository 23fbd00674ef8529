package io.synckit.core.protocol;

/**
 * Accepts a session (the answer to {@link Hello}).
 *
 * <p>{@code synckit.v1.Welcome} in {@code proto/synckit/v1/sync.proto}, the normative spec.
 */
public final class Welcome extends Message {
    /** Its field number in Frame's oneof body. */
    public static final int FIELD_NUMBER = 2;

    /** The protocol version of this connection. */
    public final int protocolVersion;
    /**
     * The highest {@link Update#seq} of this replica the server holds durably: the client drops its outbox
     * up to it and resends the rest.
     */
    public final double ackedSeq;
    /** Send a {@link Ping} after this many milliseconds without receiving anything; 0: no heartbeat. */
    public final int heartbeatMillis;
    /** The largest frame the server accepts, in bytes. */
    public final int maxFrameBytes;

    public Welcome(int protocolVersion, double ackedSeq, int heartbeatMillis, int maxFrameBytes) {
        this.protocolVersion = Values.uint32(protocolVersion, "Welcome.protocol_version");
        this.ackedSeq = Values.uint64(ackedSeq, "Welcome.acked_seq");
        this.heartbeatMillis = Values.uint32(heartbeatMillis, "Welcome.heartbeat_ms");
        this.maxFrameBytes = Values.uint32(maxFrameBytes, "Welcome.max_frame_bytes");
    }

    @Override
    public int fieldNumber() {
        return FIELD_NUMBER;
    }

    @Override
    int bodySize() {
        return ProtoWriter.uint32Size(1, protocolVersion)
                + ProtoWriter.uint64Size(2, ackedSeq)
                + ProtoWriter.uint32Size(3, heartbeatMillis)
                + ProtoWriter.uint32Size(4, maxFrameBytes);
    }

    @Override
    void writeBody(ProtoWriter w) {
        w.uint32(1, protocolVersion);
        w.uint64(2, ackedSeq);
        w.uint32(3, heartbeatMillis);
        w.uint32(4, maxFrameBytes);
    }
}
