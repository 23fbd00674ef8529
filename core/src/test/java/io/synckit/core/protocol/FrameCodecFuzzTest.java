package io.synckit.core.protocol;

import static io.synckit.core.protocol.Messages.assertMessageEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import io.synckit.proto.v1.Frame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link FrameCodec#decode}: random bytes, and valid frames (canonical and not) with
 * bit flips, truncation, splicing, inflated length fields, overlong varints, group tags, inserted, deleted
 * and repeated bytes. -Dsynckit.fuzz=N inputs (default 100,000; use 1,000,000 or more for a long run),
 * -Dsynckit.seed to replay. For every input:
 * <ul>
 *   <li>nothing but a {@link ProtocolException} escapes, with code MALFORMED_FRAME or LIMIT_EXCEEDED;
 *   <li>a frame we accept, the oracle (protoc's javalite classes) accepts as the same message, and it
 *       re-encodes and decodes to an equal message;
 *   <li>a frame the oracle accepts and we reject breaks one of the protocol's rules that protobuf does not
 *       have (number ranges, groups, no body, tags or lengths beyond 32 bits, limits), or that javalite
 *       does not check (varints over 10 bytes).
 * </ul>
 */
class FrameCodecFuzzTest {
    static final int INPUTS = Integer.getInteger("synckit.fuzz", 100_000);
    static final long SEED = Long.getLong("synckit.seed", System.nanoTime());
    /** Small limits, so that the limit paths are reached by small inputs too. */
    static final Limits TIGHT = new Limits(96, 8, 16, 16, 2, 2);

    @Test
    void onlyProtocolExceptionsEscapeAndAcceptedFramesMatchTheOracle() {
        Random r = new Random(SEED);
        List<byte[]> corpus = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int member = 1 + r.nextInt(11);
            byte[] frame = FrameCodec.encode(RandomMessages.random(member, r));
            corpus.add(r.nextBoolean() ? frame : FrameCodecOracleTest.variant(member, frame, r));
        }
        int accepted = 0;
        int malformed = 0;
        int limited = 0;
        int stricter = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = r.nextInt(10) == 0 ? randomBytes(r) : mutate(corpus.get(r.nextInt(corpus.size())), corpus, r);
            Limits limits = r.nextInt(4) == 0 ? TIGHT : Limits.DEFAULT;
            try {
                int outcome = check(input, limits);
                if (outcome == 0) {
                    accepted++;
                } else if (outcome == ErrorCode.LIMIT_EXCEEDED) {
                    limited++;
                } else {
                    malformed++;
                    stricter += outcome == -1 ? 1 : 0;
                }
            } catch (Throwable t) {
                fail("seed " + SEED + " (replay with -Dsynckit.seed=" + SEED + "), input " + i + " with " + limits + ": "
                        + Wire.hex(input) + "\n " + t, t);
            }
        }
        System.out.println("FrameCodecFuzzTest: " + INPUTS + " inputs in " + (System.nanoTime() - t0) / 1_000_000
                + " ms, seed " + SEED + ": " + accepted + " decoded, " + malformed + " malformed (" + stricter
                + " of them valid protobuf the protocol rejects), " + limited + " over limits");
        assertTrue(accepted > INPUTS / 20, "too few inputs decode (" + accepted + "): the mutations are too blunt");
        assertTrue(malformed > INPUTS / 20, "too few inputs fail (" + malformed + ")");
    }

    /** 0 if decoded, else the error code; -1 for valid protobuf the protocol rejects. */
    static int check(byte[] input, Limits limits) throws Exception {
        Message m = null;
        ProtocolException rejected = null;
        try {
            m = FrameCodec.decode(input, limits);
        } catch (ProtocolException e) {
            rejected = e;
            assertTrue(e.code == ErrorCode.MALFORMED_FRAME || e.code == ErrorCode.LIMIT_EXCEEDED,
                    "unexpected code " + ErrorCode.name(e.code) + ": " + e.getMessage());
            assertTrue(e.getMessage() != null && e.getMessage().length() > 20, "no useful message");
        }
        Frame lite = null;
        try {
            lite = Frame.parseFrom(input);
        } catch (InvalidProtocolBufferException e) {
            // The oracle rejects it too (or not: checked below).
        }
        if (rejected == null) {
            assertTrue(lite != null, "we accepted a frame protoc rejects: " + Messages.describe(m));
            assertMessageEquals(Lite.fromLite(lite), m, "protoc reads it as another message");
            assertMessageEquals(m, FrameCodec.decode(FrameCodec.encode(m), limits.withMaxFrameBytes(Integer.MAX_VALUE)),
                    "re-encoded, it decodes to another message");
            return 0;
        }
        if (lite == null || rejected.code == ErrorCode.LIMIT_EXCEEDED) {
            return rejected.code;
        }
        String why = rejected.getMessage();
        boolean protocolRule = why.contains("above 2^53-1") || why.contains("above 2^31-1") || why.contains("a group")
                || why.contains("does not fit in 32 bits")
                // javalite's array decoder reads varints of any length (ArrayDecoders.decodeVarint64 has no
                // bound); protobuf's encoding spec, its CodedInputStream and we stop at 10 bytes.
                || why.contains("longer than 10 bytes")
                || (why.contains("frame has no body") && lite.getBodyCase() == Frame.BodyCase.BODY_NOT_SET);
        assertTrue(protocolRule, "protoc accepts what we reject as malformed (" + why + "): " + lite);
        return -1;
    }

    static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(r.nextInt(4) == 0 ? 200 : 16)];
        r.nextBytes(b);
        return b;
    }

    static byte[] mutate(byte[] frame, List<byte[]> corpus, Random r) {
        byte[] b = frame;
        for (int k = 1 + r.nextInt(r.nextInt(5) == 0 ? 4 : 1); k > 0; k--) {
            b = mutateOnce(b, corpus, r);
        }
        return b;
    }

    private static byte[] mutateOnce(byte[] b, List<byte[]> corpus, Random r) {
        int p = b.length == 0 ? 0 : r.nextInt(b.length);
        switch (r.nextInt(10)) {
            case 0: { // bit flips
                byte[] out = b.clone();
                for (int i = 1 + r.nextInt(3); i > 0 && out.length > 0; i--) {
                    out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return out;
            }
            case 1: // truncation
                return Arrays.copyOf(b, r.nextInt(b.length + 1));
            case 2: { // splice: a prefix of one frame, a suffix of another
                byte[] o = corpus.get(r.nextInt(corpus.size()));
                int q = r.nextInt(o.length + 1);
                return Wire.concat(Arrays.copyOf(b, p), Arrays.copyOfRange(o, q, o.length));
            }
            case 3: { // a length (or any varint) inflated
                long[] big = {127, 128, 255, 16384, 1 << 21, Integer.MAX_VALUE, 1L << 31, 1L << 32, 1L << 35, 1L << 53,
                    (1L << 53) - 1, 1L << 56, Long.MAX_VALUE, -1L};
                return replace(b, p, 1, Wire.varint(big[r.nextInt(big.length)]));
            }
            case 4: { // overlong varint: 9 to 12 bytes
                int n = 8 + r.nextInt(4);
                byte[] v = new byte[n + 1];
                Arrays.fill(v, 0, n, (byte) (r.nextBoolean() ? 0xFF : 0x80));
                v[n] = (byte) r.nextInt(128);
                return replace(b, p, r.nextInt(2), v);
            }
            case 5: // a group start or end tag
                return replace(b, p, 0, Wire.tag(1 + r.nextInt(20), 3 + r.nextInt(2)));
            case 6: { // a field that is valid protobuf, unknown to the protocol
                return replace(b, p, 0, Wire.unknownField(r, r.nextInt(12)));
            }
            case 7: { // a byte deleted or duplicated
                return r.nextBoolean() || b.length == 0 ? replace(b, p, 1, new byte[0]) : replace(b, p, 0, new byte[] {b[p]});
            }
            case 8: { // a run repeated
                int len = r.nextInt(Math.min(b.length - p, 8) + 1);
                return replace(b, p, 0, Arrays.copyOfRange(b, p, p + len));
            }
            default: { // a random byte
                byte[] out = b.clone();
                if (out.length > 0) {
                    out[p] = (byte) r.nextInt(256);
                }
                return out;
            }
        }
    }

    /** {@code b} with {@code n} bytes at {@code p} replaced by {@code with}. */
    private static byte[] replace(byte[] b, int p, int n, byte[] with) {
        p = Math.min(p, b.length);
        n = Math.min(n, b.length - p);
        return Wire.concat(Arrays.copyOf(b, p), with, Arrays.copyOfRange(b, p + n, b.length));
    }

    @Test
    void aFrameOverTheLimitFailsBeforeAnyDecoding() {
        // Garbage from the first byte: had decoding started, this would be MALFORMED_FRAME.
        byte[] big = new byte[Limits.DEFAULT.maxFrameBytes + 1];
        Arrays.fill(big, (byte) 0xFF);
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.decode(big, Limits.DEFAULT));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code);
        assertTrue(e.getMessage().contains("1048577 bytes exceeds the 1048576-byte limit"), e.getMessage());

        // A frame of exactly the limit decodes; one byte more does not.
        int overhead = FrameCodec.encode(new Update(1, "d", new byte[Limits.DEFAULT.maxFrameBytes])).length
                - Limits.DEFAULT.maxFrameBytes;
        byte[] exact = FrameCodec.encode(new Update(1, "d", new byte[Limits.DEFAULT.maxFrameBytes - overhead]));
        assertEquals(Limits.DEFAULT.maxFrameBytes, exact.length);
        assertEquals(Update.FIELD_NUMBER, FrameCodec.decode(exact).fieldNumber());
        byte[] over = FrameCodec.encode(new Update(1, "d", new byte[Limits.DEFAULT.maxFrameBytes - overhead + 1]));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, assertThrows(ProtocolException.class, () -> FrameCodec.decode(over)).code);

        // Fast: no work proportional to the frame (16 MiB of it, 10,000 times).
        byte[] huge = new byte[16 << 20];
        long t0 = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            try {
                FrameCodec.decode(huge);
                fail("decoded a 16 MiB frame");
            } catch (ProtocolException x) {
                assertEquals(ErrorCode.LIMIT_EXCEEDED, x.code);
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2000, "10,000 rejections of a 16 MiB frame took " + ms + " ms");
    }
}
