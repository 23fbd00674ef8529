package io.synckit.core.protocol;

import io.synckit.core.codec.Texts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Argument checks for the message classes. The checks make every message encodable
 * (proto3 has no null, and the protocol's number ranges are narrower than protobuf's), so
 * {@link FrameCodec#encode} cannot fail.
 */
final class Values {
    static final byte[] NO_BYTES = new byte[0];

    private Values() {
    }

    static double uint64(double v, String field) {
        if (!(v >= 0 && v <= Protocol.MAX_UINT64) || v != Math.floor(v)) {
            throw new IllegalArgumentException(field + " must be an integer from 0 to 2^53-1, got " + Texts.number(v));
        }
        return v;
    }

    static int uint32(int v, String field) {
        if (v < 0) {
            throw new IllegalArgumentException(field + " must be from 0 to 2^31-1, got " + v);
        }
        return v;
    }

    static String string(String s, String field) {
        if (s == null) {
            throw new IllegalArgumentException(field + " must not be null (use \"\" for none)");
        }
        return s;
    }

    static byte[] bytes(byte[] b, String field) {
        if (b == null) {
            throw new IllegalArgumentException(field + " must not be null (use an empty array for none)");
        }
        return b;
    }

    /** An unmodifiable copy without null elements. */
    static <T> List<T> list(List<T> list, String field) {
        if (list == null) {
            throw new IllegalArgumentException(field + " must not be null (use an empty list for none)");
        }
        ArrayList<T> copy = new ArrayList<>(list.size());
        for (T t : list) {
            if (t == null) {
                throw new IllegalArgumentException(field + " must not contain null");
            }
            copy.add(t);
        }
        return Collections.unmodifiableList(copy);
    }
}
