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
    // Zero or one range (nearly always) in fields; an array only for two or more, because small int
    // arrays are typed arrays in TeaVM's JS output (~150 bytes each).
    private int lo0;
    private int hi0;
    /** lo0, hi0, lo1, hi1, ... when n >= 2; only the first {@code 2 * n} slots are used. */
    private int[] r;
    private int n;

    int lo(int i) {
        return r == null ? lo0 : r[2 * i];
    }

    int hi(int i) {
        return r == null ? hi0 : r[2 * i + 1];
    }

    boolean isEmpty() {
        return n == 0;
    }

    /** The largest member, or 0. */
    int max() {
        return n > 0 ? hi(n - 1) : 0;
    }

    boolean contains(int x) {
        if (r == null) {
            return n == 1 && x >= lo0 && x <= hi0;
        }
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
        if (n == 0) {
            lo0 = a;
            hi0 = b;
            n = 1;
            return;
        }
        if (r == null && a <= hi0 + 1 && b >= lo0 - 1) { // overlaps or touches the single range
            lo0 = Math.min(lo0, a);
            hi0 = Math.max(hi0, b);
            return;
        }
        int[] cur = r;
        if (cur == null) {
            cur = new int[] {lo0, hi0};
        }
        int[] out = new int[2 * (n + 1)];
        int m = 0;
        int i = 0;
        while (i < n && cur[2 * i + 1] < a - 1) {
            out[2 * m] = cur[2 * i];
            out[2 * m + 1] = cur[2 * i + 1];
            m++;
            i++;
        }
        int lo = a;
        int hi = b;
        while (i < n && cur[2 * i] <= b + 1) {
            lo = Math.min(lo, cur[2 * i]);
            hi = Math.max(hi, cur[2 * i + 1]);
            i++;
        }
        out[2 * m] = lo;
        out[2 * m + 1] = hi;
        m++;
        while (i < n) {
            out[2 * m] = cur[2 * i];
            out[2 * m + 1] = cur[2 * i + 1];
            m++;
            i++;
        }
        n = m;
        if (m == 1) {
            lo0 = out[0];
            hi0 = out[1];
            r = null;
        } else {
            r = out;
        }
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
            int lo = lo(i);
            int hi = hi(i);
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
        c.lo0 = lo0;
        c.hi0 = hi0;
        c.r = r == null ? null : r.clone();
        c.n = n;
        return c;
    }

    void write(Writer w) {
        w.writeVarUint(n);
        int prev = 0;
        for (int i = 0; i < n; i++) {
            w.writeVarUint(lo(i) - prev);    // gap since the previous range (>= 1 after the first)
            w.writeVarUint(hi(i) - lo(i));   // length - 1
            prev = hi(i);
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
        for (int i = 0; i < n; i++) {
            if (lo(i) != x.lo(i) || hi(i) != x.hi(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = n;
        for (int i = 0; i < n; i++) {
            h = h * 31 + lo(i) * 7 + hi(i);
        }
        return h;
    }
}
