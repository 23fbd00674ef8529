package io.synckit.web;

import io.synckit.core.Replicated;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSProperty;
import io.synckit.bindings.JsBytes;
import org.teavm.jso.typedarrays.Int8Array;

/** The byte-level sync surface every exported type shares (see {@link Replicated}). */
abstract class JsReplicated {
    private final Replicated<?> target;

    JsReplicated(Replicated<?> target) {
        this.target = target;
    }

    /** The core object (the sync session opens it). */
    Replicated<?> replicated() {
        return target;
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
    public Int8Array encodeState() {
        return JsBytes.toJs(target.encodeState());
    }

    @JSExport
    public Int8Array encodeStateVector() {
        return JsBytes.toJs(target.encodeStateVector());
    }

    @JSExport
    public Int8Array encodeDiff(Int8Array stateVector) {
        try {
            return JsBytes.toJs(target.encodeDiff(JsBytes.fromJs(stateVector)));
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public boolean applyUpdate(Int8Array update) {
        try {
            return target.applyUpdate(JsBytes.fromJs(update));
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }
}
