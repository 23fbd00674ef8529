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
    void coreTypesWorkThroughTheJsApi(String page, String engine) {
        Map<String, Object> r = run(page, engine);
        assertEquals(engine, r.get("engine"));
        assertEquals("0.1.0", r.get("version"));
        // Concurrent sets of 'title' at the same time: the higher replica id (2) wins on both;
        // 'done' was set, then deleted, by a; the nested number survives the trip exactly.
        Map<String, Object> expected = Map.of("title", "Buy oat milk", "meta", Map.of("n", 0.1));
        assertEquals(expected, r.get("a"));
        assertEquals(expected, r.get("b"));
        assertEquals(Boolean.TRUE, r.get("changed"));
        assertEquals(3, ((Number) r.get("likes")).intValue(), "5 - 2, the duplicate not counted");
        assertEquals(List.of("work"), r.get("tags"));
        assertEquals(List.of("a0B1", "a1B1"), r.get("order"), "the same keys as on the JVM");
        assertEquals("[object Uint8Array]", r.get("bytesType"));
        assertEquals(List.of(1, 16), r.get("bytesHead"), "format version 1, LwwDoc update");

        Map<?, ?> decode = (Map<?, ?>) r.get("decodeError");
        assertEquals("DecodeError", decode.get("name"));
        assertEquals("DECODE_ERROR", decode.get("code"));
        assertTrue(((String) decode.get("message")).contains("checksum mismatch"), String.valueOf(decode.get("message")));
        Map<?, ?> arg = (Map<?, ?>) r.get("argumentError");
        assertEquals("InvalidArgumentError", arg.get("name"));
        assertTrue(((String) arg.get("message")).startsWith("replicaId must be an integer"), String.valueOf(arg.get("message")));
        assertEquals(expected, r.get("afterErrors"), "a failed applyUpdate changes nothing");
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
    /**
     * Under a CSP without 'unsafe-eval' the wasm-gc runtime cannot build its glue (new Function), so 'auto'
     * falls back to the JS engine, which needs no eval, and says why; everything else works as usual.
     */
    @Test
    @SuppressWarnings("unchecked")
    void autoFallsBackToJsUnderAStrictContentSecurityPolicy() {
        List<String> errors = Browser.errors();
        Page p = browser.newPage(errors);
        try {
            p.navigate(browser.base + "test/pages/esm.html?csp=strict");
            Browser.awaitReady(p, errors);
            Map<String, Object> r = (Map<String, Object>) p.evaluate("() => window.run(undefined)");
            assertEquals("js", r.get("engine"));
            assertEquals(Map.of("title", "Buy oat milk", "meta", Map.of("n", 0.1)), r.get("a"));
            Object reason = p.evaluate("() => import('/sdk/index.js').then(m => m.load()).then(c => c.engineFallbackReason)");
            assertTrue(String.valueOf(reason).contains("unsafe-eval"), "fallback reason: " + reason);
            // Chromium reports each refused eval on the console; nothing else may go wrong.
            errors.removeIf(e -> e.startsWith("console.error: ") && e.contains("unsafe-eval"));
            assertEquals(List.of(), errors);
        } finally {
            p.context().close();
        }
    }
}
