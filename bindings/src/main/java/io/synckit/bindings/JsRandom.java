package io.synckit.bindings;

import org.teavm.jso.JSBody;

/** Math.random(), for core's injected RandomSource (reconnect jitter: not security-sensitive). */
public final class JsRandom {
    private JsRandom() {
    }

    @JSBody(script = "return Math.random();")
    public static native double next();
}
