package io.synckit.core.json;

import io.synckit.core.codec.Texts;
import io.synckit.core.codec.DecodeException;
import io.synckit.core.codec.Reader;
import io.synckit.core.codec.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON values as plain Java objects: {@link #NULL}, {@link Boolean}, {@link Double} (finite), {@link String},
 * {@code List<Object>} and {@code Map<String, Object>} (insertion-ordered). Java {@code null} is not a
 * value; it means "absent". Text parsing and printing (strict RFC 8259) cross the JS boundary, where the
 * npm package uses the engine's own JSON; the compact binary form goes into updates.
 */
public final class Json {
    /** The JSON null value. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** Nesting deeper than this is refused, so a hostile input cannot exhaust the stack. */
    public static final int MAX_DEPTH = 64;

    private static final int T_NULL = 0;
    private static final int T_FALSE = 1;
    private static final int T_TRUE = 2;
    private static final int T_UINT = 3;
    private static final int T_NEGINT = 4;
    private static final int T_DOUBLE = 5;
    private static final int T_STRING = 6;
    private static final int T_ARRAY = 7;
    private static final int T_OBJECT = 8;
    private static final double SAFE = 9007199254740991.0;
    private static final String HEX = "0123456789abcdef";

    private Json() {
    }

    // ---- text ----

    /** Parses JSON text; throws IllegalArgumentException saying where and what is wrong. */
    public static Object parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("JSON text is null");
        }
        JsonParser p = new JsonParser(text);
        Object v = p.value(0);
        p.end();
        return v;
    }

    public static String stringify(Object v) {
        StringBuilder sb = new StringBuilder();
        print(v, sb);
        return sb.toString();
    }

    private static void print(Object v, StringBuilder sb) {
        if (v == NULL) {
            sb.append("null");
        } else if (v instanceof Boolean) {
            sb.append(((Boolean) v) ? "true" : "false");
        } else if (v instanceof Double) {
            printNumber((Double) v, sb);
        } else if (v instanceof String) {
            printString((String) v, sb);
        } else if (v instanceof List) {
            sb.append('[');
            boolean first = true;
            for (Object x : (List<?>) v) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                print(x, sb);
            }
            sb.append(']');
        } else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                printString((String) e.getKey(), sb);
                sb.append(':');
                print(e.getValue(), sb);
            }
            sb.append('}');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + (v == null ? "absent (Java null)" : "unsupported type") + " (use null, booleans, finite numbers, strings, arrays and plain objects)");
        }
    }

    static void printNumber(double d, StringBuilder sb) {
        if (d == Math.floor(d) && Math.abs(d) < 2147483648.0) {
            sb.append((int) d);        // integers print like JS: 1, not 1.0
        } else if (d == Math.floor(d) && Math.abs(d) <= SAFE) {
            sb.append((long) d);       // rare: large integers (long only on this path)
        } else {
            sb.append(Double.toString(d)); // valid JSON, e.g. 0.5, 1.0E-7, 1.0E21
        }
    }

    private static void printString(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20) {
                        sb.append("\\u00");
                        sb.append(HEX.charAt(c >> 4));
                        sb.append(HEX.charAt(c & 15));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    // ---- checks ----

    /** Checks that {@code v} is a JSON value as described in the class comment; returns it. */
    public static Object check(Object v) {
        check(v, 0);
        return v;
    }

    private static void check(Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("value nests deeper than " + MAX_DEPTH + " levels");
        }
        if (v == NULL || v instanceof Boolean || v instanceof String) {
            return;
        }
        if (v instanceof Double) {
            double d = (Double) v;
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("numbers must be finite; got " + Texts.number(d));
            }
            return;
        }
        if (v instanceof List) {
            for (Object x : (List<?>) v) {
                check(x, depth + 1);
            }
            return;
        }
        if (v instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("object keys must be strings");
                }
                check(e.getValue(), depth + 1);
            }
            return;
        }
        throw new IllegalArgumentException("not a JSON value: " + (v == null ? "absent (Java null)" : "unsupported type") + " (use null, booleans, finite numbers, strings, arrays and plain objects)");
    }

    // ---- binary ----

    /**
     * Starts an object of {@code entries} members in the binary form, for writers that stream a value
     * without building a Map: follow with that many {@code w.writeString(key)} + {@link #write} pairs.
     */
    public static void writeObjectStart(Writer w, int entries) {
        w.writeByte(T_OBJECT).writeVarUint(entries);
    }

    /** Starts an array of {@code length} elements in the binary form; follow with that many {@link #write}s. */
    public static void writeArrayStart(Writer w, int length) {
        w.writeByte(T_ARRAY).writeVarUint(length);
    }

    public static void write(Writer w, Object v) {
        if (v == NULL) {
            w.writeByte(T_NULL);
        } else if (v instanceof Boolean) {
            w.writeByte(((Boolean) v) ? T_TRUE : T_FALSE);
        } else if (v instanceof Double) {
            double d = (Double) v;
            if (d == Math.floor(d) && Math.abs(d) <= SAFE && !(d == 0 && 1 / d < 0)) {
                w.writeByte(d >= 0 ? T_UINT : T_NEGINT).writeVarUint53(Math.abs(d));
            } else {
                w.writeByte(T_DOUBLE).writeDouble(d);
            }
        } else if (v instanceof String) {
            w.writeByte(T_STRING).writeString((String) v);
        } else if (v instanceof List) {
            List<?> list = (List<?>) v;
            w.writeByte(T_ARRAY).writeVarUint(list.size());
            for (Object x : list) {
                write(w, x);
            }
        } else if (v instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) v;
            w.writeByte(T_OBJECT).writeVarUint(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                w.writeString((String) e.getKey());
                write(w, e.getValue());
            }
        } else {
            throw new IllegalArgumentException("not a JSON value (use null, booleans, finite numbers, strings, arrays and plain objects)");
        }
    }

    public static Object read(Reader r) {
        return read(r, 0);
    }

    private static Object read(Reader r, int depth) {
        if (depth > MAX_DEPTH) {
            throw new DecodeException("value nests deeper than " + MAX_DEPTH + " levels");
        }
        int tag = r.readByte();
        switch (tag) {
            case T_NULL: return NULL;
            case T_FALSE: return Boolean.FALSE;
            case T_TRUE: return Boolean.TRUE;
            case T_UINT: return r.readVarUint53();
            case T_NEGINT: {
                double d = r.readVarUint53();
                if (d == 0) {
                    throw new DecodeException("negative zero written as an integer");
                }
                return -d;
            }
            case T_DOUBLE: {
                double d = r.readDouble();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new DecodeException("non-finite number in a value");
                }
                return d;
            }
            case T_STRING: return r.readString();
            case T_ARRAY: {
                int n = r.readCount(1, "array");
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(read(r, depth + 1));
                }
                return Collections.unmodifiableList(list);
            }
            case T_OBJECT: {
                int n = r.readCount(2, "object");
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    String k = r.readString();
                    if (map.put(k, read(r, depth + 1)) != null) {
                        throw new DecodeException("duplicate key \"" + k + "\" in an object");
                    }
                }
                return Collections.unmodifiableMap(map);
            }
            default:
                throw new DecodeException("unknown value tag " + tag);
        }
    }
}
