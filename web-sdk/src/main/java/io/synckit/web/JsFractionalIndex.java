package io.synckit.web;

import io.synckit.core.order.FractionalIndex;
import org.teavm.jso.JSClass;
import org.teavm.jso.JSExport;

/** {@link FractionalIndex} as the engine class {@code FractionalIndex} (static functions only). */
@JSClass(name = "FractionalIndex")
public final class JsFractionalIndex {
    private JsFractionalIndex() {
    }

    @JSExport
    public static String between(String before, String after, double replicaId) {
        try {
            return FractionalIndex.between(before, after, replicaId);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public static String[] spread(String before, String after, int count, double replicaId) {
        try {
            return FractionalIndex.spread(before, after, count, replicaId);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public static void validate(String key) {
        try {
            FractionalIndex.validate(key);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }
}
