package io.synckit.core.order;

import io.synckit.core.clock.ReplicaIds;

/**
 * Fractional indexing: string keys for ordering list items (todos dragged to reorder, and so on)
 * where a new item always gets a key strictly between its neighbours, so inserting never rewrites
 * other items' keys. Keys sort by plain {@link String#compareTo} (UTF-16 code-unit order), which is
 * also what JS {@code <} does, so every platform sorts them the same way without parsing them.
 *
 * <p><b>Format.</b> A key is a number written in base 62 with the digits {@code 0-9A-Za-z} (ASCII
 * order is numeric order, and every digit is safe in JSON and URLs unescaped):
 * <ul>
 *   <li>an integer head: one letter giving the sign and digit count ({@code a} = 1 digit,
 *       {@code b} = 2, ... {@code z} = 26 for integers >= 0; {@code Z} = 1 digit, {@code Y} = 2,
 *       ... {@code A} = 26 for negative ones), then that many digits. Each length covers its own
 *       range of values (like a biased exponent), so heads sort as their integers do and no head
 *       is a prefix of another;</li>
 *   <li>a fraction: the remaining digits, never ending in {@code 0}, read as 0.d1d2d3... Without
 *       trailing zeros, string order of fractions is numeric order, and there is always room
 *       between two different ones.</li>
 * </ul>
 * The first key is {@code a0} (integer 0) followed by the replica suffix.
 *
 * <p><b>Replica suffix.</b> {@link #between} picks a position prefix P such that every string
 * P + x, for any non-empty x, lies strictly between the neighbours, and returns P + suffix(replicaId)
 * where the suffix is the id in base-62 digits followed by one digit giving their count (1-9). Two
 * replicas inserting concurrently into the same gap compute the same P but append different
 * suffixes, so their keys differ and both stay inside the gap. Moreover the id can be read back from
 * the end of any key (the last digit says how many digits before it are the id), so keys made by
 * different replicas never collide even in different gaps; a replica only has to avoid reusing a key
 * itself, which it does by inserting between its current neighbours. Concurrent keys in one gap are
 * ordered by their suffixes: deterministic on every replica, though not meaningful to users.
 *
 * <p><b>Why keys stay short.</b> Appending increments the integer head instead of extending the
 * fraction, and prepending decrements it; the head gains one digit only each time the count of
 * appends grows 62-fold, so a million appends give a 5-character head. Inserting between two keys
 * takes the shortest prefix that fits: the common prefix plus one digit halfway between the first
 * differing digits, which is why random inserts grow keys only logarithmically. The suffix (2 to
 * 10 characters) is a fixed cost per key; its first digit is kept in the middle of the range, and
 * a prefix that runs out of digits ends in a middle digit, so later inserts next to a key never have
 * to step over runs of 0 or z. Repeatedly inserting at one spot halves the same gap each time and so
 * grows keys by about one character per five or six inserts; {@link #spread} inserts many keys at
 * once without that cost.
 *
 * <p>Uses no {@code long}: integers are handled as digit strings and replica ids as doubles, which
 * hold integers below 2^53 exactly (TeaVM would turn {@code long} into a JS BigInt).
 */
public final class FractionalIndex {
    private static final String DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int BASE = 62;
    private static final char MAX_DIGIT = 'z';
    /** 2^53: the first integer a double cannot tell from its neighbour. */
    /** The first digit of a replica suffix is one of the LEAD_RANGE digits from LEAD_OFFSET (A-p). */
    private static final int LEAD_OFFSET = 10;
    private static final int LEAD_RANGE = 42;
    /** The integer 0: head of the first key. */
    private static final String ZERO = "a0";
    /** The smallest integer; as a whole key nothing could go before it, so it needs a fraction. */
    private static final String MIN_HEAD = "A" + repeat('0', 26);

    private FractionalIndex() {
    }

    /**
     * A key strictly between {@code before} and {@code after}, ending with {@code replicaId}'s suffix.
     *
     * @param before    the key of the item before the new one, or null to insert at the start
     * @param after     the key of the item after the new one, or null to insert at the end
     * @param replicaId the inserting replica's id, an integer in [0, 2^53)
     * @throws IllegalArgumentException if a key is malformed, before >= after, or the id is invalid
     */
    public static String between(String before, String after, double replicaId) {
        String suffix = replicaSuffix(replicaId);
        checkBounds(before, after);
        return positionBetween(before, after) + suffix;
    }

    /**
     * {@code count} increasing keys strictly between {@code before} and {@code after} (nulls mean the
     * ends of the list), for inserting many items at once. They are as short as {@code count}
     * separate calls to {@link #between} spread over the gap, not as long as a chain of inserts at
     * one spot.
     *
     * @throws IllegalArgumentException if count is negative or {@link #between} would throw
     */
    public static String[] spread(String before, String after, int count, double replicaId) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be 0 or more, got " + count);
        }
        String suffix = replicaSuffix(replicaId);
        checkBounds(before, after);
        String[] out = new String[count];
        fill(out, 0, count, before, after, suffix);
        return out;
    }

    /**
     * Checks that {@code key} is a well-formed key, as produced by {@link #between}.
     *
     * @throws IllegalArgumentException naming the key and what is wrong with it
     */
    public static void validate(String key) {
        check(key, "key");
    }

    private static void checkBounds(String before, String after) {
        if (before != null) {
            check(before, "before");
        }
        if (after != null) {
            check(after, "after");
        }
        if (before != null && after != null && before.compareTo(after) >= 0) {
            throw new IllegalArgumentException("before key \"" + before + "\" must be less than after key \""
                    + after + "\"; pass the neighbours in list order (null for an end of the list)");
        }
    }

    private static void check(String key, String role) {
        if (key == null) {
            throw new IllegalArgumentException(role + " key must be a string, got null");
        }
        if (key.isEmpty()) {
            throw malformed(key, role, "it is empty");
        }
        char first = key.charAt(0);
        int headLength = headLength(first);
        if (headLength < 0) {
            throw malformed(key, role, "it starts with '" + first + "' but must start with a letter A-Z or a-z");
        }
        if (key.length() < headLength) {
            throw malformed(key, role, "its first letter '" + first + "' announces a " + headLength
                    + "-character integer part but the key has only " + key.length() + " characters");
        }
        for (int i = 1; i < key.length(); i++) {
            if (digitValue(key.charAt(i)) < 0) {
                throw malformed(key, role, "character '" + key.charAt(i) + "' at index " + i
                        + " is not a base-62 digit");
            }
        }
        if (key.length() > headLength && key.charAt(key.length() - 1) == '0') {
            throw malformed(key, role, "its fraction ends in '0', which leaves no room below it");
        }
        if (key.equals(MIN_HEAD)) {
            throw malformed(key, role, "it is the smallest integer with no fraction, which leaves no room below it");
        }
    }

    private static IllegalArgumentException malformed(String key, String role, String why) {
        return new IllegalArgumentException(role + " key \"" + key + "\" is not a fractional index key: " + why
                + ". Expected a key from FractionalIndex.between: base-62 digits (0-9A-Za-z), a letter giving"
                + " the integer part's length, that many digits, then fraction digits not ending in '0'");
    }

    /**
     * The id in n base-62 digits, then a digit giving n (1-9). The first digit stays in A-p (10-51),
     * never 0 or z: later inserts next to this key step over its suffix digits when they run out of
     * room, and a first digit in the middle range always leaves room on both sides. Each length n
     * holds 42 * 62^(n-1) ids, after those of the shorter lengths, so 2^53 ids fit in 9 digits.
     */
    private static String replicaSuffix(double replicaId) {
        ReplicaIds.check(replicaId);
        // Doubles are exact here: every value is an integer below 2^54, and the even capacity too.
        double rest = replicaId;
        double capacity = LEAD_RANGE;
        int count = 1;
        while (rest >= capacity) {
            rest -= capacity;
            capacity *= BASE;
            count++;
        }
        char[] buf = new char[count + 1];
        for (int i = count - 1; i > 0; i--) {
            double digit = rest % BASE;
            buf[i] = DIGITS.charAt((int) digit);
            rest = (rest - digit) / BASE;
        }
        buf[0] = DIGITS.charAt(LEAD_OFFSET + (int) rest);
        buf[count] = DIGITS.charAt(count);
        return new String(buf);
    }

    /** Fills out[from, to) with increasing keys strictly between lo and hi; both already checked. */
    private static void fill(String[] out, int from, int to, String lo, String hi, String suffix) {
        if (from >= to) {
            return;
        }
        if (hi == null) {
            // Appends only bump the integer head: a chain stays as short as a balanced split.
            String prev = lo;
            for (int i = from; i < to; i++) {
                prev = positionBetween(prev, null) + suffix;
                out[i] = prev;
            }
            return;
        }
        if (lo == null) {
            String next = hi;
            for (int i = to - 1; i >= from; i--) {
                next = positionBetween(null, next) + suffix;
                out[i] = next;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        String key = positionBetween(lo, hi) + suffix;
        out[mid] = key;
        fill(out, from, mid, lo, key, suffix);
        fill(out, mid + 1, to, key, hi, suffix);
    }

    /**
     * A prefix P with a <= P and P below b at some index inside P (so not a prefix of b): then
     * P + x is strictly between a and b for every non-empty x. Keys are checked and a < b.
     */
    private static String positionBetween(String a, String b) {
        if (a == null && b == null) {
            return ZERO;
        }
        if (b == null) {
            String head = head(a);
            String next = increment(head);
            return next != null ? next : head + fractionAbove(fraction(a));
        }
        if (a == null) {
            String head = head(b);
            String prev = decrement(head);
            // b is not MIN_HEAD alone, so at the smallest integer its fraction has a non-zero digit.
            return prev != null ? prev : head + fractionBetween("", fraction(b));
        }
        String headA = head(a);
        String headB = head(b);
        if (headA.equals(headB)) {
            return headA + fractionBetween(fraction(a), fraction(b));
        }
        String next = increment(headA); // not null: headA < headB
        if (next.compareTo(headB) < 0) {
            return next;
        }
        // Adjacent integers: go above a's fraction, or below b's if that is shorter.
        String above = headA + fractionAbove(fraction(a));
        String fractionB = fraction(b);
        if (above.length() > headB.length() + 1 && hasNonZero(fractionB)) {
            String below = headB + fractionBetween("", fractionB);
            if (below.length() < above.length()) {
                return below;
            }
        }
        return above;
    }

    /**
     * A digit string f with fa <= f and f below fb at some index inside f. Requires fa < fb and fb
     * not ending in '0', which guarantees a first index where fa (padded with zeros) is below fb.
     */
    private static String fractionBetween(String fa, String fb) {
        int i = 0;
        while (true) {
            int da = i < fa.length() ? digitValue(fa.charAt(i)) : 0;
            int db = digitValue(fb.charAt(i));
            if (da == db) {
                i++;
                continue;
            }
            String common = fb.substring(0, i);
            if (db - da >= 2) {
                return common + DIGITS.charAt((da + db) / 2);
            }
            // Neighbouring digits: keep a's digit and go above the rest of a, or take b's digit and
            // go below the rest of b, whichever is shorter.
            String above = DIGITS.charAt(da) + fractionAbove(i + 1 < fa.length() ? fa.substring(i + 1) : "");
            String restB = fb.substring(i + 1);
            if (above.length() > 2 && hasNonZero(restB)) {
                String below = DIGITS.charAt(db) + fractionBetween("", restB);
                if (below.length() < above.length()) {
                    return common + below;
                }
            }
            return common + above;
        }
    }

    /**
     * The shortest-prefix digit string f >= fa: fa's leading z's, then a digit halfway above the next.
     * If fa is all z's, f is fa plus a middle digit rather than fa itself: then f ends in a digit of
     * its own, and the next insert between fa and f + suffix has room there instead of in the suffix.
     */
    private static String fractionAbove(String fa) {
        for (int i = 0; i < fa.length(); i++) {
            if (fa.charAt(i) != MAX_DIGIT) {
                return fa.substring(0, i) + DIGITS.charAt((digitValue(fa.charAt(i)) + BASE) / 2);
            }
        }
        return fa + DIGITS.charAt(BASE / 2);
    }

    /** The next integer head, or null after the largest. */
    private static String increment(String head) {
        int j = head.length() - 1;
        while (j >= 1 && head.charAt(j) == MAX_DIGIT) {
            j--;
        }
        if (j >= 1) {
            StringBuilder sb = new StringBuilder(head.length());
            sb.append(head, 0, j).append(DIGITS.charAt(digitValue(head.charAt(j)) + 1));
            for (int i = j + 1; i < head.length(); i++) {
                sb.append('0');
            }
            return sb.toString();
        }
        char letter = head.charAt(0);
        int digits = head.length() - 1;
        if (letter == 'z') {
            return null;
        }
        if (letter == 'Z') {
            return ZERO;
        }
        // All digits are z: the next integer is the first of the next length's range.
        return (char) (letter + 1) + repeat('0', letter >= 'a' ? digits + 1 : digits - 1);
    }

    /** The previous integer head, or null before the smallest. */
    private static String decrement(String head) {
        int j = head.length() - 1;
        while (j >= 1 && head.charAt(j) == '0') {
            j--;
        }
        if (j >= 1) {
            StringBuilder sb = new StringBuilder(head.length());
            sb.append(head, 0, j).append(DIGITS.charAt(digitValue(head.charAt(j)) - 1));
            for (int i = j + 1; i < head.length(); i++) {
                sb.append(MAX_DIGIT);
            }
            return sb.toString();
        }
        char letter = head.charAt(0);
        int digits = head.length() - 1;
        if (letter == 'A') {
            return null;
        }
        if (letter == 'a') {
            return "Zz";
        }
        return (char) (letter - 1) + repeat(MAX_DIGIT, letter >= 'a' ? digits - 1 : digits + 1);
    }

    /** Letter plus digit count of the integer head starting with c, or -1 if c starts no head. */
    private static int headLength(char c) {
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 2;
        }
        if (c >= 'A' && c <= 'Z') {
            return 'Z' - c + 2;
        }
        return -1;
    }

    private static String head(String key) {
        return key.substring(0, headLength(key.charAt(0)));
    }

    private static String fraction(String key) {
        return key.substring(headLength(key.charAt(0)));
    }

    private static boolean hasNonZero(String digits) {
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) != '0') {
                return true;
            }
        }
        return false;
    }

    private static int digitValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 36;
        }
        return -1;
    }

    private static String repeat(char c, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(c);
        }
        return sb.toString();
    }
}
