package io.synckit.core.causal;

import io.synckit.core.codec.DecodeException;
import io.synckit.core.codec.Reader;
import io.synckit.core.codec.Writer;

/**
 * A set of positive ints as sorted, disjoint, non-adjacent closed ranges. The sequence numbers one
 * replica has issued and another has seen are nearly always one range [1, n] (a version-vector entry);
 * gaps appear only while deltas arrive out of order, and close again when they are filled.
 */
final class Ranges {
    /** lo0, hi0, lo1, hi1, ...; only the first {@code 2 * n} slots are used. */
    private int[] r = new int[2];
    private int n;

    int rangeCount() {
        return n;
    }

    int lo(int i) {
        return r[2 * i];
    }

    int hi(int i) {
        return r[2 * i + 1];
    }

    boolean isEmpty() {
        return n == 0;
    }

    /** The end of the contiguous prefix [1, k], or 0 if 1 is missing. */
    int contiguousMax() {
        return n > 0 && r[0] == 1 ? r[1] : 0;
    }

    /** The largest member, or 0. */
    int max() {
        return n > 0 ? r[2 * n - 1] : 0;
    }

    boolean contains(int x) {
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (x < r[2 * mid]) {
                hi = mid - 1;
            } else if (x > r[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    void add(int x) {
        addRange(x, x);
    }

    /** Adds [a, b], merging with overlapping or adjacent ranges. */
    void addRange(int a, int b) {
        if (a > b) {
            return;
        }
        // Fast path: extending the last range (sequential delivery).
        if (n > 0 && a >= r[2 * n - 2] && a <= r[2 * n - 1] + 1) {
            if (b > r[2 * n - 1]) {
                r[2 * n - 1] = b;
            }
            return;
        }
        int[] out = new int[2 * (n + 1)];
        int m = 0;
        int i = 0;
        while (i < n && r[2 * i + 1] < a - 1) {
            out[2 * m] = r[2 * i];
            out[2 * m + 1] = r[2 * i + 1];
            m++;
            i++;
        }
        int lo = a;
        int hi = b;
        while (i < n && r[2 * i] <= b + 1) {
            lo = Math.min(lo, r[2 * i]);
            hi = Math.max(hi, r[2 * i + 1]);
            i++;
        }
        out[2 * m] = lo;
        out[2 * m + 1] = hi;
        m++;
        while (i < n) {
            out[2 * m] = r[2 * i];
            out[2 * m + 1] = r[2 * i + 1];
            m++;
            i++;
        }
        r = out;
        n = m;
    }

    void addAll(Ranges other) {
        for (int i = 0; i < other.n; i++) {
            addRange(other.lo(i), other.hi(i));
        }
    }

    /** Members of this set that are not in {@code other}. */
    Ranges minus(Ranges other) {
        Ranges out = new Ranges();
        int j = 0;
        for (int i = 0; i < n; i++) {
            int lo = r[2 * i];
            int hi = r[2 * i + 1];
            while (j < other.n && other.hi(j) < lo) {
                j++;
            }
            int k = j;
            int cur = lo;
            while (k < other.n && other.lo(k) <= hi && cur <= hi) {
                if (other.lo(k) > cur) {
                    out.addRange(cur, other.lo(k) - 1);
                }
                cur = Math.max(cur, other.hi(k) + 1);
                k++;
            }
            if (cur <= hi) {
                out.addRange(cur, hi);
            }
        }
        return out;
    }

    Ranges copy() {
        Ranges c = new Ranges();
        c.r = r.clone();
        c.n = n;
        return c;
    }

    void write(Writer w) {
        w.writeVarUint(n);
        int prev = 0;
        for (int i = 0; i < n; i++) {
            w.writeVarUint(r[2 * i] - prev);          // gap since the previous range (>= 1 after the first)
            w.writeVarUint(r[2 * i + 1] - r[2 * i]);  // length - 1
            prev = r[2 * i + 1];
        }
    }

    static Ranges read(Reader rd) {
        Ranges out = new Ranges();
        int count = rd.readCount(2, "ranges");
        int prev = 0;
        for (int i = 0; i < count; i++) {
            int gap = rd.readVarUint();
            int len = rd.readVarUint();
            if (gap < (i == 0 ? 1 : 2) || gap > Integer.MAX_VALUE - prev || len > Integer.MAX_VALUE - prev - gap) {
                throw new DecodeException("malformed range " + i + " (gap " + gap + ", length " + len + ")");
            }
            int lo = prev + gap;
            out.addRange(lo, lo + len);
            prev = lo + len;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Ranges)) {
            return false;
        }
        Ranges x = (Ranges) o;
        if (x.n != n) {
            return false;
        }
        for (int i = 0; i < 2 * n; i++) {
            if (r[i] != x.r[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = n;
        for (int i = 0; i < 2 * n; i++) {
            h = h * 31 + r[i];
        }
        return h;
    }
}
