package io.synckit.server;

import io.synckit.core.sync.ServerStore;
import io.synckit.core.sync.SyncServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SyncKit HTTP server. Routes:
 * <ul>
 *   <li>{@code /sync} the sync WebSocket (binary messages, one protocol Frame each; {@link SyncEndpoint})</li>
 *   <li>{@code /} the todo app ({@code examples/todo-app}, copied into the jar at build time)</li>
 *   <li>{@code /sdk/} the npm package's {@code dist/}: ES modules, engines, script-tag bundle</li>
 *   <li>{@code /healthz} 200 while the process is up ({@code /health}: the same, kept for old checks)</li>
 *   <li>{@code /readyz} 200 when the storage answers, else 503</li>
 *   <li>{@code /metrics} Prometheus text format ({@link ServerMetrics})</li>
 *   <li>{@code /dev/token?sub=NAME} with {@code --dev} only: a token with write access to every document</li>
 * </ul>
 * Static files come from the jar, so the server runs from any working directory. docs/server.md
 * describes configuration, tokens, limits and operations.
 */
public final class SyncKitServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncKitServer.class);
    /** A connection whose unsent frames exceed this is closed (1008): it does not read. */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 4L << 20;
    /** Dev tokens are valid this long. */
    static final long DEV_TOKEN_MILLIS = 24L * 3600 * 1000;
    private static final long SHUTDOWN_MILLIS = 5000;

    private final Server server;
    private final ServerConnector connector;
    private final ServerConfig config;
    /** Closed with the server when it is a database store (it holds connections / the SQLite file). */
    private final ServerStore store;
    private final SyncService sync;
    private final byte[] devSecret;
    private volatile RedisFanout fanout; // scale-out: started by start(); null without --redis-url

    /** With the storage {@code config} names. */
    public SyncKitServer(ServerConfig config) {
        this(config, openStore(config), DEFAULT_MAX_QUEUED_BYTES, new SyncServer.Options());
    }

    /** With a given store (tests: core's MemoryServerStore). */
    public SyncKitServer(ServerConfig config, ServerStore store) {
        this(config, store, DEFAULT_MAX_QUEUED_BYTES, new SyncServer.Options());
    }

    public SyncKitServer(ServerConfig config, ServerStore store, long maxQueuedBytes, SyncServer.Options options) {
        this.config = config;
        this.store = store;
        List<SyncServer.Authenticator> auths = new ArrayList<>();
        if (config.jwtSecret() != null) {
            auths.add(JwtAuthenticator.hs256(config.jwtSecret().getBytes(StandardCharsets.UTF_8), System::currentTimeMillis));
        }
        if (config.jwtPublicKey() != null) {
            try {
                auths.add(JwtAuthenticator.publicKey(JwtAuthenticator.readPemPublicKey(config.jwtPublicKey()),
                        System::currentTimeMillis));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read --jwt-public-key " + config.jwtPublicKey() + ": "
                        + e.getMessage(), e);
            }
        }
        if (config.dev()) {
            devSecret = new byte[32];
            new SecureRandom().nextBytes(devSecret);
            auths.add(JwtAuthenticator.hs256(devSecret, System::currentTimeMillis));
            LOG.warn("""

                    ***************************************************************************
                    *  DEVELOPMENT MODE (--dev): anyone can get a token with write access to  *
                    *  every document at GET /dev/token, and any Origin may connect.          *
                    *  Never expose this server to a network you do not control.              *
                    ***************************************************************************""");
        } else {
            devSecret = null;
        }
        if (auths.isEmpty()) {
            throw new IllegalArgumentException("no JWT key configured: pass --jwt-secret or --jwt-public-key, or --dev");
        }
        // Compaction stays on with several nodes: the store folds the log it holds, locked against other
        // nodes' appends (ServerStore.compact), never this node's possibly incomplete copy.
        sync = new SyncService(store, JwtAuthenticator.anyOf(auths), options, maxQueuedBytes, config.rateLimit());

        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost(config.host());
        connector.setPort(config.port());
        server.addConnector(connector);

        MimeTypes.Mutable mime = server.getMimeTypes();
        mime.addMimeMapping("wasm", "application/wasm");
        mime.addMimeMapping("js", "text/javascript;charset=utf-8");
        mime.addMimeMapping("mjs", "text/javascript;charset=utf-8");

        ResourceFactory resources = ResourceFactory.of(server);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        Handler health = new TextHandler(r -> new Answer(200, "{\"status\":\"ok\"}"), "application/json");
        contexts.addHandler(exact("/health", health));
        contexts.addHandler(exact("/healthz", health));
        contexts.addHandler(exact("/readyz", new TextHandler(r -> sync.ready() ? new Answer(200, "{\"status\":\"ready\"}")
                : new Answer(503, "{\"status\":\"storage unavailable\"}"), "application/json")));
        contexts.addHandler(exact("/metrics", new TextHandler(r -> new Answer(200, sync.metrics.scrape()),
                "text/plain; version=0.0.4; charset=utf-8")));
        if (devSecret != null) {
            contexts.addHandler(exact("/dev/token", new DevTokenHandler()));
        }
        contexts.addHandler(new ContextHandler(staticFiles(resources, "static/sdk"), "/sdk"));
        contexts.addHandler(new ContextHandler(staticFiles(resources, "static/app"), "/"));

        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxBinaryMessageSize(sync.maxFrameBytes); // larger: closed with 1009
            container.setMaxTextMessageSize(4096); // text is refused anyway (1003)
            // Well above the heartbeat: a client pings after heartbeatMillis of silence.
            container.setIdleTimeout(Duration.ofMillis(Math.max(30_000L, 4L * options.heartbeatMillis)));
            container.addMapping("/sync", (request, response, callback) -> {
                if (!originAllowed(request)) {
                    Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403,
                            "Origin not allowed; add it to --allowed-origins");
                    return null;
                }
                if (sync.stopping()) {
                    Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503,
                            "server shutting down");
                    return null;
                }
                // No permessage-deflate, although browsers offer it: its zlib state took a connection from
                // 19 KB to 108 KB resident (docs/benchmarks.md, "Server memory per connection"), and the
                // frames are small binary updates that gain little from it.
                response.setExtensions(List.of());
                return new SyncEndpoint(sync);
            });
        });
        ws.setHandler(contexts);
        server.setHandler(ws);
        server.setStopTimeout(SHUTDOWN_MILLIS);
    }

    /**
     * The storage {@code --storage} names. {@code memory} is a development fallback only.
     */
    static ServerStore openStore(ServerConfig config) {
        if (config.storage().equals("memory")) {
            LOG.warn("--storage memory: documents live in this process only and are lost when it stops");
            return new InMemoryServerStore();
        }
        // SQLite in the data dir, or PostgreSQL when --postgres-url is given (docs/server.md, "Storage").
        return io.synckit.server.storage.ServerStores.open(config.postgresUrl(), config.dataDir());
    }

    private static ContextHandler exact(String path, Handler handler) {
        ContextHandler c = new ContextHandler(handler, path);
        c.setAllowNullPathInContext(true); // answer /path itself, not a redirect to /path/
        return c;
    }

    /**
     * Browsers send Origin with every WebSocket handshake; another site's page must not use a visitor's
     * credentials here. Allowed: no Origin (not a browser), the server's own origin (same host and port
     * as the Host header), the {@code --allowed-origins} list, and anything with {@code --dev}.
     */
    private boolean originAllowed(ServerUpgradeRequest request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (config.dev() || origin == null) {
            return true;
        }
        if (config.allowedOrigins().contains(origin)) {
            return true;
        }
        try {
            String host = request.getHeaders().get(HttpHeader.HOST);
            String authority = URI.create(origin).getAuthority();
            return host != null && authority != null && host.equalsIgnoreCase(authority);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static ResourceHandler staticFiles(ResourceFactory resources, String classpathDir) {
        Resource base = resources.newClassLoaderResource(classpathDir);
        if (base == null) {
            throw new IllegalStateException("classpath folder " + classpathDir + " is missing: build the server with "
                    + "'mvn -B -DskipTests package' from the repository root so it includes the SDK and the todo app");
        }
        ResourceHandler handler = new ResourceHandler();
        handler.setBaseResource(base);
        handler.setDirAllowed(false);
        handler.setWelcomeFiles("index.html");
        // Files change with every build and carry ETags; revalidate instead of caching blindly.
        handler.setCacheControl("no-cache");
        return handler;
    }

    public SyncKitServer start() throws Exception {
        if (config.redisUrl() != null && fanout == null) { // scale-out
            fanout = RedisFanout.attach(config.redisUrl(), sync);
        }
        server.start();
        return this;
    }

    /** The bound port (useful with {@code --port 0}). */
    public int port() {
        return connector.getLocalPort();
    }

    public URI uri() {
        String host = connector.getHost();
        if (host == null || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "localhost"; // listening on every interface: print an address a browser can open
        }
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
    }

    /** {@code ws://host:port/sync}. */
    public URI syncUri() {
        return URI.create("ws" + uri().toString().substring(4) + "sync");
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /**
     * Ends the connections of one replica from the server side, with 1001 (tests: a client whose network
     * went away; operations: kicking a client). Returns how many there were.
     */
    int closeConnectionsOf(double replicaId) {
        return sync.forEachConnectionOf(replicaId, SyncEndpoint::closeNormally);
    }

    /** Completes once every connection {@code replicaId} has now has ended on the server (tests). */
    java.util.concurrent.CompletableFuture<Void> whenConnectionsOfEnd(double replicaId) {
        java.util.List<java.util.concurrent.CompletableFuture<Void>> ends = new java.util.ArrayList<>();
        sync.forEachConnectionOf(replicaId, e -> ends.add(e.whenEnded()));
        return java.util.concurrent.CompletableFuture.allOf(ends.toArray(new java.util.concurrent.CompletableFuture[0]));
    }

    /** Scale-out: the Redis fan-out, or null without --redis-url. */
    RedisFanout fanout() {
        return fanout;
    }

    /** Open /sync connections. */
    int openConnections() {
        return sync.metrics.connectionsOpen.get();
    }

    /** Runs {@code task} holding the engine lock (tests: look into the store consistently). */
    <T> T withEngineLock(java.util.function.Supplier<T> task) {
        return sync.locked(engine -> task.get());
    }

    /**
     * Graceful shutdown: new WebSocket handshakes are refused, open connections are closed with 1001
     * (going away; clients reconnect with backoff), then Jetty stops (waiting up to 5 s for requests).
     */
    @Override
    public void close() throws Exception {
        sync.shutdown(SHUTDOWN_MILLIS);
        server.stop();
        sync.stopScheduler();
        if (fanout != null) {
            fanout.close();
        }
        if (store instanceof io.synckit.server.storage.CloseableServerStore c) {
            c.close();
        }
    }

    private record Answer(int status, String body) {
    }

    /** A small computed answer. */
    private static final class TextHandler extends Handler.Abstract {
        private final java.util.function.Function<Request, Answer> answer;
        private final String type;

        TextHandler(java.util.function.Function<Request, Answer> answer, String type) {
            this.answer = answer;
            this.type = type;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Answer a = answer.apply(request);
            response.setStatus(a.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            Content.Sink.write(response, true, a.body(), callback);
            return true;
        }
    }

    /** {@code GET /dev/token?sub=NAME}: {@code {"token": "..."}}, HS256 with this process's random key. */
    private final class DevTokenHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Fields query = Request.extractQueryParameters(request);
            String sub = query.getValue("sub");
            if (sub == null || sub.isBlank() || sub.length() > 256) {
                Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400,
                        "give a user name: /dev/token?sub=NAME (1 to 256 characters)");
                return true;
            }
            String token = JwtAuthenticator.signHs256(devSecret, sub, Map.of("*", "write"),
                    System.currentTimeMillis() + DEV_TOKEN_MILLIS);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            Content.Sink.write(response, true, "{\"token\":\"" + token + "\"}", callback);
            return true;
        }
    }
}
