package io.synckit.core;

import io.synckit.core.causal.CausalContext;
import io.synckit.core.clock.ReplicaIds;
import io.synckit.core.codec.Envelope;
import io.synckit.core.codec.Reader;
import io.synckit.core.codec.Writer;

/**
 * What every replicated type shares: bytes in, bytes out, in the {@link Envelope} frame.
 * <ul>
 *   <li>{@link #encodeStateVector()}: what this replica has seen (a {@link CausalContext}).</li>
 *   <li>{@link #encodeDiff(byte[])}: exactly what a peer with that state vector lacks.</li>
 *   <li>{@link #encodeState()}: the diff against nothing, i.e. the full state.</li>
 *   <li>{@link #applyUpdate(byte[])}: merges a state or a diff. Decoded and checked in full before
 *   anything changes: malformed input throws and leaves the object as it was. Merging is commutative,
 *   associative and idempotent, so updates may arrive in any order, twice, or not at all until resent.</li>
 * </ul>
 *
 * @param <U> a decoded update, ready to merge
 */
public abstract class Replicated<U> {
    /** This replica's id (see {@link ReplicaIds}). */
    protected final double replica;
    private final int typeKind;
    private final String typeName;
    private int revision;

    protected Replicated(int typeKind, String typeName, double replicaId) {
        this.replica = ReplicaIds.check(replicaId);
        this.typeKind = typeKind;
        this.typeName = typeName;
    }

    public final double replicaId() {
        return replica;
    }

    public final byte[] encodeState() {
        return diff(new CausalContext());
    }

    public final byte[] encodeStateVector() {
        Writer w = Envelope.begin(typeKind | Envelope.STATE_VECTOR);
        context().write(w);
        return Envelope.seal(w);
    }

    public final byte[] encodeDiff(byte[] stateVector) {
        Reader r = Envelope.open(stateVector, typeKind | Envelope.STATE_VECTOR, typeName + ".encodeDiff");
        CausalContext peer = CausalContext.read(r);
        r.expectEnd(typeName + " state vector");
        return diff(peer);
    }

    /**
     * An update carrying this replica's changes since {@code sinceStateVector}, to send as they happen
     * (the sync engine's outbox). The same as {@link #encodeDiff} unless a type can do smaller: TextDoc
     * leaves out deletions the peer already got (see there).
     */
    public byte[] encodeLocalChanges(byte[] sinceStateVector) {
        return encodeDiff(sinceStateVector);
    }

    /**
     * True while part of a merged update waits for updates it depends on (TextDoc keeps such items and
     * deletions pending). {@link #encodeState} leaves pending parts out, so whoever replaces a log of
     * updates by one state (compaction) must wait until this is false, or it loses them.
     */
    public boolean hasPending() {
        return false;
    }

    /** Merges an update; returns true when the visible value changed. */
    public final boolean applyUpdate(byte[] update) {
        Reader r = Envelope.open(update, typeKind | Envelope.UPDATE, typeName + ".applyUpdate");
        U decoded = readUpdate(r);
        r.expectEnd(typeName + " update");
        boolean changed = merge(decoded);
        if (changed) {
            revision++;
        }
        return changed;
    }

    /**
     * Increases whenever the visible value changes (local operations and merges), so a caller can
     * cache what it derived from the value (the JS layer keeps snapshots stable this way).
     */
    public final int revision() {
        return revision;
    }

    protected final void changed() {
        revision++;
    }

    private byte[] diff(CausalContext peer) {
        Writer w = Envelope.begin(typeKind | Envelope.UPDATE);
        writeDiff(w, peer);
        return Envelope.seal(w);
    }

    /** The events this replica has seen. */
    protected abstract CausalContext context();

    /** Writes what a peer that has seen {@code peer} lacks. */
    protected abstract void writeDiff(Writer w, CausalContext peer);

    /** Decodes and validates an update without changing anything. */
    protected abstract U readUpdate(Reader r);

    /** Merges a validated update; returns true when the visible value changed. */
    protected abstract boolean merge(U update);
}
