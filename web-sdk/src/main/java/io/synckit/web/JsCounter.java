package io.synckit.web;

import io.synckit.core.counter.PnCounter;
import org.teavm.jso.JSClass;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSProperty;

/** {@link PnCounter} as the engine class {@code Counter}. */
@JSClass(name = "Counter")
public final class JsCounter {
    private final PnCounter counter;

    @JSExport
    public JsCounter(double replicaId) {
        try {
            counter = new PnCounter(replicaId);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void increment(double amount) {
        try {
            counter.increment(amount);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    @JSProperty
    public double getValue() {
        return counter.value();
    }

    @JSExport
    @JSProperty
    public int getRevision() {
        return counter.revision();
    }

    @JSExport
    @JSProperty
    public double getReplicaId() {
        return counter.replicaId();
    }

    @JSExport
    public byte[] encodeState() {
        return counter.encodeState();
    }

    @JSExport
    public byte[] encodeStateVector() {
        return counter.encodeStateVector();
    }

    @JSExport
    public byte[] encodeDiff(byte[] stateVector) {
        try {
            return counter.encodeDiff(stateVector);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public boolean applyUpdate(byte[] update) {
        try {
            return counter.applyUpdate(update);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }
}
