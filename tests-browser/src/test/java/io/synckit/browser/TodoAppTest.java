package io.synckit.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The page the README start command serves at /: a shared todo list on SyncKit.open(), either engine. */
class TodoAppTest extends BrowserTest {
    /** Opens the app on its own list (tests share one server). */
    private static Page open(String list, String engine, List<String> errors, SyncInBrowserTest.Cutter cutter) {
        Page p = browser.newPage(errors);
        if (cutter != null) {
            cutter.route(p);
        }
        p.navigate(browser.base + "?list=" + list + (engine.isEmpty() ? "" : "&engine=" + engine));
        Browser.awaitReady(p, errors);
        return p;
    }

    private static List<String> titles(Page p) {
        return p.locator("#list li span").allTextContents();
    }

    @ParameterizedTest(name = "engine ''{0}'' -> {1}")
    @CsvSource({"'', wasm", "js, js", "wasm, wasm"})
    void addCompleteDeleteAndReload(String engine, String expected) {
        List<String> errors = Browser.errors();
        String list = "single-" + expected + "-" + System.nanoTime();
        Page p = open(list, engine, errors, null);
        try {
            assertEquals(expected, p.textContent("#engine"));
            for (String title : List.of("Buy milk", "Walk the dog")) {
                p.fill("#title", title);
                p.click("#add button");
            }
            p.waitForSelector("body[data-count='2']");
            assertEquals(List.of("Buy milk", "Walk the dog"), titles(p));
            p.locator("#list li").first().locator("input[type=checkbox]").check();
            p.waitForSelector("#list li.done");
            p.waitForSelector("body[data-status='synced']");
            assertEquals("synced", p.textContent("#sync"));

            p.reload();
            Browser.awaitReady(p, errors);
            assertEquals(List.of("Buy milk", "Walk the dog"), titles(p));
            assertEquals(1, p.locator("#list li.done").count(), "completion survives the reload");

            p.locator("#list li").nth(1).locator("button").click();
            p.waitForSelector("body[data-count='1']");
            assertEquals(List.of(), errors);
        } finally {
            p.context().close();
        }
    }

    @Test
    void twoUsersShareTheListAndEditsMadeOfflineSyncAfterReconnecting() {
        List<String> errors = Browser.errors();
        String list = "shared-" + System.nanoTime();
        SyncInBrowserTest.Cutter cutter = new SyncInBrowserTest.Cutter();
        Page a = open(list, "", errors, cutter);
        Page b = open(list, "js", errors, null);
        try {
            a.fill("#title", "Buy milk");
            a.click("#add button");
            b.waitForSelector("body[data-count='1']");
            b.locator("#list li").first().locator("input[type=checkbox]").check();
            a.waitForSelector("#list li.done");

            cutter.cutAll(); // a's connection drops and stays down
            a.waitForSelector("body[data-status='offline']");
            assertTrue(a.isVisible("#offline"), "the offline banner shows");
            a.fill("#title", "Walk the dog");
            a.click("#add button");
            a.waitForFunction("() => document.getElementById('sync').textContent === 'saved on this device (1 to sync)'");
            assertEquals(List.of("Buy milk"), titles(b), "not there yet");

            cutter.cut = false;
            b.waitForSelector("body[data-count='2']");
            assertEquals(List.of("Buy milk", "Walk the dog"), titles(b));
            a.waitForSelector("body[data-status='synced']");
            assertTrue(!a.isVisible("#offline"), "the banner is gone");
            assertEquals(List.of(), errors.stream().filter(e -> !e.contains("WebSocket")).toList());
        } finally {
            a.context().close();
            b.context().close();
        }
    }

    /** Edits and drag-to-reorder reach the other user; a screenshot of the app is kept as a test artifact. */
    @Test
    void editsAndReordersReachTheOtherUser() throws Exception {
        List<String> errors = Browser.errors();
        String list = "reorder-" + System.nanoTime();
        Page a = open(list, "", errors, null);
        Page b = open(list, "js", errors, null);
        try {
            for (String title : List.of("one", "two", "three")) {
                a.fill("#title", title);
                a.click("#add button");
            }
            b.waitForSelector("body[data-count='3']");
            assertEquals(List.of("one", "two", "three"), titles(b));

            a.locator("#list li").nth(2).dragTo(a.locator("#list li").nth(0)); // "three" before "one"
            b.waitForFunction("() => [...document.querySelectorAll('#list li span')].map((s) => s.textContent).join() === 'three,one,two'");
            assertEquals(List.of("three", "one", "two"), titles(a));

            b.locator("#list li span").nth(1).dblclick();
            b.fill("#list li input.edit", "one, edited");
            b.press("#list li input.edit", "Enter");
            a.waitForFunction("() => [...document.querySelectorAll('#list li span')].map((s) => s.textContent).join('|') === 'three|one, edited|two'");
            a.waitForSelector("body[data-status='synced']");
            java.nio.file.Path shot = java.nio.file.Paths.get("target", "todo-app.png");
            a.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true));
            assertTrue(java.nio.file.Files.size(shot) > 1000, "screenshot written: " + shot.toAbsolutePath());
            assertEquals(List.of(), errors);
        } finally {
            a.context().close();
            b.context().close();
        }
    }
}
