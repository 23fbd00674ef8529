package io.synckit.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Page;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The page the README start command serves at /: loads the SDK on either engine and keeps todos across reloads. */
class TodoAppTest extends BrowserTest {
    @ParameterizedTest(name = "{0} -> engine {1}")
    @CsvSource({"'', wasm", "?engine=js, js", "?engine=wasm, wasm"})
    void addCompleteDeleteAndReload(String query, String engine) {
        List<String> errors = Browser.errors();
        Page p = browser.newPage(errors);
        try {
            p.navigate(browser.base + query);
            Browser.awaitReady(p, errors);
            assertEquals(engine, p.textContent("#engine"));

            for (String title : List.of("Buy milk", "Walk the dog")) {
                p.fill("#title", title);
                p.click("#add button");
            }
            p.waitForSelector("body[data-count='2']");
            assertEquals(List.of("Buy milk", "Walk the dog"), p.locator("#list li span").allTextContents());
            p.locator("#list li").first().locator("input[type=checkbox]").check();
            p.waitForSelector("#list li.done");

            p.reload();
            Browser.awaitReady(p, errors);
            assertEquals(List.of("Buy milk", "Walk the dog"), p.locator("#list li span").allTextContents());
            assertEquals(1, p.locator("#list li.done").count(), "completion survives the reload");

            p.locator("#list li").nth(1).locator("button").click();
            p.waitForSelector("body[data-count='1']");
            assertEquals(List.of(), errors);
        } finally {
            p.context().close();
        }
    }
}
