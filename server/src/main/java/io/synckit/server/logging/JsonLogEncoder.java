package io.synckit.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * {@code --log-format json}: one flat JSON object per line, what log shippers (Loki, Elasticsearch,
 * CloudWatch) index without a parsing rule. Fields: {@code ts} (ISO-8601 UTC), {@code level},
 * {@code logger}, {@code thread}, {@code msg}, then the event's key-value pairs (slf4j's
 * {@code addKeyValue}) and MDC entries as top-level fields, and {@code error} (the stack trace) when
 * there is a throwable. Flat rather than logback's own JsonEncoder, which nests every event in context,
 * MDC and key-value blocks that each query would have to unwrap.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent e) {
        StringBuilder b = new StringBuilder(256);
        b.append('{');
        field(b, "ts", Instant.ofEpochMilli(e.getTimeStamp()).toString());
        field(b, "level", e.getLevel().toString());
        field(b, "logger", e.getLoggerName());
        field(b, "thread", e.getThreadName());
        field(b, "msg", e.getFormattedMessage());
        if (e.getKeyValuePairs() != null) {
            for (KeyValuePair kv : e.getKeyValuePairs()) {
                value(b, kv.key, kv.value);
            }
        }
        Map<String, String> mdc = e.getMDCPropertyMap();
        if (mdc != null) {
            for (Map.Entry<String, String> m : mdc.entrySet()) {
                field(b, m.getKey(), m.getValue());
            }
        }
        if (e.getThrowableProxy() != null) {
            StringBuilder t = new StringBuilder();
            stack(t, e.getThrowableProxy(), "");
            field(b, "error", t.toString());
        }
        b.setCharAt(b.length() - 1, '}'); // replaces the last field's comma
        b.append('\n');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void stack(StringBuilder t, IThrowableProxy p, String prefix) {
        t.append(prefix).append(p.getClassName()).append(": ").append(p.getMessage());
        for (StackTraceElementProxy s : p.getStackTraceElementProxyArray()) {
            t.append("\n\tat ").append(s.getStackTraceElement());
        }
        if (p.getCause() != null && p.getCause() != p) {
            stack(t.append('\n'), p.getCause(), "Caused by: ");
        }
    }

    /** Numbers and booleans stay JSON numbers and booleans (queries compare them); the rest is text. */
    private static void value(StringBuilder b, String key, Object v) {
        if (v instanceof Number n && !(v instanceof Double d && (d.isNaN() || d.isInfinite()))
                && !(v instanceof Float f && (f.isNaN() || f.isInfinite()))) {
            quote(b, key).append(':').append(n).append(',');
        } else if (v instanceof Boolean) {
            quote(b, key).append(':').append(v).append(',');
        } else {
            field(b, key, v == null ? null : String.valueOf(v));
        }
    }

    private static void field(StringBuilder b, String key, String v) {
        quote(b, key).append(':');
        if (v == null) {
            b.append("null");
        } else {
            quote(b, v);
        }
        b.append(',');
    }

    private static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        b.append(c); // lone surrogates come out as UTF-8 '?' from getBytes: still valid JSON
                    }
                }
            }
        }
        return b.append('"');
    }
}
