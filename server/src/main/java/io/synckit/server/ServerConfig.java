package io.synckit.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Settings from flags ({@code --port 8080}) and environment ({@code SYNCKIT_PORT}); flags win. See
 * {@link #USAGE} and docs/server.md ("Running").
 *
 * @param jwtSecret HS256 key (UTF-8 bytes, at least 32), or null
 * @param jwtPublicKey PEM file with an RSA (RS256) or EC P-256 (ES256) public key, or null
 * @param allowedOrigins browser origins allowed to open /sync (besides the server's own); ignored with dev
 * @param dev development mode: /dev/token, any origin, a loud warning
 * @param storage {@code sqlite} (default) or {@code memory} (development fallback, nothing survives a restart)
 * @param redisUrl scale-out: Redis for fanning updates out to the other nodes ({@link RedisFanout}), or null
 * @param rateLimit how fast one /sync connection is read ({@link RateLimit#DEFAULT} unless configured)
 */
public record ServerConfig(String host, int port, Path dataDir, String jwtSecret, Path jwtPublicKey,
        List<String> allowedOrigins, boolean dev, String storage, String postgresUrl, String redisUrl,
        RateLimit rateLimit) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_DATA_DIR = "data";
    /** HS256 needs a key of at least 256 bits (RFC 7518 section 3.2). */
    public static final int MIN_SECRET_BYTES = 32;

    public ServerConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        if (rateLimit == null) {
            rateLimit = RateLimit.DEFAULT;
        }
    }

    /**
     * Per-connection read rate on /sync; a connection over it is read more slowly, never dropped
     * ({@link SyncEndpoint}). A rate of 0 turns that limit off.
     *
     * @param framesPerSecond sustained frames per second per connection
     * @param burstFrames frames a rested connection may send at once
     * @param bytesPerSecond sustained bytes per second per connection; its burst is
     *        max({@link #MIN_BURST_BYTES}, the frame limit), so one largest frame always fits
     */
    public record RateLimit(int framesPerSecond, int burstFrames, int bytesPerSecond) {
        public static final RateLimit DEFAULT = new RateLimit(200, 2000, 1 << 20);
        public static final RateLimit OFF = new RateLimit(0, 0, 0);
        public static final long MIN_BURST_BYTES = 8L << 20;

        public RateLimit {
            if (framesPerSecond < 0 || burstFrames < 0 || bytesPerSecond < 0) {
                throw new IllegalArgumentException("rate limits must not be negative: " + framesPerSecond + " frames/s, burst "
                        + burstFrames + ", " + bytesPerSecond + " bytes/s");
            }
        }

        /** The byte bucket's burst with a given frame limit. */
        public long burstBytes(int maxFrameBytes) {
            return Math.max(MIN_BURST_BYTES, maxFrameBytes);
        }
    }

    /** Without a rate-limit setting: the default one. */
    public ServerConfig(String host, int port, Path dataDir, String jwtSecret, Path jwtPublicKey,
            List<String> allowedOrigins, boolean dev, String storage, String postgresUrl, String redisUrl) {
        this(host, port, dataDir, jwtSecret, jwtPublicKey, allowedOrigins, dev, storage, postgresUrl, redisUrl, RateLimit.DEFAULT);
    }

    /** Without PostgreSQL or Redis (embedded storage, one node). */
    public ServerConfig(String host, int port, Path dataDir, String jwtSecret, Path jwtPublicKey,
            List<String> allowedOrigins, boolean dev, String storage) {
        this(host, port, dataDir, jwtSecret, jwtPublicKey, allowedOrigins, dev, storage, null, null);
    }

    public ServerConfig withRedisUrl(String url) {
        return new ServerConfig(host, port, dataDir, jwtSecret, jwtPublicKey, allowedOrigins, dev, storage, postgresUrl, url, rateLimit);
    }

    /** {@link #dev}: what tests and the browser tests use. */
    public ServerConfig(String host, int port) {
        this(host, port, Path.of(DEFAULT_DATA_DIR), null, null, List.of(), true, "memory", null, null);
    }

    /** Development settings on {@code host:port}: dev mode, memory storage. */
    public static ServerConfig dev(String host, int port) {
        return new ServerConfig(host, port, Path.of(DEFAULT_DATA_DIR), null, null, List.of(), true, "memory", null, null);
    }

    public ServerConfig withJwtSecret(String secret) {
        return new ServerConfig(host, port, dataDir, secret, jwtPublicKey, allowedOrigins, dev, storage, postgresUrl, redisUrl, rateLimit);
    }

    public ServerConfig withDev(boolean on) {
        return new ServerConfig(host, port, dataDir, jwtSecret, jwtPublicKey, allowedOrigins, on, storage, postgresUrl, redisUrl, rateLimit);
    }

    public ServerConfig withAllowedOrigins(List<String> origins) {
        return new ServerConfig(host, port, dataDir, jwtSecret, jwtPublicKey, origins, dev, storage, postgresUrl, redisUrl, rateLimit);
    }

    public ServerConfig withRateLimit(RateLimit limit) {
        return new ServerConfig(host, port, dataDir, jwtSecret, jwtPublicKey, allowedOrigins, dev, storage, postgresUrl, redisUrl, limit);
    }

    /** Never prints the secret (configurations end up in logs). */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", jwtSecret="
                + (jwtSecret == null ? "none" : "(hidden)") + ", jwtPublicKey=" + jwtPublicKey + ", allowedOrigins="
                + allowedOrigins + ", dev=" + dev + ", storage=" + storage
                + (postgresUrl == null ? "" : ", postgres=(configured)") + (redisUrl == null ? "" : ", redis=(configured)")
                + ", rateLimit=" + rateLimit + "]";
    }

    public static ServerConfig parse(String[] args, Map<String, String> env) {
        String host = env.getOrDefault("SYNCKIT_HOST", DEFAULT_HOST);
        String port = env.getOrDefault("SYNCKIT_PORT", String.valueOf(DEFAULT_PORT));
        String dataDir = env.getOrDefault("SYNCKIT_DATA_DIR", DEFAULT_DATA_DIR);
        String secret = env.get("SYNCKIT_JWT_SECRET");
        String publicKey = env.get("SYNCKIT_JWT_PUBLIC_KEY");
        String origins = env.getOrDefault("SYNCKIT_ALLOWED_ORIGINS", "");
        boolean dev = "true".equalsIgnoreCase(env.getOrDefault("SYNCKIT_DEV", "false"));
        String storage = env.getOrDefault("SYNCKIT_STORAGE", "sqlite");
        String postgresUrl = env.get("SYNCKIT_POSTGRES_URL");
        String redisUrl = env.get("SYNCKIT_REDIS_URL");
        String rateFrames = env.getOrDefault("SYNCKIT_RATE_LIMIT_FRAMES", String.valueOf(RateLimit.DEFAULT.framesPerSecond()));
        String rateBurst = env.getOrDefault("SYNCKIT_RATE_LIMIT_BURST", String.valueOf(RateLimit.DEFAULT.burstFrames()));
        String rateBytes = env.getOrDefault("SYNCKIT_RATE_LIMIT_BYTES", String.valueOf(RateLimit.DEFAULT.bytesPerSecond()));
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
                if (name.equals("--dev")) {
                    dev = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--host" -> host = value;
                case "--port" -> port = value;
                case "--data-dir" -> dataDir = value;
                case "--jwt-secret" -> secret = value;
                case "--jwt-public-key" -> publicKey = value;
                case "--allowed-origins" -> origins = value;
                case "--storage" -> storage = value;
                case "--postgres-url" -> postgresUrl = value;
                case "--redis-url" -> redisUrl = value;
                case "--log-format" -> logFormat(value); // applied by Main before anything logs
                case "--log-level" -> logLevel(value);
                case "--rate-limit-frames" -> rateFrames = value;
                case "--rate-limit-burst" -> rateBurst = value;
                case "--rate-limit-bytes" -> rateBytes = value;
                case "--dev" -> dev = Boolean.parseBoolean(value);
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
        if (secret != null && secret.isEmpty()) {
            secret = null;
        }
        if (secret != null && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new UsageException("--jwt-secret must be at least " + MIN_SECRET_BYTES
                    + " bytes (HS256 needs a 256-bit key); generate one with: openssl rand -base64 32");
        }
        if (!storage.equals("sqlite") && !storage.equals("memory") && !(storage.equals("postgres") && postgresUrl != null)) {
            throw new UsageException("--storage must be sqlite or memory (or give --postgres-url), got '" + storage + "'");
        }
        List<String> originList = new ArrayList<>();
        for (String o : origins.split(",")) {
            if (!o.isBlank()) {
                originList.add(o.strip());
            }
        }
        Path key = publicKey == null || publicKey.isEmpty() ? null : Path.of(publicKey);
        if (!dev && secret == null && key == null) {
            throw new UsageException("no JWT key configured: pass --jwt-secret (or SYNCKIT_JWT_SECRET) or "
                    + "--jwt-public-key, or run with --dev for local development");
        }
        if (redisUrl != null && (redisUrl = redisUrl.strip()).isEmpty()) {
            redisUrl = null;
        }
        if (redisUrl != null && !redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
            throw new UsageException("--redis-url must look like redis://host:6379, got '" + redisUrl + "'");
        }
        if (postgresUrl != null && !postgresUrl.isBlank()) {
            storage = "postgres";
        } else {
            postgresUrl = null;
        }
        if (redisUrl != null && postgresUrl == null) {
            throw new UsageException("--redis-url needs --postgres-url: the nodes must share one database (with "
                    + storage + " storage each node would keep its own documents, and they would drift apart)");
        }
        RateLimit rateLimit = new RateLimit(nonNegative("--rate-limit-frames", rateFrames),
                nonNegative("--rate-limit-burst", rateBurst), nonNegative("--rate-limit-bytes", rateBytes));
        return new ServerConfig(host, p, Path.of(dataDir), secret, key, originList, dev, storage, postgresUrl, redisUrl,
                rateLimit);
    }

    private static int nonNegative(String flag, String value) {
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be a whole number from 0 to " + Integer.MAX_VALUE + " (0: no limit), got '"
                    + value + "'");
        }
        if (n < 0) {
            throw new UsageException(flag + " must not be negative (0: no limit), got " + n);
        }
        return n;
    }

    /**
     * The {@code --log-format} (else {@code SYNCKIT_LOG_FORMAT}, else text). Read on its own, before the
     * rest of the configuration, because logging must be set up before the first logger exists.
     */
    public static String logFormat(String[] args, Map<String, String> env) {
        return logFormat(flag(args, "--log-format", env.getOrDefault("SYNCKIT_LOG_FORMAT", "text")));
    }

    /** The {@code --log-level} (else {@code SYNCKIT_LOG_LEVEL}, else INFO). */
    public static String logLevel(String[] args, Map<String, String> env) {
        return logLevel(flag(args, "--log-level", env.getOrDefault("SYNCKIT_LOG_LEVEL", "INFO")));
    }

    private static String flag(String[] args, String name, String otherwise) {
        String value = otherwise;
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith(name + "=")) {
                value = args[i].substring(name.length() + 1);
            } else if (args[i].equals(name) && i + 1 < args.length) {
                value = args[++i];
            }
        }
        return value;
    }

    private static String logFormat(String v) {
        String f = v.strip().toLowerCase(java.util.Locale.ROOT);
        if (!f.equals("text") && !f.equals("json")) {
            throw new UsageException("--log-format must be text or json, got '" + v + "'");
        }
        return f;
    }

    private static String logLevel(String v) {
        String l = v.strip().toUpperCase(java.util.Locale.ROOT);
        if (!List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(l)) {
            throw new UsageException("--log-level must be one of ERROR, WARN, INFO, DEBUG, TRACE, got '" + v + "'");
        }
        return l;
    }

    public static final String USAGE = """
            Usage: java -jar synckit-server.jar [options]
              --dev                  development mode: GET /dev/token, any Origin, a loud warning (env SYNCKIT_DEV=true)
              --host HOST            interface to listen on (default 127.0.0.1; env SYNCKIT_HOST)
              --port PORT            port to listen on, 0 for any free port (default 8080; env SYNCKIT_PORT)
              --data-dir DIR         where the storage keeps its files (default ./data; env SYNCKIT_DATA_DIR)
              --storage KIND         sqlite (default) or memory (development only: lost on restart; env SYNCKIT_STORAGE)
              --postgres-url URL     store in PostgreSQL instead, e.g. jdbc:postgresql://db:5432/synckit?user=synckit
                                     (env SYNCKIT_POSTGRES_URL)
              --jwt-secret SECRET    HS256 key, at least 32 bytes (env SYNCKIT_JWT_SECRET)
              --jwt-public-key FILE  PEM public key for RS256 (RSA) or ES256 (EC P-256) (env SYNCKIT_JWT_PUBLIC_KEY)
              --redis-url URL        scale-out: redis://host:6379 to fan updates out to the other nodes sharing the
                                     database (env SYNCKIT_REDIS_URL; docs/server.md, "Scaling out")
              --allowed-origins LIST comma list of browser origins allowed to open /sync, e.g.
                                     https://app.example.com (env SYNCKIT_ALLOWED_ORIGINS; the server's own
                                     origin is always allowed; --dev allows any)
              --log-format FORMAT    text (default) or json: one JSON object per line (env SYNCKIT_LOG_FORMAT)
              --log-level LEVEL      ERROR, WARN, INFO (default), DEBUG or TRACE (env SYNCKIT_LOG_LEVEL)
              --rate-limit-frames N  frames per second one /sync connection may send before the server reads it more
                                     slowly (default 200, 0: no limit; env SYNCKIT_RATE_LIMIT_FRAMES)
              --rate-limit-burst N   frames a connection may send at once after a quiet period, e.g. an offline
                                     client's outbox (default 2000; env SYNCKIT_RATE_LIMIT_BURST)
              --rate-limit-bytes N   bytes per second per connection (default 1048576, burst 8 MiB, 0: no limit;
                                     env SYNCKIT_RATE_LIMIT_BYTES)
            Without --dev a JWT key (--jwt-secret or --jwt-public-key) is required.
            """;

    /** A bad command line; the message says what was wrong, and usage follows it. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
