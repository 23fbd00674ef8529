package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server process with {@code --log-format json}: everything it prints is one JSON object per line. */
class LogFormatTest {
    @TempDir
    Path dir;

    @Test
    void jsonLogsAreOneObjectPerLineWithTheStartupEvent() throws Exception {
        ServerCrashTest.ServerProcess p = new ServerCrashTest.ServerProcess(dir, "--log-format", "json");
        try {
            p.kill();
        } finally {
            p.process.destroyForcibly();
        }
        List<JsonObject> events = new ArrayList<>();
        for (String line : p.log.toString().split("\n")) {
            if (line.startsWith("(log reader")) {
                continue;
            }
            events.add(JsonParser.parseString(line).getAsJsonObject()); // throws on anything that is not JSON
        }
        assertFalse(events.isEmpty());
        JsonObject listening = null;
        for (JsonObject e : events) {
            for (String field : new String[] {"ts", "level", "logger", "thread", "msg"}) {
                assertTrue(e.has(field), field + " missing in " + e);
            }
            if (e.get("msg").getAsString().contains("listening on")) {
                listening = e;
            }
        }
        assertTrue(listening != null, "no startup event in " + events);
        assertEquals(p.uri.toString(), listening.get("url").getAsString());
        assertEquals("ws://" + p.uri.getAuthority() + "/sync", listening.get("sync").getAsString());
        assertTrue(listening.get("dev").getAsBoolean());
        assertTrue(events.stream().anyMatch(e -> e.get("level").getAsString().equals("WARN")
                && e.get("msg").getAsString().contains("DEVELOPMENT MODE")), "the --dev warning is an event too");
    }

    @Test
    void aBadLogFormatIsAUsageError() throws Exception {
        ServerConfig.UsageException e = org.junit.jupiter.api.Assertions.assertThrows(ServerConfig.UsageException.class,
                () -> ServerConfig.logFormat(new String[] {"--log-format", "xml"}, java.util.Map.of()));
        assertEquals("--log-format must be text or json, got 'xml'", e.getMessage());
        assertEquals("json", ServerConfig.logFormat(new String[0], java.util.Map.of("SYNCKIT_LOG_FORMAT", "JSON")));
        assertEquals("text", ServerConfig.logFormat(new String[] {"--log-format=text"}, java.util.Map.of("SYNCKIT_LOG_FORMAT", "json")));
        assertEquals("DEBUG", ServerConfig.logLevel(new String[] {"--log-level", "debug"}, java.util.Map.of()));
        org.junit.jupiter.api.Assertions.assertThrows(ServerConfig.UsageException.class,
                () -> ServerConfig.parse(new String[] {"--dev", "--log-level", "LOUD"}, java.util.Map.of()));
    }
}
