package io.synckit.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {
    private static String decode(byte[] b) {
        char[] out = new char[b.length];
        int n = Utf8.decode(b, 0, b.length, out);
        return n < 0 ? "malformed at " + (-1 - n) : new String(out, 0, n);
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void encodesLikeTheJdkAndDecodesBack() {
        for (String s : new String[] {"", "plain ascii", "é ü ß", "€ 中文", "emoji 😀 and 𝄞", "\u007f\u0080\u07ff\u0800\uffff"}) {
            byte[] jdk = s.getBytes(StandardCharsets.UTF_8);
            assertEquals(jdk.length, Utf8.length(s), s);
            byte[] mine = new byte[jdk.length];
            assertEquals(jdk.length, Utf8.encode(s, mine, 0), s);
            assertArrayEquals(jdk, mine, s);
            assertEquals(s, decode(jdk));
        }
    }

    @Test
    void unpairedSurrogatesBecomeTheReplacementCharacter() {
        for (String s : new String[] {"a\ud800b", "\udc00", "x\ud83d"}) {
            byte[] out = new byte[Utf8.length(s)];
            Utf8.encode(s, out, 0);
            assertEquals(s.replaceAll("[\\ud800-\\udfff]", "\ufffd"), decode(out), s);
        }
    }

    @Test
    void malformedInputNamesTheLeadByteOfTheBadSequence() {
        assertEquals("malformed at 1", decode(bytes('a', 0xc3, 0x28))); // bad continuation
        assertEquals("malformed at 0", decode(bytes(0xc0, 0xaf))); // overlong '/'
        assertEquals("malformed at 0", decode(bytes(0xed, 0xa0, 0x80))); // an encoded surrogate
        assertEquals("malformed at 0", decode(bytes(0xf4, 0x90, 0x80, 0x80))); // above U+10FFFF
        assertEquals("malformed at 2", decode(bytes('a', 'b', 0xe2, 0x82))); // cut off by the end
        assertEquals("malformed at 0", decode(bytes(0x80))); // a stray continuation byte
        assertEquals("malformed at 0", decode(bytes(0xff)));
    }
}
