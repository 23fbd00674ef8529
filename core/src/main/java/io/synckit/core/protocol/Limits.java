package io.synckit.core.protocol;

/**
 * What a receiver accepts in one frame; anything beyond is a {@link ProtocolException} with code
 * {@link ErrorCode#LIMIT_EXCEEDED}. They bound the memory and time one frame can cost, before any of it is
 * allocated. Immutable: start from {@link #DEFAULT} and change what you need with the {@code with...}
 * methods. String limits count UTF-8 bytes.
 */
public final class Limits {
    /** 1 MiB frames, 256-byte doc ids, 8 KiB tokens, 4 KiB other strings, 1,000 docs per frame, depth 8. */
    public static final Limits DEFAULT = new Limits(1 << 20, 256, 8 << 10, 4 << 10, 1000, 8);

    /** Largest frame, in bytes. Checked first, before anything is decoded. */
    public final int maxFrameBytes;
    /** Longest document id (every {@code doc_id} and {@code doc_ids} element). */
    public final int maxDocIdBytes;
    /** Longest {@code Hello.token}. */
    public final int maxTokenBytes;
    /** Longest other string ({@code Hello.client}, {@code Error.message}). */
    public final int maxStringBytes;
    /** Most entries in {@code Subscribe.docs} or {@code Unsubscribe.doc_ids} (after merging repeated occurrences). */
    public final int maxDocs;
    /**
     * Deepest embedded message: the Frame is depth 1, its body 2, a {@code DocSubscription} 3. Unknown
     * length-delimited fields are skipped without being parsed, so no input can go deeper than the schema;
     * the limit is here so that a future schema with recursive messages inherits a bound.
     */
    public final int maxDepth;

    public Limits(int maxFrameBytes, int maxDocIdBytes, int maxTokenBytes, int maxStringBytes, int maxDocs,
            int maxDepth) {
        this.maxFrameBytes = positive(maxFrameBytes, "maxFrameBytes");
        this.maxDocIdBytes = positive(maxDocIdBytes, "maxDocIdBytes");
        this.maxTokenBytes = positive(maxTokenBytes, "maxTokenBytes");
        this.maxStringBytes = positive(maxStringBytes, "maxStringBytes");
        this.maxDocs = positive(maxDocs, "maxDocs");
        this.maxDepth = positive(maxDepth, "maxDepth");
    }

    public Limits withMaxFrameBytes(int v) {
        return new Limits(v, maxDocIdBytes, maxTokenBytes, maxStringBytes, maxDocs, maxDepth);
    }

    public Limits withMaxDocIdBytes(int v) {
        return new Limits(maxFrameBytes, v, maxTokenBytes, maxStringBytes, maxDocs, maxDepth);
    }

    public Limits withMaxTokenBytes(int v) {
        return new Limits(maxFrameBytes, maxDocIdBytes, v, maxStringBytes, maxDocs, maxDepth);
    }

    public Limits withMaxStringBytes(int v) {
        return new Limits(maxFrameBytes, maxDocIdBytes, maxTokenBytes, v, maxDocs, maxDepth);
    }

    public Limits withMaxDocs(int v) {
        return new Limits(maxFrameBytes, maxDocIdBytes, maxTokenBytes, maxStringBytes, v, maxDepth);
    }

    public Limits withMaxDepth(int v) {
        return new Limits(maxFrameBytes, maxDocIdBytes, maxTokenBytes, maxStringBytes, maxDocs, v);
    }

    private static int positive(int v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException("Limits." + name + " must be positive, got " + v);
        }
        return v;
    }

    @Override
    public String toString() {
        return "Limits{maxFrameBytes=" + maxFrameBytes + ", maxDocIdBytes=" + maxDocIdBytes + ", maxTokenBytes="
                + maxTokenBytes + ", maxStringBytes=" + maxStringBytes + ", maxDocs=" + maxDocs + ", maxDepth="
                + maxDepth + "}";
    }
}
