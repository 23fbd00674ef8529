package io.synckit.server;

/** {@code java -jar synckit-server.jar --dev} or with a JWT key; {@code --help} lists the options. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        ServerConfig config;
        try {
            // Before anything creates a logger: logback.xml reads these when it configures itself.
            System.setProperty("synckit.log.format", ServerConfig.logFormat(args, System.getenv()));
            System.setProperty("synckit.log.level", ServerConfig.logLevel(args, System.getenv()));
            config = ServerConfig.parse(args, System.getenv());
        } catch (ServerConfig.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("synckit-server: " + e.getMessage());
            }
            System.err.print(ServerConfig.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        SyncKitServer server;
        try {
            server = new SyncKitServer(config);
        } catch (IllegalArgumentException e) {
            System.err.println("synckit-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            server.start();
        } catch (java.io.IOException e) {
            System.err.println("synckit-server: cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage() + ". Pick another port with --port.");
            server.close();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception ignored) {
                // exiting anyway
            }
        }));
        org.slf4j.LoggerFactory.getLogger(Main.class).atInfo()
                .addKeyValue("url", server.uri()).addKeyValue("sync", server.syncUri()).addKeyValue("dev", config.dev())
                .addKeyValue("storage", config.storage())
                .log("SyncKit server listening on " + server.uri() + "  (todo app at /, SDK at /sdk/, sync at "
                        + server.syncUri() + (config.dev() ? ", dev tokens at /dev/token?sub=NAME" : "") + ")");
        server.join();
    }
}
