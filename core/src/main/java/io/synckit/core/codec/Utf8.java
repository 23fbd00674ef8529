package io.synckit.core.codec;

/**
 * UTF-8 for both binary formats (core's {@link Reader}/{@link Writer} and the protocol codec): one strict
 * decoder and one encoder, written out rather than taken from the class library because TeaVM's
 * charset support costs far more in the browser build than these loops.
 */
public final class Utf8 {
    private Utf8() {
    }

    /** Encoded length of {@code s}; an unpaired surrogate counts as U+FFFD (3 bytes), as {@link #encode} writes it. */
    public static int length(String s) {
        int n = s.length();
        int len = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c >= 0x800 && isHigh(c) && i + 1 < n && isLow(s.charAt(i + 1))) {
                    len += 2; // 4 bytes for the pair's 2 chars
                    i++;
                } else {
                    len += c < 0x800 ? 1 : 2;
                }
            }
        }
        return len;
    }

    /** Writes {@code s} into {@code buf} from {@code pos} (room for {@link #length} bytes); returns the end. */
    public static int encode(String s, byte[] buf, int pos) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            int c = s.charAt(i);
            if (c < 0x80) {
                buf[pos++] = (byte) c;
            } else if (c < 0x800) {
                buf[pos++] = (byte) (0xC0 | (c >> 6));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (isHigh(c) && i + 1 < n && isLow(s.charAt(i + 1))) {
                int cp = 0x10000 + ((c - 0xD800) << 10) + (s.charAt(++i) - 0xDC00);
                buf[pos++] = (byte) (0xF0 | (cp >> 18));
                buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                int cp = c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c;
                buf[pos++] = (byte) (0xE0 | (cp >> 12));
                buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (cp & 0x3F));
            }
        }
        return pos;
    }

    /**
     * Decodes {@code buf[from..stop)} into {@code out} (at least {@code stop - from} chars). Returns the
     * number of chars, or {@code -1 - i} where {@code i} is the index of the first byte of a malformed
     * sequence: a stray or bad continuation byte, an overlong form, a surrogate, above U+10FFFF, or cut
     * off by {@code stop}.
     */
    public static int decode(byte[] buf, int from, int stop, char[] out) {
        int n = 0;
        int pos = from;
        while (pos < stop) {
            int b = buf[pos] & 0xFF;
            if (b < 0x80) {
                out[n++] = (char) b;
                pos++;
                continue;
            }
            int start = pos;
            int extra;
            int cp;
            int min;
            if ((b & 0xE0) == 0xC0) {
                extra = 1;
                cp = b & 0x1F;
                min = 0x80;
            } else if ((b & 0xF0) == 0xE0) {
                extra = 2;
                cp = b & 0x0F;
                min = 0x800;
            } else if ((b & 0xF8) == 0xF0) {
                extra = 3;
                cp = b & 0x07;
                min = 0x10000;
            } else {
                return -1 - start;
            }
            if (stop - pos - 1 < extra) {
                return -1 - start;
            }
            pos++;
            for (int i = 0; i < extra; i++) {
                int c = buf[pos++] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return -1 - start;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return -1 - start;
            }
            if (cp >= 0x10000) {
                out[n++] = (char) (0xD7C0 + (cp >> 10));
                out[n++] = (char) (0xDC00 | (cp & 0x3FF));
            } else {
                out[n++] = (char) cp;
            }
        }
        return n;
    }

    private static boolean isHigh(int c) {
        return c >= 0xD800 && c <= 0xDBFF;
    }

    private static boolean isLow(int c) {
        return c >= 0xDC00 && c <= 0xDFFF;
    }
}
