package io.synckit.server;

/**
 * Settings from flags ({@code --port 8080}) and environment ({@code SYNCKIT_PORT}); flags win.
 * Only what this build uses is here; storage, auth and origins arrive with the sync-server issue.
 */
public record ServerConfig(String host, int port) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public static ServerConfig parse(String[] args, java.util.Map<String, String> env) {
        String host = env.getOrDefault("SYNCKIT_HOST", DEFAULT_HOST);
        String port = env.getOrDefault("SYNCKIT_PORT", String.valueOf(DEFAULT_PORT));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value;
            String name;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg;
                if (name.equals("--help") || name.equals("-h")) {
                    throw new UsageException(null);
                }
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--host" -> host = value;
                case "--port" -> port = value;
                default -> throw new UsageException("unknown option " + name);
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new UsageException("--port must be a number from 0 to 65535, got '" + port + "'");
        }
        if (p < 0 || p > 65535) {
            throw new UsageException("--port must be a number from 0 to 65535, got " + p);
        }
        return new ServerConfig(host, p);
    }

    public static final String USAGE = """
            Usage: java -jar synckit-server.jar [options]
              --host HOST   interface to listen on (default 127.0.0.1; env SYNCKIT_HOST)
              --port PORT   port to listen on, 0 for any free port (default 8080; env SYNCKIT_PORT)
            """;

    /** A bad command line; the message says what was wrong, and usage follows it. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
