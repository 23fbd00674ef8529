package io.synckit.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SDK loaded as an ES module and from the script tag, on each engine, in real Chromium. */
class EnginesTest extends BrowserTest {
    @SuppressWarnings("unchecked")
    static Map<String, Object> run(String page, String engine) {
        List<String> errors = Browser.errors();
        Page p = browser.newPage(errors);
        try {
            p.navigate(browser.base + "test/pages/" + page);
            Browser.awaitReady(p, errors);
            Map<String, Object> result = (Map<String, Object>) p.evaluate("engine => window.run(engine)", engine);
            assertEquals(List.of(), errors, "page errors on " + page);
            return result;
        } finally {
            p.context().close();
        }
    }

    @ParameterizedTest(name = "{0} page, engine {1}")
    @CsvSource({"esm.html, js", "esm.html, wasm", "script-tag.html, js", "script-tag.html, wasm"})
    void coreTypeWorksThroughTheJsApi(String page, String engine) {
        Map<String, Object> r = run(page, engine);
        assertEquals(engine, r.get("engine"));
        assertEquals("0.1.0", r.get("version"));
        // Concurrent sets of 'title': the higher replica id (2) wins on both replicas.
        assertEquals("Buy oat milk", r.get("a"));
        assertEquals("Buy oat milk", r.get("b"));
        // 'done' was set by a, then deleted by a; b sees the delete.
        assertEquals(List.of("title"), r.get("keysB"));
        assertEquals(1, ((Number) r.get("sizeB")).intValue());
        assertEquals(1, ((Number) r.get("changed")).intValue(), "b took 'done' from a, kept its own 'title'");
        assertEquals("[object Uint8Array]", r.get("bytesType"));
        assertEquals(List.of(1, 2), r.get("bytesHead"), "format version 1, two entries");

        Map<?, ?> decode = (Map<?, ?>) r.get("decodeError");
        assertEquals("DecodeError", decode.get("name"));
        assertEquals("DECODE_ERROR", decode.get("code"));
        assertTrue(((String) decode.get("message")).contains("claims 100 entries"), String.valueOf(decode.get("message")));
        Map<?, ?> arg = (Map<?, ?>) r.get("argumentError");
        assertEquals("InvalidArgumentError", arg.get("name"));
        assertTrue(((String) arg.get("message")).startsWith("replicaId must be an integer"), String.valueOf(arg.get("message")));
        assertEquals(List.of("title"), r.get("keysAfterErrors"), "a failed applyUpdate changes nothing");
    }

    @ParameterizedTest(name = "auto picks wasm-gc in Chromium ({0})")
    @CsvSource({"esm.html", "script-tag.html"})
    void autoPicksWasmGcInChromium(String page) {
        Map<String, Object> r = run(page, null);
        assertEquals("wasm", r.get("engine"));
    }

    @Test
    void scriptTagBundleLoadsWasmFromBesideTheScript() {
        List<String> errors = Browser.errors();
        Page p = browser.newPage(errors);
        try {
            List<String> wasmRequests = new java.util.ArrayList<>();
            p.onRequest(req -> {
                if (req.url().endsWith(".wasm")) {
                    wasmRequests.add(req.url().substring(browser.base.length() - 1));
                }
            });
            p.navigate(browser.base + "test/pages/script-tag.html");
            Browser.awaitReady(p, errors);
            assertEquals("wasm", p.evaluate("() => SyncKit.load({ engine: 'wasm' }).then(c => c.engine)"));
            assertEquals(List.of("/sdk/synckit.wasm"), wasmRequests);
            assertEquals(List.of(), errors);
        } finally {
            p.context().close();
        }
    }
}
