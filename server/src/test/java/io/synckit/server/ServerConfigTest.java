package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    @Test
    void defaultsListenOnLoopback8080() {
        assertEquals(new ServerConfig("127.0.0.1", 8080), ServerConfig.parse(new String[0], Map.of()));
    }

    @Test
    void flagsWinOverEnvironment() {
        Map<String, String> env = Map.of("SYNCKIT_PORT", "9000", "SYNCKIT_HOST", "0.0.0.0");
        assertEquals(new ServerConfig("0.0.0.0", 9000), ServerConfig.parse(new String[0], env));
        assertEquals(new ServerConfig("::1", 0), ServerConfig.parse(new String[] {"--port", "0", "--host=::1"}, env));
    }

    @Test
    void badInputSaysWhatWasWrong() {
        assertEquals("--port must be a number from 0 to 65535, got 'x'",
                assertThrows(ServerConfig.UsageException.class, () -> ServerConfig.parse(new String[] {"--port", "x"}, Map.of())).getMessage());
        assertEquals("--port must be a number from 0 to 65535, got 70000",
                assertThrows(ServerConfig.UsageException.class, () -> ServerConfig.parse(new String[] {"--port=70000"}, Map.of())).getMessage());
        assertEquals("--port needs a value",
                assertThrows(ServerConfig.UsageException.class, () -> ServerConfig.parse(new String[] {"--port"}, Map.of())).getMessage());
        assertEquals("unknown option --storage",
                assertThrows(ServerConfig.UsageException.class, () -> ServerConfig.parse(new String[] {"--storage", "x"}, Map.of())).getMessage());
        assertNull(assertThrows(ServerConfig.UsageException.class, () -> ServerConfig.parse(new String[] {"--help"}, Map.of())).getMessage());
    }
}
