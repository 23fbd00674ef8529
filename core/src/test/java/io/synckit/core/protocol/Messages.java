package io.synckit.core.protocol;

import io.synckit.core.codec.Texts;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * Equality and text of protocol messages for tests. The message classes ship to the browser, so they
 * carry no equals/hashCode/toString (TeaVM keeps every override reachable through a virtual call, about
 * 3 KB gzip in each engine); tests compare and describe them here, field by field through reflection:
 * every public final instance field of a message or {@link DocSubscription}, byte arrays by content,
 * lists element-wise.
 */
public final class Messages {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Messages() {
    }

    /** Whether {@code a} and {@code b} are the same message: same class and equal fields. */
    public static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof byte[] && b instanceof byte[]) {
            return Arrays.equals((byte[]) a, (byte[]) b);
        }
        if (a instanceof List && b instanceof List) {
            List<?> x = (List<?>) a;
            List<?> y = (List<?>) b;
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (!isProtocolValue(a) || !isProtocolValue(b)) {
            return a.equals(b);
        }
        if (a.getClass() != b.getClass()) {
            return false;
        }
        for (Field f : fields(a.getClass())) {
            if (!equal(get(f, a), get(f, b))) {
                return false;
            }
        }
        return true;
    }

    /** A hash consistent with {@link #equal}. */
    public static int hash(Object o) {
        if (o == null) {
            return 0;
        }
        if (o instanceof byte[]) {
            return Arrays.hashCode((byte[]) o);
        }
        if (o instanceof List) {
            int h = 1;
            for (Object e : (List<?>) o) {
                h = 31 * h + hash(e);
            }
            return h;
        }
        if (!isProtocolValue(o)) {
            return o.hashCode();
        }
        int h = o.getClass().getSimpleName().hashCode();
        for (Field f : fields(o.getClass())) {
            h = 31 * h + hash(get(f, o));
        }
        return h;
    }

    /**
     * The message as text, e.g. {@code Hello{protocolVersion=1, replicaId=7, token="t", resumeSeq=0,
     * client="c"}}: numbers without exponent, strings quoted (first 64 chars), bytes in hex (first 32).
     */
    public static String describe(Object o) {
        StringBuilder sb = new StringBuilder();
        append(sb, o, null);
        return sb.toString();
    }

    /** assertEquals for messages (or lists of them): full field equality, described on failure. */
    public static void assertMessageEquals(Object expected, Object actual) {
        assertMessageEquals(expected, actual, null);
    }

    public static void assertMessageEquals(Object expected, Object actual, String message) {
        if (!equal(expected, actual)) {
            String e = describe(expected);
            String a = describe(actual);
            throw new AssertionFailedError((message == null ? "" : message + " ==> ") + "expected: <" + e
                    + "> but was: <" + a + ">", e, a);
        }
    }

    private static boolean isProtocolValue(Object o) {
        return o instanceof Message || o instanceof DocSubscription;
    }

    private static void append(StringBuilder sb, Object o, Field field) {
        if (o == null) {
            sb.append("null");
        } else if (o instanceof byte[]) {
            byte[] b = (byte[]) o;
            sb.append('[');
            int n = Math.min(b.length, 32);
            for (int i = 0; i < n; i++) {
                sb.append(HEX[(b[i] >> 4) & 15]).append(HEX[b[i] & 15]);
            }
            if (n < b.length) {
                sb.append("... ").append(b.length).append(" bytes");
            }
            sb.append(']');
        } else if (o instanceof String) {
            String s = (String) o;
            sb.append('"');
            int n = Math.min(s.length(), 64);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 15]);
                } else {
                    sb.append(c);
                }
            }
            sb.append(n < s.length() ? "\"..." : "\"");
        } else if (o instanceof Double) {
            sb.append(Texts.number((Double) o));
        } else if (o instanceof Integer && field != null && field.getName().equals("code")
                && field.getDeclaringClass() == ErrorMessage.class) {
            sb.append(ErrorCode.name((Integer) o));
        } else if (o instanceof Integer && field != null && field.getName().equals("type")
                && field.getDeclaringClass() == DocSubscription.class) {
            sb.append(DocType.name((Integer) o));
        } else if (o instanceof List) {
            sb.append('[');
            String sep = "";
            for (Object e : (List<?>) o) {
                sb.append(sep);
                append(sb, e, null);
                sep = ", ";
            }
            sb.append(']');
        } else if (isProtocolValue(o)) {
            sb.append(o.getClass().getSimpleName()).append('{');
            String sep = "";
            for (Field f : fields(o.getClass())) {
                sb.append(sep).append(f.getName()).append('=');
                append(sb, get(f, o), f);
                sep = ", ";
            }
            sb.append('}');
        } else {
            sb.append(o);
        }
    }

    private static List<Field> fields(Class<?> c) {
        return Arrays.stream(c.getDeclaredFields())
                .filter(f -> Modifier.isPublic(f.getModifiers()) && !Modifier.isStatic(f.getModifiers()))
                .toList();
    }

    private static Object get(Field f, Object o) {
        try {
            return f.get(o);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
