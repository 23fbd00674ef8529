package io.synckit.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared core vectors (also run on the JVM and in Node 22) on both engines in Chromium. */
class VectorsInChromiumTest extends BrowserTest {
    static final Path VECTORS = Paths.get("../core/src/test/resources/vectors");

    @ParameterizedTest(name = "engine {0}")
    @ValueSource(strings = {"js", "wasm"})
    void allVectorsPass(String engine) throws IOException {
        List<String> files;
        try (Stream<Path> s = Files.list(VECTORS)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        }
        int expected = 0;
        for (String f : files) {
            var suite = JsonParser.parseString(Files.readString(VECTORS.resolve(f))).getAsJsonObject();
            for (String cases : List.of("vectors", "frames", "malformed")) {
                expected += suite.has(cases) ? suite.getAsJsonArray(cases).size() : 0;
            }
        }
        assertTrue(expected > 0, "no vectors found in " + VECTORS.toAbsolutePath());

        List<String> errors = Browser.errors();
        Page p = browser.newPage(errors);
        try {
            p.navigate(browser.base + "test/pages/vectors.html");
            Browser.awaitReady(p, errors);
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) p.evaluate(
                    "([engine, files]) => window.runVectors(engine, files)", List.of(engine, files));
            assertEquals(engine, r.get("engine"));
            assertEquals(List.of(), r.get("failures"));
            assertEquals(expected, ((Number) r.get("passed")).intValue());
            assertEquals(List.of(), errors);
        } finally {
            p.context().close();
        }
    }
}
