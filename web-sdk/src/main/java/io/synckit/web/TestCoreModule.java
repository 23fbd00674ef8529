package io.synckit.web;

import org.teavm.jso.JSExport;
import org.teavm.jso.JSExportClasses;

/**
 * The engine the test vectors run on: {@link CoreModule}'s exports plus {@link JsProtocol}, the wire codec
 * as plain objects, so the protocol vectors pass on the JS and wasm-gc builds too. Built next to the
 * shipped engine (web-sdk/target/teavm-test), never shipped: the sync session uses the codec directly,
 * and the export would add ~2 KB gzip to each engine.
 */
@JSExportClasses({JsLwwDoc.class, JsCounter.class, JsOrSet.class, JsTextDoc.class, JsFractionalIndex.class,
    JsSyncSession.class, JsProtocol.class})
public final class TestCoreModule {
    private TestCoreModule() {
    }

    @JSExport
    public static JsLwwDoc newLwwDoc(double replicaId, double fixedTime, double maxClockSkewMillis) {
        return CoreModule.newLwwDoc(replicaId, fixedTime, maxClockSkewMillis);
    }

    @JSExport
    public static JsSyncSession newSyncSession(double replicaId, String token) {
        return CoreModule.newSyncSession(replicaId, token);
    }

    @JSExport
    public static String version() {
        return CoreModule.version();
    }
}
