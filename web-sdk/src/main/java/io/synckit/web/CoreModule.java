package io.synckit.web;

import io.synckit.bindings.JsErrors;
import io.synckit.core.error.ErrorCodes;
import io.synckit.core.codec.Reader;
import io.synckit.core.codec.Writer;
import io.synckit.core.json.Json;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSExportClasses;

/**
 * The TeaVM entry point: everything JS can reach in the engine module (core.js / core.wasm).
 * Kept deliberately thin and JS-friendly (int, double, String, byte[]; no long); the npm package
 * wraps it with options objects, Uint8Array and error classes.
 */
@JSExportClasses({JsLwwDoc.class, JsCounter.class, JsOrSet.class, JsTextDoc.class, JsFractionalIndex.class,
    JsSyncSession.class})
public final class CoreModule {
    /** Bumped with the exported surface; the npm loader checks it matches the package. */
    public static final String VERSION = "0.1.0";

    private CoreModule() {
    }

    /**
     * Creates an LwwDoc. A factory rather than a 3-argument exported constructor: TeaVM 0.15's
     * wasm-gc target passes NaN for the third double argument of an exported constructor.
     */
    @JSExport
    public static JsLwwDoc newLwwDoc(double replicaId, double fixedTime, double maxClockSkewMillis) {
        return new JsLwwDoc(replicaId, fixedTime, maxClockSkewMillis);
    }

    /** A sync session for {@code replicaId} (see {@link JsSyncSession}); a factory for the same reason. */
    @JSExport
    public static JsSyncSession newSyncSession(double replicaId, String token) {
        return new JsSyncSession(replicaId, token);
    }

    @JSExport
    public static String version() {
        return VERSION;
    }

    /*
     * Values and paths cross the JS boundary in core's binary JSON form (Json.write/read; the npm
     * package has the JS half in src/values.js), not as JSON text: text would need Double.parseDouble
     * and Double.toString, which cost ~100 KB in the browser build, and numbers travel as exact
     * IEEE 754 bits.
     */
    static Object readJson(byte[] bytes) {
        Reader r = new Reader(bytes);
        Object v = Json.read(r);
        r.expectEnd("value");
        return v;
    }

    static byte[] writeJson(Object v) {
        Writer w = new Writer();
        Json.write(w, v);
        return w.toByteArray();
    }

    static String[] path(byte[] bytes) {
        Object p = readJson(bytes);
        if (!(p instanceof java.util.List)) {
            throw new IllegalArgumentException("path must be an array of keys");
        }
        java.util.List<?> list = (java.util.List<?>) p;
        String[] out = new String[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof String)) {
                throw new IllegalArgumentException("path keys must be strings");
            }
            out[i] = (String) list.get(i);
        }
        return out;
    }

    /** Rethrows a Java failure as a JS error with a stable code (see {@link ErrorCodes}). */
    static RuntimeException toJs(RuntimeException e) {
        String message = e.getMessage();
        JsErrors.throwError(ErrorCodes.of(e), message != null ? message : "internal error");
        return e; // not reached: throwError always throws
    }
}
