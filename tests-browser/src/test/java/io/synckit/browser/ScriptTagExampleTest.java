package io.synckit.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Page;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** examples/script-tag, as the server serves it at /script-tag/: two windows share the counter and the note. */
class ScriptTagExampleTest extends BrowserTest {
    private static Page open(String engine, List<String> errors) {
        Page p = browser.newPage(errors);
        p.navigate(browser.base + "script-tag/?engine=" + engine);
        p.waitForFunction("e => document.body.dataset.engine === e", engine);
        p.waitForFunction("() => document.getElementById('status').textContent === 'synced'");
        return p;
    }

    @ParameterizedTest(name = "engine {0}")
    @ValueSource(strings = {"js", "wasm"})
    void twoWindowsShareTheCounterAndTheNote(String engine) {
        List<String> errors = Browser.errors();
        Page a = open(engine, errors);
        Page b = open(engine, errors);
        try {
            int start = Integer.parseInt(a.textContent("#count"));
            a.click("#plus");
            a.click("#plus");
            String want = String.valueOf(start + 2);
            b.waitForFunction("n => document.getElementById('count').textContent === n", want);
            String note = engine + " note " + System.nanoTime();
            a.fill("#note", note);
            b.waitForFunction("t => document.getElementById('note').value === t", note);
            b.waitForFunction("() => document.getElementById('status').textContent === 'synced'");
            assertEquals(want, b.textContent("#count"));
            assertEquals(List.of(), errors);
        } finally {
            a.context().close();
            b.context().close();
        }
    }
}
