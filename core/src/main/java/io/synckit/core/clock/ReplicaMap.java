package io.synckit.core.clock;

import java.util.Arrays;

/**
 * A map from replica id to a value, as two arrays sorted by id. Not a {@code HashMap<Double, V>}:
 * {@code Double.hashCode} goes through a long, which TeaVM's JS target runs as a BigInt on every
 * lookup. A document has few replicas, so a binary search is as fast, and iteration comes out in
 * ascending id order, which encodings need anyway.
 *
 * @param <V> the value type
 */
public final class ReplicaMap<V> {
    // One replica (the common case: a replica's own state) lives in fields; arrays only from two on,
    // because small primitive arrays are typed arrays in TeaVM's JS output, ~150 bytes each.
    private double id0;
    private Object v0;
    private double[] ids;
    private Object[] values;
    private int size;

    public int size() {
        return size;
    }

    /** The i-th id in ascending order. */
    public double idAt(int i) {
        return ids == null ? id0 : ids[i];
    }

    @SuppressWarnings("unchecked")
    public V valueAt(int i) {
        return (V) (ids == null ? v0 : values[i]);
    }

    public V get(double id) {
        if (ids == null) {
            return size == 1 && id0 == id ? valueAt(0) : null;
        }
        int i = indexOf(id);
        return i >= 0 ? valueAt(i) : null;
    }

    public void put(double id, V value) {
        if (ids == null) {
            if (size == 0 || id0 == id) {
                id0 = id;
                v0 = value;
                size = 1;
                return;
            }
            ids = new double[4];
            values = new Object[4];
            ids[0] = id0;
            values[0] = v0;
            v0 = null;
        }
        int i = indexOf(id);
        if (i >= 0) {
            values[i] = value;
            return;
        }
        i = -i - 1;
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        System.arraycopy(ids, i, ids, i + 1, size - i);
        System.arraycopy(values, i, values, i + 1, size - i);
        ids[i] = id;
        values[i] = value;
        size++;
    }

    /** Index of {@code id} in the arrays, or -(insertion point) - 1. */
    private int indexOf(double id) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            double m = ids[mid];
            if (m < id) {
                lo = mid + 1;
            } else if (m > id) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }
}
