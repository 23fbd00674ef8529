package io.synckit.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import io.synckit.server.ServerConfig;
import io.synckit.server.SyncKitServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One real server (in-process, port 0) and one headless Debian Chromium per test class. Test pages
 * and test-only scripts are served on the server's origin through Playwright routes, so the server
 * itself carries no test hooks.
 */
final class Browser implements AutoCloseable {
    /** Chromium flags for a closed network: no background calls that the sandbox would refuse. */
    private static final List<String> ARGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            // Test pages are fulfilled by Playwright routes, not by the server, so Chromium cannot tell their
            // address space and treats them as public: its Local Network Access checks then block their
            // WebSocket to 127.0.0.1 (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS). Pages the server
            // itself serves (the todo app) are on loopback and need no such flag.
            "--disable-features=LocalNetworkAccessChecks");

    /** URL prefix under which test files are served: /test/{pages,js-dist-test,sdk-test,vectors}/... */
    private static final Map<String, Path> TEST_FILES = Map.of(
            "pages", Paths.get("src/test/resources/pages"),
            "js-dist-test", Paths.get("../js-dist/test"),
            // the SDK with the test engine, which also exports the wire codec (web-sdk's TestCoreModule)
            "sdk-test", Paths.get("../js-dist/target/dist-test"),
            "vectors", Paths.get("../core/src/test/resources/vectors"));

    final SyncKitServer server;
    private final Path exe;
    final String base;
    private final Playwright playwright;
    private final com.microsoft.playwright.Browser chromium;

    Browser() throws Exception {
        exe = Paths.get(System.getProperty("chromium.path", "/usr/bin/chromium"));
        assertTrue(Files.isExecutable(exe), exe + " is missing: install Chromium (apt-get install -y chromium) "
                + "or run the README test command, which does");
        server = new SyncKitServer(new ServerConfig("127.0.0.1", 0)).start();
        base = server.uri().toString();
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        chromium = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(exe).setHeadless(true).setArgs(ARGS));
    }

    /** A fresh context (own storage) and page; uncaught page errors are collected into {@code errors}. */
    Page newPage(List<String> errors) {
        BrowserContext context = chromium.newContext();
        context.route(base + "test/**", this::serveTestFile);
        Page page = context.newPage();
        page.setDefaultTimeout(15_000);
        page.onPageError(errors::add);
        page.onConsoleMessage(m -> {
            if ("error".equals(m.type())) {
                errors.add("console.error: " + m.text());
            }
        });
        return page;
    }

    /**
     * Waits until the page marks {@code <body data-ready>} (pages set "true" when loaded, or "error"),
     * then asserts it loaded; the page's errors go into the failure message.
     */
    static void awaitReady(Page page, List<String> errors) {
        page.waitForFunction("() => document.body && document.body.dataset.ready");
        org.junit.jupiter.api.Assertions.assertEquals("true", page.evaluate("() => document.body.dataset.ready"),
                "page did not load: " + errors);
    }

    /**
     * A Chromium of its own on the profile folder {@code profile} (close it to end that browser, as a user
     * quitting it), with the test routes; uncaught page errors go into {@code errors}.
     */
    BrowserContext persistentContext(Path profile, List<String> errors) {
        BrowserContext context = playwright.chromium().launchPersistentContext(profile,
                new BrowserType.LaunchPersistentContextOptions().setExecutablePath(exe).setHeadless(true).setArgs(ARGS));
        context.route(base + "test/**", this::serveTestFile);
        context.onPage(page -> {
            page.setDefaultTimeout(15_000);
            page.onPageError(errors::add);
        });
        return context;
    }

    static List<String> errors() {
        return new ArrayList<>();
    }

    /**
     * A strict Content-Security-Policy, as many production sites send: scripts from the page's origin and
     * inline, WebAssembly compilation allowed, but no eval or {@code new Function}. A page asked for with
     * {@code ?csp=strict} is served with it.
     */
    static final String STRICT_CSP = "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'";

    private void serveTestFile(Route route) {
        String path = route.request().url().substring((base + "test/").length());
        int q = path.indexOf('?');
        boolean strictCsp = q >= 0 && path.substring(q).contains("csp=strict");
        if (q >= 0) {
            path = path.substring(0, q);
        }
        String[] parts = path.split("/", 2);
        Path dir = TEST_FILES.get(parts[0]);
        Path file = dir == null || parts.length < 2 ? null : dir.resolve(parts[1]).normalize();
        if (file == null || !file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
            route.fulfill(new Route.FulfillOptions().setStatus(404).setBody("no test file " + path));
            return;
        }
        String type = file.toString().endsWith(".html") ? "text/html"
                : file.toString().endsWith(".json") ? "application/json"
                : file.toString().endsWith(".wasm") ? "application/wasm" : "text/javascript";
        try {
            Route.FulfillOptions response = new Route.FulfillOptions().setStatus(200).setContentType(type)
                    .setBodyBytes(Files.readAllBytes(file));
            if (strictCsp) {
                response.setHeaders(Map.of("Content-Type", type, "Content-Security-Policy", STRICT_CSP));
            }
            route.fulfill(response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            chromium.close();
            playwright.close();
        } finally {
            server.close();
        }
    }
}
