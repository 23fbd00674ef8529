package io.synckit.server.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonLogEncoderTest {
    private final LoggerContext context = new LoggerContext();

    {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    }
    private final Logger logger = context.getLogger("io.synckit.server.Example");
    private final JsonLogEncoder encoder = new JsonLogEncoder();

    private String encode(LoggingEvent e) {
        byte[] line = encoder.encode(e);
        String s = new String(line, StandardCharsets.UTF_8);
        assertTrue(s.endsWith("\n"), "one event, one line");
        assertFalse(s.substring(0, s.length() - 1).contains("\n"), "no newline inside the line: " + s);
        return s;
    }

    @Test
    void fieldsKeyValuesAndEscapes() {
        LoggingEvent e = new LoggingEvent("fqcn", logger, Level.WARN, "slow \"client\"\n\tcut {}", null,
                new Object[] {"\u0001now"});
        e.setTimeStamp(1_780_000_000_123L);
        e.setThreadName("qtp-1");
        e.addKeyValuePair(new org.slf4j.event.KeyValuePair("replica", 42L));
        e.addKeyValuePair(new org.slf4j.event.KeyValuePair("ratio", 0.5));
        e.addKeyValuePair(new org.slf4j.event.KeyValuePair("dev", true));
        e.addKeyValuePair(new org.slf4j.event.KeyValuePair("doc", "notes/1"));
        e.addKeyValuePair(new org.slf4j.event.KeyValuePair("nothing", null));
        e.addKeyValuePair(new org.slf4j.event.KeyValuePair("nan", Double.NaN));
        JsonObject o = JsonParser.parseString(encode(e)).getAsJsonObject();
        assertEquals("2026-05-28T20:26:40.123Z", o.get("ts").getAsString());
        assertEquals("WARN", o.get("level").getAsString());
        assertEquals("io.synckit.server.Example", o.get("logger").getAsString());
        assertEquals("qtp-1", o.get("thread").getAsString());
        assertEquals("slow \"client\"\n\tcut \u0001now", o.get("msg").getAsString());
        assertEquals(42, o.get("replica").getAsLong(), "numbers stay numbers");
        assertTrue(o.get("replica").getAsJsonPrimitive().isNumber());
        assertEquals(0.5, o.get("ratio").getAsDouble());
        assertTrue(o.get("dev").getAsBoolean());
        assertEquals("notes/1", o.get("doc").getAsString());
        assertTrue(o.get("nothing").isJsonNull());
        assertEquals("NaN", o.get("nan").getAsString(), "not a JSON number: text");
        assertFalse(o.has("error"));
    }

    @Test
    void aThrowableBecomesTheErrorFieldWithItsCause() {
        Exception cause = new java.sql.SQLException("disk full");
        LoggingEvent e = new LoggingEvent("fqcn", logger, Level.ERROR, "storage call failed",
                new IllegalStateException("cannot append", cause), null);
        JsonObject o = JsonParser.parseString(encode(e)).getAsJsonObject();
        String error = o.get("error").getAsString();
        assertTrue(error.startsWith("java.lang.IllegalStateException: cannot append\n\tat "), error);
        assertTrue(error.contains("\nCaused by: java.sql.SQLException: disk full"), error);
    }
}
