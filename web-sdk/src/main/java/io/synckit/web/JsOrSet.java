package io.synckit.web;

import io.synckit.core.set.OrSet;
import org.teavm.jso.JSClass;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSProperty;

/** {@link OrSet} as the engine class {@code OrSet}. */
@JSClass(name = "OrSet")
public final class JsOrSet {
    private final OrSet set;

    @JSExport
    public JsOrSet(double replicaId) {
        try {
            set = new OrSet(replicaId);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void add(String element) {
        try {
            set.add(element);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void remove(String element) {
        set.remove(element);
    }

    @JSExport
    public boolean has(String element) {
        return set.has(element);
    }

    @JSExport
    public String[] values() {
        return set.values();
    }

    @JSExport
    @JSProperty
    public int getSize() {
        return set.size();
    }

    @JSExport
    @JSProperty
    public int getRevision() {
        return set.revision();
    }

    @JSExport
    @JSProperty
    public double getReplicaId() {
        return set.replicaId();
    }

    @JSExport
    public byte[] encodeState() {
        return set.encodeState();
    }

    @JSExport
    public byte[] encodeStateVector() {
        return set.encodeStateVector();
    }

    @JSExport
    public byte[] encodeDiff(byte[] stateVector) {
        try {
            return set.encodeDiff(stateVector);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public boolean applyUpdate(byte[] update) {
        try {
            return set.applyUpdate(update);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }
}
