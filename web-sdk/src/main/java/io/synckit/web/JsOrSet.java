package io.synckit.web;

import io.synckit.core.set.OrSet;
import org.teavm.jso.JSClass;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSProperty;

/** {@link OrSet} as the engine class {@code OrSet}. */
@JSClass(name = "OrSet")
public final class JsOrSet extends JsReplicated {
    private final OrSet set;

    @JSExport
    public JsOrSet(double replicaId) {
        this(create(replicaId));
    }

    private JsOrSet(OrSet set) {
        super(set);
        this.set = set;
    }

    private static OrSet create(double replicaId) {
        try {
            return new OrSet(replicaId);
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






}
