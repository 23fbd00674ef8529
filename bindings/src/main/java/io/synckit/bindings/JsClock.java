package io.synckit.bindings;

import org.teavm.jso.JSBody;

/** The browser's wall clock (Date.now()), for core's injected clocks. */
public final class JsClock {
    private JsClock() {
    }

    @JSBody(script = "return Date.now();")
    public static native double now();
}
