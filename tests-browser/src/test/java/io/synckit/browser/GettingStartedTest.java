package io.synckit.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the code blocks of docs/getting-started.md marked "tested" against the real server, in Chromium. */
class GettingStartedTest extends BrowserTest {
    /** The fenced block after each {@code <!-- tested: KIND ...-->} marker. */
    static String block(String kind) throws Exception {
        String doc = Files.readString(Paths.get("../docs/getting-started.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<!-- tested: " + kind + "[^>]*-->\\s*```\\w+\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(m.find(), "no tested " + kind + " block in docs/getting-started.md");
        return m.group(1);
    }

    private Page page(String html, List<String> errors, List<String> logs) {
        Page p = browser.newPage(errors);
        p.onConsoleMessage(msg -> logs.add(msg.text()));
        p.context().route(browser.base + "getting-started.html", route -> route.fulfill(new Route.FulfillOptions()
                .setStatus(200).setContentType("text/html").setBody(html)));
        p.navigate(browser.base + "getting-started.html");
        return p;
    }

    @Test
    void theNpmSnippetRuns() throws Exception {
        // As a bundler would resolve it: the package is the server's /sdk/; the URL is this server's.
        String code = block("esm").replace("'@synckit/web'", "'/sdk/index.js'")
                .replace("ws://127.0.0.1:8080/sync", browser.base.replace("http", "ws") + "sync");
        List<String> errors = Browser.errors();
        List<String> logs = new ArrayList<>();
        Page p = page("<!doctype html><body><script type=\"module\">\n" + code
                + "\ndocument.body.dataset.done = 'true';\n</script></body>", errors, logs);
        try {
            try {
                p.waitForFunction("() => document.body.dataset.done === 'true'");
            } catch (com.microsoft.playwright.TimeoutError e) {
                throw new AssertionError("the snippet did not finish; console " + logs + ", errors " + errors, e);
            }
            assertTrue(logs.contains("todo is now {\"done\":false,\"title\":\"Buy milk\"}")
                    || logs.contains("todo is now {\"title\":\"Buy milk\",\"done\":false}"), logs.toString());
            assertTrue(logs.stream().anyMatch(l -> l.startsWith("status: ")), logs.toString());
            assertEquals(List.of(), errors);
        } finally {
            p.context().close();
        }
    }

    @Test
    void theScriptTagSnippetRuns() throws Exception {
        List<String> errors = Browser.errors();
        List<String> logs = new ArrayList<>();
        // A counter of its own (the doc's 'likes' is shared with other tests on this server): it starts at 0.
        String html = block("script-tag").replace("sync.counter('likes')", "sync.counter('likes-" + System.nanoTime() + "')");
        Page p = page(html, errors, logs);
        try {
            try {
                p.waitForFunction("() => !!document.getElementById('plus').onclick"); // the snippet is set up
            } catch (com.microsoft.playwright.TimeoutError e) {
                throw new AssertionError("the snippet did not start; console " + logs + ", errors " + errors, e);
            }
            p.click("#plus");
            p.click("#plus");
            p.waitForFunction("() => document.getElementById('count').textContent === '2'");
            assertEquals(List.of(), errors);
        } finally {
            p.context().close();
        }
    }
}
