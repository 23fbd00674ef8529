package io.synckit.core.sync;

import io.synckit.core.Replicated;
import io.synckit.core.clock.WallClock;
import io.synckit.core.codec.Envelope;
import io.synckit.core.counter.PnCounter;
import io.synckit.core.lww.LwwDoc;
import io.synckit.core.protocol.DocType;
import io.synckit.core.set.OrSet;
import io.synckit.core.text.TextDoc;

/** Maps the protocol's {@link DocType} numbers to core's replicated types and back. */
public final class DocTypes {
    private DocTypes() {
    }

    /** An empty document of {@code type}; IllegalArgumentException for a type this build does not know. */
    public static Replicated<?> create(int type, double replicaId, WallClock clock) {
        switch (type) {
            case DocType.LWW_DOC:
                return new LwwDoc(replicaId, clock);
            case DocType.COUNTER:
                return new PnCounter(replicaId);
            case DocType.OR_SET:
                return new OrSet(replicaId);
            case DocType.TEXT:
                return new TextDoc(replicaId);
            default:
                throw new IllegalArgumentException("unknown document type " + type
                        + "; this build knows LWW_DOC (1), COUNTER (2), OR_SET (3) and TEXT (4)");
        }
    }

    /** Whether this build has a replicated type for {@code type}. */
    public static boolean known(int type) {
        return type >= DocType.LWW_DOC && type <= DocType.TEXT;
    }

    /**
     * The type an encoded update says it is for (its {@link Envelope} kind), or {@link DocType#UNSPECIFIED}
     * when the bytes are not an update of a known type. Only a hint for creating a document: applying the
     * update checks everything.
     */
    public static int ofUpdate(byte[] update) {
        if (update == null || update.length < 2 || (update[0] & 0xFF) != Envelope.FORMAT_VERSION
                || (update[1] & 0x0F) != Envelope.UPDATE) {
            return DocType.UNSPECIFIED;
        }
        switch (update[1] & 0xF0) {
            case Envelope.TYPE_LWW_DOC: return DocType.LWW_DOC;
            case Envelope.TYPE_COUNTER: return DocType.COUNTER;
            case Envelope.TYPE_OR_SET: return DocType.OR_SET;
            case Envelope.TYPE_TEXT: return DocType.TEXT;
            default: return DocType.UNSPECIFIED;
        }
    }

    public static int of(Replicated<?> doc) {
        if (doc instanceof LwwDoc) {
            return DocType.LWW_DOC;
        }
        if (doc instanceof PnCounter) {
            return DocType.COUNTER;
        }
        if (doc instanceof OrSet) {
            return DocType.OR_SET;
        }
        if (doc instanceof TextDoc) {
            return DocType.TEXT;
        }
        throw new IllegalArgumentException("not a synced document type");
    }
}
