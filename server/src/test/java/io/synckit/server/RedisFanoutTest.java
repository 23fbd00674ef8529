package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RedisFanout's channel message format (no Redis needed; TwoNodeTest runs the real thing). */
class RedisFanoutTest {
    @Test
    void messagesRoundTripBinarySafe() {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] data = new byte[random.nextInt(300)];
            random.nextBytes(data);
            String doc = i % 3 == 0 ? "" : "dök/" + i + "\u0000\ud83d\ude00";
            byte[] wire = RedisFanout.encode("node-" + i, doc, i - 1, data);
            RedisFanout.Message m = RedisFanout.decode(wire);
            assertEquals("node-" + i, m.nodeId());
            assertEquals(doc, m.docId());
            assertEquals(i - 1, m.type());
            assertArrayEquals(data, m.data());
        }
    }

    @Test
    void whatIsNotAMessageDecodesToNull() {
        byte[] wire = RedisFanout.encode("n", "doc", 2, new byte[] {1, 2, 3});
        assertNull(RedisFanout.decode(null));
        assertNull(RedisFanout.decode(new byte[0]));
        assertNull(RedisFanout.decode("hello world, not ours".getBytes()));
        for (int cut = 0; cut < 17; cut++) { // 1 + 4 + 1 + 4 + 3 + 4 header bytes
            assertNull(RedisFanout.decode(Arrays.copyOf(wire, cut)), "cut at " + cut);
        }
        byte[] badLength = wire.clone();
        badLength[1] = (byte) 0x7F;
        assertNull(RedisFanout.decode(badLength));
        badLength[1] = (byte) 0xFF;
        assertNull(RedisFanout.decode(badLength));
    }

    @Test
    void aUrlThatIsNotRedisIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RedisFanout("http://x:1", null));
        assertThrows(IllegalArgumentException.class, () -> new RedisFanout("redis:///nohost", null));
    }
}
