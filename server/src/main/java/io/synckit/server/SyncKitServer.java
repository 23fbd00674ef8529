package io.synckit.server;

import java.net.URI;
import org.eclipse.jetty.http.HttpHeader;
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
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The SyncKit HTTP server. Routes:
 * <ul>
 *   <li>{@code /} the todo app ({@code examples/todo-app}, copied into the jar at build time)</li>
 *   <li>{@code /sdk/} the npm package's {@code dist/}: ES modules, engines, script-tag bundle</li>
 *   <li>{@code /health} {@code {"status":"ok"}} once started</li>
 * </ul>
 * Static files come from the jar, so the server runs from any working directory.
 */
public final class SyncKitServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    public SyncKitServer(ServerConfig config) {
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
        ContextHandler health = new ContextHandler(new HealthHandler(), "/health");
        health.setAllowNullPathInContext(true); // answer /health itself, not a redirect to /health/
        contexts.addHandler(health);
        contexts.addHandler(new ContextHandler(staticFiles(resources, "static/sdk"), "/sdk"));
        contexts.addHandler(new ContextHandler(staticFiles(resources, "static/app"), "/"));
        server.setHandler(contexts);
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

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static final class HealthHandler extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, "{\"status\":\"ok\"}", callback);
            return true;
        }
    }
}
