package io.synckit.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SyncKit.open() in real Chromium against the real server, IndexedDB storage, on each engine. */
class SyncInBrowserTest extends BrowserTest {
    private static final String CONVERGED = "(want) => { const s = state(); return s.status === 'synced' && s.pending === 0"
            + " && canonical(s) === canonical({ ...want, status: 'synced', pending: 0 }); }";

    private Page open(String engine, String name, String room, List<String> errors) {
        Page p = browser.newPage(errors);
        p.navigate(browser.base + "test/pages/sync.html");
        Browser.awaitReady(p, errors);
        assertEquals(engine, p.evaluate("([e, n, r]) => start(e, n, r)", List.of(engine, name, room)));
        return p;
    }

    /** Waits until the page's state is {@code want} (synced, nothing pending); on timeout, says what it was. */
    private static void awaitConverged(Page p, String want, List<String> errors) {
        try {
            p.waitForFunction("() => (" + CONVERGED + ")(" + want + ")");
        } catch (com.microsoft.playwright.TimeoutError e) {
            throw new AssertionError("not converged to " + want + ": " + p.evaluate("() => JSON.stringify({ ...state(),"
                    + " error: String(sync.error), statuses })") + "; page errors " + errors, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> state(Page p) {
        return (Map<String, Object>) p.evaluate("() => state()");
    }

    @ParameterizedTest(name = "engine {0}")
    @ValueSource(strings = {"js", "wasm"})
    void twoBrowsersConvergeOnAllFourTypesAndAReloadKeepsEverything(String engine) {
        List<String> errors = Browser.errors();
        String prefix = engine + "-" + System.nanoTime() + "-";
        Page a = open(engine, prefix + "alice", prefix, errors);
        Page b = open(engine, prefix + "bob", prefix, errors);
        try {
            a.evaluate("async () => { await docs.todo.update({ title: 'Buy milk', done: false });"
                    + " await docs.note.insert(0, 'Hello'); await docs.likes.increment(2); await docs.tags.add('x'); }");
            b.evaluate("async () => { await docs.likes.increment(3); await docs.tags.add('y'); }");
            String wantJs = "{ todo: { title: 'Buy milk', done: false }, note: 'Hello', likes: 5, tags: ['x', 'y'] }";
            awaitConverged(a, wantJs, errors);
            awaitConverged(b, wantJs, errors);
            b.evaluate("async () => { await docs.note.insert(5, ' world'); await docs.todo.update({ done: true }); }");
            String want2 = "{ todo: { title: 'Buy milk', done: true }, note: 'Hello world', likes: 5, tags: ['x', 'y'] }";
            awaitConverged(a, want2, errors);

            // A reload: IndexedDB gives everything back before the connection is up.
            a.reload();
            Browser.awaitReady(a, errors);
            // state() in the same task as open() resolving: before any frame from the server was handled.
            @SuppressWarnings("unchecked")
            Map<String, Object> restored = (Map<String, Object>) a.evaluate(
                    "async ([e, n, r]) => { await start(e, n, r); return state(); }", List.of(engine, prefix + "alice", prefix));
            assertEquals("Hello world", restored.get("note"));
            assertEquals(5, ((Number) restored.get("likes")).intValue());
            assertEquals(Map.of("title", "Buy milk", "done", true), restored.get("todo"));
            awaitConverged(a, want2, errors);
            assertEquals(List.of(), errors);
        } finally {
            a.context().close();
            b.context().close();
        }
    }
}
