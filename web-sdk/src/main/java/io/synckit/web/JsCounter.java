package io.synckit.web;

import io.synckit.core.counter.PnCounter;
import org.teavm.jso.JSClass;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSProperty;

/** {@link PnCounter} as the engine class {@code Counter}. */
@JSClass(name = "Counter")
public final class JsCounter extends JsReplicated {
    private final PnCounter counter;

    @JSExport
    public JsCounter(double replicaId) {
        this(create(replicaId));
    }

    private JsCounter(PnCounter counter) {
        super(counter);
        this.counter = counter;
    }

    private static PnCounter create(double replicaId) {
        try {
            return new PnCounter(replicaId);
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






}
