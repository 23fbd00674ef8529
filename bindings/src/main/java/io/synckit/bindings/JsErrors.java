package io.synckit.bindings;

import org.teavm.jso.JSBody;

/**
 * Throws plain JS errors from Java. A Java exception crossing into JS arrives as an opaque TeaVM
 * wrapper whose class is not visible to JS, so the facade turns each failure into an
 * {@code Error} named {@code SyncKitEngineError} with a {@code code}; the npm package maps the code
 * to its public error classes. Works on both the JS and the wasm-gc target.
 */
public final class JsErrors {
    private JsErrors() {
    }

    @JSBody(params = {"code", "message"},
            script = "var e = new Error(message); e.name = 'SyncKitEngineError'; e.code = code; throw e;")
    public static native void throwError(String code, String message);
}
