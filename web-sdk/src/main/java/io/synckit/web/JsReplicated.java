package io.synckit.web;

import io.synckit.core.Replicated;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSProperty;

/** The byte-level sync surface every exported type shares (see {@link Replicated}). */
abstract class JsReplicated {
    private final Replicated<?> target;

    JsReplicated(Replicated<?> target) {
        this.target = target;
    }

    @JSExport
    @JSProperty
    public double getReplicaId() {
        return target.replicaId();
    }

    @JSExport
    @JSProperty
    public int getRevision() {
        return target.revision();
    }

    @JSExport
    public byte[] encodeState() {
        return target.encodeState();
    }

    @JSExport
    public byte[] encodeStateVector() {
        return target.encodeStateVector();
    }

    @JSExport
    public byte[] encodeDiff(byte[] stateVector) {
        try {
            return target.encodeDiff(stateVector);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public boolean applyUpdate(byte[] update) {
        try {
            return target.applyUpdate(update);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }
}
