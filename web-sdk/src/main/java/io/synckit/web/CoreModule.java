package io.synckit.web;

import io.synckit.bindings.JsErrors;
import io.synckit.core.error.ErrorCodes;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSExportClasses;

/**
 * The TeaVM entry point: everything JS can reach in the engine module (core.js / core.wasm).
 * Kept deliberately thin and JS-friendly (int, double, String, byte[]; no long); the npm package
 * wraps it with options objects, Uint8Array and error classes.
 */
@JSExportClasses({JsLwwMap.class})
public final class CoreModule {
    /** Bumped with the exported surface; the npm loader checks it matches the package. */
    public static final String VERSION = "0.1.0";

    private CoreModule() {
    }

    @JSExport
    public static String version() {
        return VERSION;
    }

    /** Rethrows a Java failure as a JS error with a stable code (see {@link ErrorCodes}). */
    static RuntimeException toJs(RuntimeException e) {
        String message = e.getMessage();
        JsErrors.throwError(ErrorCodes.of(e), message != null ? message : e.getClass().getName());
        return e; // not reached: throwError always throws
    }
}
