package io.synckit.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CodecTest {
    @Test
    void varUintRoundTripsAndUsesMinimalBytes() {
        int[] values = {0, 1, 127, 128, 16383, 16384, 1 << 21, (1 << 28) - 1, 1 << 28, Integer.MAX_VALUE};
        int[] sizes = {1, 1, 1, 2, 2, 3, 4, 4, 5, 5};
        for (int i = 0; i < values.length; i++) {
            byte[] bytes = new Writer().writeVarUint(values[i]).toByteArray();
            assertEquals(sizes[i], bytes.length, "size of " + values[i]);
            Reader r = new Reader(bytes);
            assertEquals(values[i], r.readVarUint());
            assertTrue(!r.hasRemaining());
        }
    }

    @Test
    void varUintRejectsOverflowAndTruncation() {
        DecodeException tooBig = assertThrows(DecodeException.class,
                () -> new Reader(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}).readVarUint());
        assertTrue(tooBig.getMessage().contains("31 bits"), tooBig.getMessage());
        DecodeException cut = assertThrows(DecodeException.class, () -> new Reader(new byte[] {(byte) 0x80}).readVarUint());
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Writer().writeVarUint(-1));
    }

    @Test
    void stringsMatchJdkUtf8IncludingAstralCharacters() {
        String[] samples = {"", "a", "é", "€", "😀", "mixed é€😀 text", "\u0000", "\uFFFF"};
        for (String s : samples) {
            byte[] bytes = new Writer().writeString(s).toByteArray();
            byte[] jdk = s.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(jdk, Arrays.copyOfRange(bytes, bytes.length - jdk.length, bytes.length), s);
            assertEquals(s, new Reader(bytes).readString());
        }
    }

    @Test
    void unpairedSurrogateIsWrittenAsReplacementCharacter() {
        byte[] bytes = new Writer().writeString("a\uD800b").toByteArray();
        assertEquals("a\uFFFDb", new Reader(bytes).readString());
    }

    @Test
    void malformedUtf8IsRejected() {
        byte[][] bad = {
            {2, (byte) 0xC0, (byte) 0x80},             // overlong NUL
            {1, (byte) 0x80},                          // stray continuation byte
            {3, (byte) 0xED, (byte) 0xA0, (byte) 0x80}, // encoded surrogate
            {2, (byte) 0xE2, (byte) 0x82},             // sequence cut by the length prefix
            {5, 'a'},                                  // length past the end
        };
        for (byte[] b : bad) {
            assertThrows(DecodeException.class, () -> new Reader(b).readString(), Arrays.toString(b));
        }
    }
}
