package io.synckit.core.protocol;

/**
 * Opens a session: the client's first frame; it sends nothing else until {@link Welcome}.
 *
 * <p>{@code synckit.v1.Hello} in {@code proto/synckit/v1/sync.proto}, the normative spec.
 */
public final class Hello extends Message {
    /** Its field number in Frame's oneof body. */
    public static final int FIELD_NUMBER = 1;

    /** The protocol version the client speaks ({@link Protocol#VERSION}). */
    public final int protocolVersion;
    /** The client's replica id (1 .. 2^53-1), the one its CRDT operations carry. */
    public final double replicaId;
    /** Credential for the server's authenticator, "" when none is needed. */
    public final String token;
    /** The highest {@link Update#seq} the client saw acknowledged; 0: none. */
    public final double resumeSeq;
    /** Client name and version for logs, e.g. "synckit-web/0.1". */
    public final String client;

    public Hello(int protocolVersion, double replicaId, String token, double resumeSeq, String client) {
        this.protocolVersion = Values.uint32(protocolVersion, "Hello.protocol_version");
        this.replicaId = Values.uint64(replicaId, "Hello.replica_id");
        this.token = Values.string(token, "Hello.token");
        this.resumeSeq = Values.uint64(resumeSeq, "Hello.resume_seq");
        this.client = Values.string(client, "Hello.client");
    }

    @Override
    public int fieldNumber() {
        return FIELD_NUMBER;
    }

    @Override
    int bodySize() {
        return ProtoWriter.uint32Size(1, protocolVersion)
                + ProtoWriter.uint64Size(2, replicaId)
                + ProtoWriter.stringSize(3, token)
                + ProtoWriter.uint64Size(4, resumeSeq)
                + ProtoWriter.stringSize(5, client);
    }

    @Override
    void writeBody(ProtoWriter w) {
        w.uint32(1, protocolVersion);
        w.uint64(2, replicaId);
        w.string(3, token);
        w.uint64(4, resumeSeq);
        w.string(5, client);
    }
}
