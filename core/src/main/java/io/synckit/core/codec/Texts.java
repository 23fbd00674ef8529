package io.synckit.core.codec;

/**
 * Numbers in messages, without {@code Double.toString}/{@code Long.toString}: in the browser build
 * those pull in ~100 KB of formatting tables (TeaVM) or BigInt arithmetic, for text nobody parses.
 * Integers below 2^53 print exactly; other values print with up to 6 decimals.
 */
public final class Texts {
    private Texts() {
    }

    public static String number(double d) {
        if (d != d) {
            return "NaN";
        }
        if (d == Double.POSITIVE_INFINITY) {
            return "Infinity";
        }
        if (d == Double.NEGATIVE_INFINITY) {
            return "-Infinity";
        }
        StringBuilder sb = new StringBuilder();
        if (d < 0) {
            sb.append('-');
            d = -d;
        }
        if (d >= 9007199254740992.0) {
            return sb.append("about 2^").append((int) Math.floor(Math.log(d) / Math.log(2))).toString();
        }
        double whole = Math.floor(d);
        appendInteger(sb, whole);
        double frac = d - whole;
        if (frac > 0) {
            int micro = (int) Math.round(frac * 1e6);
            if (micro > 0 && micro < 1_000_000) {
                String digits = String.valueOf(1_000_000 + micro).substring(1);
                int end = digits.length();
                while (end > 1 && digits.charAt(end - 1) == '0') {
                    end--;
                }
                sb.append('.').append(digits, 0, end);
            }
        }
        return sb.toString();
    }

    private static void appendInteger(StringBuilder sb, double v) {
        if (v < 1e9) {
            sb.append((int) v);
            return;
        }
        double high = Math.floor(v / 1e9);
        int low = (int) (v - high * 1e9);
        appendInteger(sb, high);
        String digits = String.valueOf(1_000_000_000 + low).substring(1);
        sb.append(digits);
    }
}
