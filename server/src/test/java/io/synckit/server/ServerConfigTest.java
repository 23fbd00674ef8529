package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef";

    static String usageError(String... args) {
        return assertThrows(ServerConfig.UsageException.class, () -> ServerConfig.parse(args, Map.of())).getMessage();
    }

    @Test
    void devDefaultsListenOnLoopback8080() {
        ServerConfig c = ServerConfig.parse(new String[] {"--dev"}, Map.of());
        assertEquals("127.0.0.1", c.host());
        assertEquals(8080, c.port());
        assertTrue(c.dev());
        assertEquals("sqlite", c.storage());
        assertEquals(Path.of("data"), c.dataDir());
        assertNull(c.jwtSecret());
        assertEquals(List.of(), c.allowedOrigins());
    }

    @Test
    void flagsWinOverEnvironment() {
        Map<String, String> env = Map.of("SYNCKIT_PORT", "9000", "SYNCKIT_HOST", "0.0.0.0", "SYNCKIT_JWT_SECRET", SECRET,
                "SYNCKIT_ALLOWED_ORIGINS", "https://a.example");
        ServerConfig fromEnv = ServerConfig.parse(new String[0], env);
        assertEquals("0.0.0.0", fromEnv.host());
        assertEquals(9000, fromEnv.port());
        assertEquals(SECRET, fromEnv.jwtSecret());
        assertFalse(fromEnv.dev());
        assertEquals(List.of("https://a.example"), fromEnv.allowedOrigins());
        assertFalse(fromEnv.toString().contains(SECRET), "the secret never reaches a log");
        ServerConfig c = ServerConfig.parse(new String[] {"--port", "0", "--host=::1", "--allowed-origins",
            "https://b.example, https://c.example", "--storage", "memory", "--data-dir", "/tmp/x"}, env);
        assertEquals("::1", c.host());
        assertEquals(0, c.port());
        assertEquals(List.of("https://b.example", "https://c.example"), c.allowedOrigins());
        assertEquals("memory", c.storage());
        assertEquals(Path.of("/tmp/x"), c.dataDir());
    }

    @Test
    void withoutDevAKeyIsRequired() {
        assertTrue(usageError().startsWith("no JWT key configured"));
        assertEquals("--jwt-secret must be at least 32 bytes (HS256 needs a 256-bit key); generate one with: openssl rand -base64 32",
                usageError("--jwt-secret", "short"));
        assertEquals(Path.of("k.pem"), ServerConfig.parse(new String[] {"--jwt-public-key", "k.pem"}, Map.of()).jwtPublicKey());
    }

    @Test
    void badInputSaysWhatWasWrong() {
        assertEquals("--port must be a number from 0 to 65535, got 'x'", usageError("--port", "x"));
        assertEquals("--port must be a number from 0 to 65535, got 70000", usageError("--port=70000"));
        assertEquals("--port needs a value", usageError("--port"));
        assertEquals("unknown option --nope", usageError("--nope", "x"));
        assertEquals("--storage must be sqlite or memory (or give --postgres-url), got 'x'", usageError("--dev", "--storage", "x"));
        assertNull(usageError("--help"));
    }

    @Test
    void aPostgresUrlSelectsPostgres() {
        ServerConfig c = ServerConfig.parse(new String[] {"--dev", "--postgres-url", "jdbc:postgresql://db/s"}, Map.of());
        assertEquals("postgres", c.storage());
        assertEquals("jdbc:postgresql://db/s", c.postgresUrl());
        assertFalse(c.toString().contains("db/s"), "the URL may hold a password: not in logs");
        ServerConfig fromEnv = ServerConfig.parse(new String[] {"--dev"}, Map.of("SYNCKIT_POSTGRES_URL", "jdbc:postgresql://e/s"));
        assertEquals("postgres", fromEnv.storage());
        ServerConfig plain = ServerConfig.parse(new String[] {"--dev"}, Map.of());
        assertEquals("sqlite", plain.storage());
        assertNull(plain.postgresUrl());
    }

    @Test
    void redisUrlFromFlagOrEnvironment() {
        String pg = "jdbc:postgresql://db:5432/synckit";
        assertNull(ServerConfig.parse(new String[] {"--dev"}, Map.of()).redisUrl(), "no scale-out by default");
        assertEquals("redis://r1:6379", ServerConfig.parse(new String[] {"--dev", "--postgres-url", pg},
                Map.of("SYNCKIT_REDIS_URL", "redis://r1:6379")).redisUrl());
        ServerConfig c = ServerConfig.parse(new String[] {"--dev", "--redis-url", "redis://r2:6380", "--postgres-url", pg},
                Map.of("SYNCKIT_REDIS_URL", "redis://r1:6379"));
        assertEquals("redis://r2:6380", c.redisUrl());
        assertEquals("redis://r2:6380", c.withDev(false).withAllowedOrigins(List.of("https://a.example")).redisUrl(),
                "kept by the with-ers");
        assertNull(ServerConfig.parse(new String[] {"--dev", "--redis-url", " "}, Map.of()).redisUrl());
        assertEquals("--redis-url must look like redis://host:6379, got 'r1:6379'", usageError("--dev", "--redis-url", "r1:6379"));
    }

    @Test
    void redisWithoutASharedDatabaseIsRefused() {
        assertEquals("--redis-url needs --postgres-url: the nodes must share one database (with sqlite storage each"
                + " node would keep its own documents, and they would drift apart)",
                usageError("--dev", "--redis-url", "redis://r1:6379"));
        assertEquals("--redis-url needs --postgres-url: the nodes must share one database (with memory storage each"
                + " node would keep its own documents, and they would drift apart)",
                usageError("--dev", "--storage", "memory", "--redis-url", "redis://r1:6379"));
    }

    @Test
    void rateLimitsFromFlagsOrEnvironment() {
        ServerConfig.RateLimit d = ServerConfig.parse(new String[] {"--dev"}, Map.of()).rateLimit();
        assertEquals(new ServerConfig.RateLimit(200, 2000, 1048576), d);
        assertEquals(ServerConfig.RateLimit.DEFAULT, d);
        assertEquals(8L << 20, d.burstBytes(1 << 20), "the byte burst is at least 8 MiB");
        assertEquals(16L << 20, d.burstBytes(16 << 20), "and never below the frame limit");
        Map<String, String> env = Map.of("SYNCKIT_RATE_LIMIT_FRAMES", "50", "SYNCKIT_RATE_LIMIT_BURST", "500",
                "SYNCKIT_RATE_LIMIT_BYTES", "0");
        assertEquals(new ServerConfig.RateLimit(50, 500, 0), ServerConfig.parse(new String[] {"--dev"}, env).rateLimit());
        ServerConfig c = ServerConfig.parse(new String[] {"--dev", "--rate-limit-frames", "0", "--rate-limit-burst=7",
            "--rate-limit-bytes", "4096"}, env);
        assertEquals(new ServerConfig.RateLimit(0, 7, 4096), c.rateLimit());
        assertEquals(c.rateLimit(), c.withDev(false).withRedisUrl("redis://r:6379").withJwtSecret(SECRET).rateLimit(),
                "kept by the with-ers");
        assertEquals(ServerConfig.RateLimit.OFF, c.withRateLimit(ServerConfig.RateLimit.OFF).rateLimit());
        assertEquals(ServerConfig.RateLimit.DEFAULT, ServerConfig.dev("127.0.0.1", 0).rateLimit());
        assertTrue(c.toString().contains("rateLimit=RateLimit[framesPerSecond=0, burstFrames=7, bytesPerSecond=4096]"), c.toString());
    }

    @Test
    void badRateLimitsSayWhatWasWrong() {
        assertEquals("--rate-limit-frames must not be negative (0: no limit), got -1", usageError("--dev", "--rate-limit-frames", "-1"));
        assertEquals("--rate-limit-burst must be a whole number from 0 to 2147483647 (0: no limit), got 'lots'",
                usageError("--dev", "--rate-limit-burst", "lots"));
        assertEquals("--rate-limit-bytes must be a whole number from 0 to 2147483647 (0: no limit), got '1e6'",
                usageError("--dev", "--rate-limit-bytes=1e6"));
        assertEquals("--rate-limit-frames must be a whole number from 0 to 2147483647 (0: no limit), got '9999999999'",
                assertThrows(ServerConfig.UsageException.class, () -> ServerConfig.parse(new String[] {"--dev"},
                        Map.of("SYNCKIT_RATE_LIMIT_FRAMES", "9999999999"))).getMessage());
        assertEquals("--rate-limit-bytes needs a value", usageError("--dev", "--rate-limit-bytes"));
        assertTrue(ServerConfig.USAGE.contains("--rate-limit-frames N"));
        assertTrue(ServerConfig.USAGE.contains("SYNCKIT_RATE_LIMIT_BURST"));
        assertTrue(ServerConfig.USAGE.contains("SYNCKIT_RATE_LIMIT_BYTES"));
    }
}
