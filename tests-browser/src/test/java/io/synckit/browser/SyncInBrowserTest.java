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

    /**
     * IndexedDB taken away mid-session: another tab opens the database at a newer schema version (a newer
     * SyncKit), so this tab's connection closes. The next change is refused by the real IndexedDB; its
     * promise rejects with a StorageError that says what to do, onError and sync.error report it, and
     * the sync stops (status 'offline') instead of sending what is not stored.
     */
    @ParameterizedTest(name = "engine {0}")
    @ValueSource(strings = {"js", "wasm"})
    @SuppressWarnings("unchecked")
    void aRefusedIndexedDbWriteRejectsWithAStorageErrorAndStops(String engine) {
        List<String> errors = Browser.errors();
        String prefix = engine + "-" + System.nanoTime() + "-";
        Page p = open(engine, prefix + "idb", prefix, errors);
        try {
            p.evaluate("async () => { window.reported = []; sync.onError((e) => reported.push(e.name));"
                    + " await docs.likes.increment(1); }");
            // What a newer SyncKit in another tab does: upgrade the schema. Resolves once the upgrade is done,
            // that is once this tab's connection has closed for it.
            p.evaluate("(name) => new Promise((resolve, reject) => { const req = indexedDB.open('synckit:' + name, 2);"
                    + " req.onsuccess = () => { req.result.close(); resolve(); }; req.onerror = () => reject(req.error); })",
                    prefix + "idb");
            Map<String, Object> r = (Map<String, Object>) p.evaluate("async () => {"
                    + " try { await docs.likes.increment(1); return { stored: true }; }"
                    + " catch (e) { return { name: e.name, message: e.message, status: sync.status,"
                    + " error: sync.error && sync.error.name, reported }; } }");
            assertEquals("StorageError", r.get("name"), String.valueOf(r));
            String message = String.valueOf(r.get("message"));
            org.junit.jupiter.api.Assertions.assertTrue(message.startsWith("could not store changes locally: ")
                    && message.endsWith("another tab with a newer version of the app: reload this tab."), message);
            assertEquals("offline", r.get("status"));
            assertEquals("StorageError", r.get("error"));
            assertEquals(List.of("StorageError"), r.get("reported"));
            assertEquals("StorageError", p.evaluate("() => { try { docs.likes.increment(1); return 'accepted'; }"
                    + " catch (e) { return e.name; } }"), "no more changes once a write failed");
            assertEquals(List.of(), errors);
        } finally {
            p.context().close();
        }
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

    /** Cuts WebSockets of the pages routed through it (the connection drops, as a network outage would). */
    static final class Cutter {
        final List<com.microsoft.playwright.WebSocketRoute> open = new java.util.ArrayList<>();
        boolean cut;
        /** Frames from the server passed on per connection; later ones are withheld (a stalled flush). */
        int forwardFromServer = Integer.MAX_VALUE;

        void route(Page p) {
            p.routeWebSocket(java.util.regex.Pattern.compile(".*/sync$"), ws -> {
                if (cut) {
                    ws.close(); // still cut off: the reconnect fails
                    return;
                }
                com.microsoft.playwright.WebSocketRoute server = ws.connectToServer();
                int limit = forwardFromServer;
                int[] forwarded = {0};
                server.onMessage(frame -> {
                    if (forwarded[0]++ < limit) {
                        ws.send(frame.binary());
                    }
                });
                open.add(ws);
            });
        }

        void cutAll() {
            cut = true;
            for (com.microsoft.playwright.WebSocketRoute ws : open) {
                ws.close();
            }
            open.clear();
        }
    }

    @ParameterizedTest(name = "engine {0}")
    @ValueSource(strings = {"js", "wasm"})
    void bothSidesEditWhileCutOffAndConvergeAfterReconnecting(String engine) {
        List<String> errors = Browser.errors();
        String room = engine + "-cut-" + System.nanoTime();
        Cutter cutter = new Cutter();
        Page a = browser.newPage(errors);
        Page b = browser.newPage(errors);
        try {
            for (Page p : List.of(a, b)) {
                cutter.route(p);
                p.navigate(browser.base + "test/pages/sync.html");
                Browser.awaitReady(p, errors);
            }
            a.evaluate("([e, n, r]) => start(e, n, r)", List.of(engine, room + "-a", room));
            b.evaluate("([e, n, r]) => start(e, n, r)", List.of(engine, room + "-b", room));
            a.evaluate("async () => { await docs.note.insert(0, 'ab'); await docs.likes.increment(1); }");
            String base = "{ todo: {}, note: 'ab', likes: 1, tags: [] }";
            awaitConverged(a, base, errors);
            awaitConverged(b, base, errors);

            cutter.cutAll();
            a.waitForFunction("() => sync.status === 'offline'");
            b.waitForFunction("() => sync.status === 'offline'");
            a.evaluate("async () => { await docs.note.insert(0, 'A'); await docs.likes.increment(10); await docs.tags.add('a'); }");
            b.evaluate("async () => { await docs.note.insert(2, 'B'); await docs.likes.increment(100); await docs.tags.add('b'); }");
            assertEquals(3, ((Number) a.evaluate("() => sync.pendingCount")).intValue(), "stored, waiting for the server");
            assertEquals("Aab", a.evaluate("() => docs.note.toString()"), "each side sees only its own edits");
            assertEquals("abB", b.evaluate("() => docs.note.toString()"));

            cutter.cut = false; // the next reconnect attempts get through
            String merged = "{ todo: {}, note: 'AabB', likes: 111, tags: ['a', 'b'] }";
            awaitConverged(a, merged, errors);
            awaitConverged(b, merged, errors);
            assertEquals(List.of(), errors.stream().filter(e -> !e.contains("WebSocket")).toList());
        } finally {
            a.context().close();
            b.context().close();
        }
    }

    @org.junit.jupiter.api.Test
    void aBadTokenShowsAClearErrorState() {
        List<String> errors = Browser.errors();
        Page p = browser.newPage(errors);
        try {
            p.navigate(browser.base + "test/pages/sync.html");
            Browser.awaitReady(p, errors);
            p.evaluate("async () => { const url = location.origin.replace(/^http/, 'ws') + '/sync';"
                    + " window.sync = await sk.open({ url, token: 'not-a-jwt', name: 'bad-token' });"
                    + " window.errs = []; sync.onError((e) => errs.push(e)); }");
            p.waitForFunction("() => sync.error !== null");
            @SuppressWarnings("unchecked")
            Map<String, Object> e = (Map<String, Object>) p.evaluate("() => ({ name: sync.error.name, code: sync.error.code,"
                    + " message: sync.error.message, isSyncError: sync.error instanceof sk.SyncError, status: sync.status })");
            assertEquals("SyncError", e.get("name"));
            assertEquals("UNAUTHENTICATED", e.get("code"));
            assertEquals(Boolean.TRUE, e.get("isSyncError"));
            assertEquals("offline", e.get("status"));
            org.junit.jupiter.api.Assertions.assertTrue(((String) e.get("message")).contains("get a new one"), (String) e.get("message"));
        } finally {
            p.context().close();
        }
    }

    /**
     * Two tabs of one context on one database, the server unreachable: each sees the other's edits at once
     * (BroadcastChannel through the leader tab); when the leader tab closes, the other takes over, and once
     * the server is back everything arrives there exactly once.
     */
    @ParameterizedTest(name = "engine {0}")
    @ValueSource(strings = {"js", "wasm"})
    void tabsShareEditsOfflineAndTheSecondTakesOverWhenTheFirstCloses(String engine) {
        List<String> errors = Browser.errors();
        String room = engine + "-tabs-" + System.nanoTime();
        Cutter cutter = new Cutter();
        cutter.cut = true; // the server is unreachable from the start
        Page a = browser.newPage(errors);
        Page b = a.context().newPage();
        Page other = browser.newPage(errors);
        try {
            for (Page p : List.of(a, b)) {
                cutter.route(p);
                p.navigate(browser.base + "test/pages/sync.html");
                Browser.awaitReady(p, errors);
                p.evaluate("([e, n, r]) => start(e, n, r)", List.of(engine, room + "-user", room));
            }
            a.evaluate("async () => { await docs.note.insert(0, 'from A'); await docs.likes.increment(1); }");
            b.waitForFunction("() => docs.note.toString() === 'from A' && docs.likes.value === 1");
            b.evaluate("async () => { await docs.note.insert(6, ', from B'); await docs.likes.increment(10); await docs.tags.add('b'); }");
            a.waitForFunction("() => docs.note.toString() === 'from A, from B' && docs.likes.value === 11");
            assertEquals(5, ((Number) a.evaluate("() => sync.pendingCount")).intValue(), "all five stored, none sent");

            a.close(); // the leader tab goes away; b takes over the database
            b.waitForFunction("() => sync.replicaId !== undefined");
            b.evaluate("async () => { await docs.likes.increment(100); }");
            cutter.cut = false;
            other.navigate(browser.base + "test/pages/sync.html");
            Browser.awaitReady(other, errors);
            other.evaluate("([e, n, r]) => start(e, n, r)", List.of(engine, room + "-other", room));
            String all = "{ todo: {}, note: 'from A, from B', likes: 111, tags: ['b'] }";
            awaitConverged(b, all, errors);
            awaitConverged(other, all, errors);
            assertEquals(List.of(), errors.stream().filter(e -> !e.contains("WebSocket")).toList());
        } finally {
            b.context().close();
            other.context().close();
        }
    }

    /** A reload while the outbox is being flushed: what was not acknowledged is still stored, and is sent after. */
    @ParameterizedTest(name = "engine {0}")
    @ValueSource(strings = {"js", "wasm"})
    void aReloadInTheMiddleOfAnOutboxFlushLosesNothing(String engine) {
        List<String> errors = Browser.errors();
        String room = engine + "-flush-" + System.nanoTime();
        Cutter cutter = new Cutter();
        cutter.cut = true;
        Page a = browser.newPage(errors);
        Page other = browser.newPage(errors);
        try {
            cutter.route(a);
            a.navigate(browser.base + "test/pages/sync.html");
            Browser.awaitReady(a, errors);
            a.evaluate("([e, n, r]) => start(e, n, r)", List.of(engine, room + "-a", room));
            a.evaluate("async () => { for (let i = 0; i < 400; i++) await docs.likes.increment(1); }");
            assertEquals(400, ((Number) a.evaluate("() => sync.pendingCount")).intValue());
            // The next reconnect starts the flush; the client sees only the first 100 frames of it (Welcome,
            // SyncResponse, Acks), so the reload below comes while most of the outbox is unacknowledged here.
            cutter.forwardFromServer = 100;
            cutter.cut = false;
            a.waitForFunction("() => sync.pendingCount < 400");
            cutter.forwardFromServer = Integer.MAX_VALUE;
            a.reload();
            Browser.awaitReady(a, errors);
            // The outbox may come back longer than it was in memory: acknowledgements are recorded in IndexedDB
            // after they arrive, so some acknowledged changes are sent again. The server ignores sequences it
            // has applied, so the total below must come out exact: nothing lost, nothing counted twice.
            int after = ((Number) a.evaluate("async ([e, n, r]) => { await start(e, n, r); return sync.pendingCount; }",
                    List.of(engine, room + "-a", room))).intValue();
            org.junit.jupiter.api.Assertions.assertTrue(after > 0, "the reload came mid-flush: " + after + " still stored as pending");
            other.navigate(browser.base + "test/pages/sync.html");
            Browser.awaitReady(other, errors);
            other.evaluate("([e, n, r]) => start(e, n, r)", List.of(engine, room + "-other", room));
            String all = "{ todo: {}, note: '', likes: 400, tags: [] }";
            awaitConverged(a, all, errors);
            awaitConverged(other, all, errors);
        } finally {
            a.context().close();
            other.context().close();
        }
    }

    /** Quit the browser with changes not yet sent, start it again on the same profile: all there, then sent. */
    @org.junit.jupiter.api.Test
    void dataSurvivesABrowserRestartWithTheSameProfile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path profile) {
        List<String> errors = Browser.errors();
        String room = "restart-" + System.nanoTime();
        Cutter cutter = new Cutter();
        cutter.cut = true;
        com.microsoft.playwright.BrowserContext first = browser.persistentContext(profile, errors);
        Page p = first.pages().isEmpty() ? first.newPage() : first.pages().get(0);
        cutter.route(p);
        p.navigate(browser.base + "test/pages/sync.html");
        Browser.awaitReady(p, errors);
        p.evaluate("([e, n, r]) => start(e, n, r)", List.of("wasm", room + "-user", room));
        p.evaluate("async () => { await docs.todo.update({ title: 'written before the restart' }); await docs.tags.add('kept'); }");
        first.close(); // the browser quits

        cutter.cut = false;
        com.microsoft.playwright.BrowserContext second = browser.persistentContext(profile, errors);
        Page other = browser.newPage(errors);
        try {
            Page q = second.pages().isEmpty() ? second.newPage() : second.pages().get(0);
            q.navigate(browser.base + "test/pages/sync.html");
            Browser.awaitReady(q, errors);
            @SuppressWarnings("unchecked")
            Map<String, Object> restored = (Map<String, Object>) q.evaluate(
                    "async ([e, n, r]) => { await start(e, n, r); return state(); }", List.of("wasm", room + "-user", room));
            assertEquals(Map.of("title", "written before the restart"), restored.get("todo"));
            assertEquals(2, ((Number) restored.get("pending")).intValue(), "the outbox survived the restart");
            other.navigate(browser.base + "test/pages/sync.html");
            Browser.awaitReady(other, errors);
            other.evaluate("([e, n, r]) => start(e, n, r)", List.of("js", room + "-other", room));
            String all = "{ todo: { title: 'written before the restart' }, note: '', likes: 0, tags: ['kept'] }";
            awaitConverged(q, all, errors);
            awaitConverged(other, all, errors);
        } finally {
            second.close();
            other.context().close();
        }
    }

    /** The no-build page: window.SyncKit.open() from the script tag, wasm engine loaded from beside the script. */
    @org.junit.jupiter.api.Test
    void theScriptTagBundleOpensAndSyncs() {
        List<String> errors = Browser.errors();
        Page p = browser.newPage(errors);
        try {
            p.navigate(browser.base + "test/pages/script-tag.html");
            Browser.awaitReady(p, errors);
            Object r = p.evaluate("async () => { const { token } = await (await fetch('/dev/token?sub=tag')).json();"
                    + " const sync = await SyncKit.open({ url: location.origin.replace(/^http/, 'ws') + '/sync', token,"
                    + " name: 'script-tag', engine: 'wasm' });"
                    + " const c = sync.counter('script-tag-' + Date.now()); await c.increment(7);"
                    + " await new Promise((ok) => { if (sync.status === 'synced') ok(); else sync.onStatus((s) => s === 'synced' && ok()); });"
                    + " const out = { engine: sync.engine, value: c.value, pending: sync.pendingCount }; await sync.close(); return out; }");
            assertEquals(Map.of("engine", "wasm", "value", 7, "pending", 0), r);
            assertEquals(List.of(), errors);
        } finally {
            p.context().close();
        }
    }
}
