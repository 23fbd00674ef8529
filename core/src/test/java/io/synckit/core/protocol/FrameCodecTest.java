package io.synckit.core.protocol;

import static io.synckit.core.protocol.Messages.assertMessageEquals;
import static io.synckit.core.protocol.Wire.hex;
import static io.synckit.core.protocol.Wire.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed frames, and every way {@link FrameCodec#decode} can refuse one. */
class FrameCodecTest {
    private static final double MAX = 9007199254740991.0;

    // ---- encoding: bytes worked out by hand from the protobuf encoding rules ----

    @Test
    void encodesCanonicalBytes() {
        // Ping (Frame field 10, wire type 2: tag 0x52), length 2, nonce (field 1, varint: tag 0x08) = 1.
        assertEncodes("52020801", new Ping(1));
        // A body with every field at its default is still present: tag, length 0.
        assertEncodes("0a00", new Hello(0, 0, "", 0, ""));
        // Hello: protocol_version 1 (08 01), replica_id 300 (10 ac02), client (tag 0x2a, 15 bytes of ASCII).
        assertEncodes("0a16" + "0801" + "10ac02" + "2a0f" + hex("synckit-web/0.1".getBytes()),
                new Hello(1, 300, "", 0, "synckit-web/0.1"));
        // 2^53-1 is 53 one-bits: seven 0xff bytes and 0x0f.
        assertEncodes("4209" + "08ffffffffffffff0f", new Ack(MAX));
        // Error MALFORMED_FRAME, fatal (field 5 varint: tag 0x28).
        assertEncodes("1a04" + "0802" + "2801", new ErrorMessage(ErrorCode.MALFORMED_FRAME, "", "", 0, true));
        // A negative (unknown) enum is an int32 sign-extended to 64 bits: 10 bytes, as protobuf writes it.
        assertEncodes("2210" + "0a0e" + "0a0161" + "10ffffffffffffffffff01",
                new Subscribe(List.of(new DocSubscription("a", -1, new byte[0]))));
        // Repeated strings are written even when empty; "é" is c3 a9.
        assertEncodes("2a06" + "0a00" + "0a02c3a9", new Unsubscribe(List.of("", "é")));
        // An astral character (U+1F600) is 4 bytes of UTF-8, from a surrogate pair.
        assertEncodes("4a0a" + "0a04f09f9880" + "12020102", new Broadcast("\uD83D\uDE00", new byte[] {1, 2}));
        // Fields in number order: seq, doc_id, data.
        assertEncodes("3a08" + "0805" + "120164" + "1a0107", new Update(5, "d", new byte[] {7}));
        assertEncodes("3203" + "0a016b", new SyncResponse("k", new byte[0], new byte[0]));
        assertEncodes("1208" + "0801" + "10c801" + "18904e", new Welcome(1, 200, 10000, 0));
    }

    @Test
    void aBoolIsTheLow64BitsOfItsVarintAsProtocReadsIt() {
        // Found by FrameCodecFuzzTest (seed 19610207443955): in a 10-byte varint only bit 0 of the last
        // byte is inside 64 bits, so 0x1a there leaves the value 0 (false), 0x01 makes it 2^63 (true).
        ErrorMessage no = (ErrorMessage) FrameCodec.decode(Wire.unhex("1a0b28808080808080808080" + "1a"));
        assertEquals(false, no.fatal);
        ErrorMessage yes = (ErrorMessage) FrameCodec.decode(Wire.unhex("1a0b28808080808080808080" + "01"));
        assertEquals(true, yes.fatal);
    }

    @Test
    void unpairedSurrogatesAreWrittenAsReplacementCharacters() {
        Message m = new Broadcast("a\uD800b", new byte[0]);
        assertEquals("4a07" + "0a05" + "61efbfbd62", hex(FrameCodec.encode(m)));
        assertEquals("a\uFFFDb", ((Broadcast) FrameCodec.decode(FrameCodec.encode(m))).docId);
    }

    private static void assertEncodes(String hex, Message m) {
        assertEquals(hex, hex(FrameCodec.encode(m)), Messages.describe(m));
        assertMessageEquals(m, FrameCodec.decode(unhex(hex)));
    }

    // ---- decoding what protobuf allows beyond the canonical form ----

    @Test
    void readsFieldsInAnyOrder() {
        assertDecodes(new Update(5, "d", new byte[] {7}), "3a08" + "1a0107" + "120164" + "0805");
    }

    @Test
    void readsPaddedVarints() {
        assertDecodes(new Ack(1), "420b" + "08" + "81808080808080808000");
    }

    @Test
    void theLastValueOfARepeatedScalarWins() {
        assertDecodes(new Ack(2), "4204" + "0801" + "0802");
        assertDecodes(new Update(0, "b", new byte[0]), "3a06" + "120161" + "120162");
    }

    @Test
    void repeatedOccurrencesOfTheBodyMerge() {
        assertDecodes(new Update(5, "d", new byte[0]), "3a020805" + "3a03120164");
        assertDecodes(new Unsubscribe(List.of("a", "b")), "2a030a0161" + "2a030a0162");
    }

    @Test
    void theLastMemberWins() {
        assertDecodes(new Pong(2), "52020801" + "5a020802");
        assertDecodes(new Ping(0), "3a020805" + "5200"); // nothing of the Update survives
    }

    @Test
    void skipsUnknownFieldsOfEveryWireType() {
        String ping = "08" + "07" // nonce 7
                + "1896" + "01" // field 3, varint 150
                + "21" + "0102030405060708" // field 4, fixed64
                + "2a02" + "abcd" // field 5, length-delimited
                + "35" + "01020304" // field 6, fixed32
                + "f8ffffff0f" + "00"; // field 2^29-1 (a 5-byte tag), varint
        assertDecodes(new Ping(7), "62" + "00" + "52" + String.format("%02x", ping.length() / 2) + ping + "6001");
        // A known field number with an unexpected wire type is an unknown field too.
        assertDecodes(new Ping(0), "5207" + "0d" + "01020304" + "0800");
        assertDecodes(new Ping(1), "0801" + "52020801"); // Frame field 1 (hello) as a varint: unknown
    }

    @Test
    void unknownEnumValuesDecodeToTheirNumber() {
        assertDecodes(new ErrorMessage(42, "", "", 0, false), "1a02082a");
        assertDecodes(new Subscribe(List.of(new DocSubscription("", 99, new byte[0]))), "2204" + "0a02" + "1063");
        // Like protobuf, an enum keeps the low 32 bits of a longer varint.
        assertDecodes(new ErrorMessage(1, "", "", 0, false), "1a06" + "08" + "8180808010");
    }

    @Test
    void anyNonZeroVarintIsTrue() {
        assertDecodes(new ErrorMessage(0, "", "", 0, true), "1a03" + "28" + "8001");
    }

    private static void assertDecodes(Message expected, String hex) {
        assertMessageEquals(expected, FrameCodec.decode(unhex(hex)), hex);
    }

    // ---- malformed frames: code and a message that names the problem ----

    @Test
    void truncatedVarint() {
        assertMalformed("52020880", "ends at byte 4 while reading Ping.nonce");
        assertMalformed("5202", "length of Frame.ping at byte 1 is 2 bytes, past the end of the frame (0 bytes left)");
        assertMalformed("52", "while reading the length of Frame.ping");
        assertMalformed("80", "while reading a field tag");
    }

    @Test
    void lengthBeyondTheEnd() {
        assertMalformed("52050801", "past the end of the frame (2 bytes left)");
        assertMalformed("3a03" + "120564", "length of Update.doc_id at byte 3 is 5 bytes, past the end of the enclosing message");
        assertMalformed("3a06" + "2a05ffffffff", "length of unknown field 5");
        assertMalformed("52" + "8080808010", "does not fit in 32 bits");
    }

    @Test
    void badUtf8() {
        assertMalformed("3a04" + "1202c328", "Update.doc_id has malformed UTF-8 at byte 4"); // bad continuation
        assertMalformed("3a04" + "1202c0af", "malformed UTF-8"); // overlong '/'
        assertMalformed("3a05" + "1203eda080", "malformed UTF-8"); // an encoded surrogate
        assertMalformed("3a06" + "1204f4908080", "malformed UTF-8"); // above U+10FFFF
        assertMalformed("3a04" + "1202e282", "malformed UTF-8"); // sequence cut by the end of the string
        assertMalformed("3a03" + "1201ff", "malformed UTF-8");
        assertMalformed("0a03" + "1a0180", "Hello.token has malformed UTF-8"); // a lone continuation byte
        assertMalformed("2a03" + "0a01fe", "Unsubscribe.doc_ids has malformed UTF-8");
        assertMalformed("2205" + "0a03" + "0a01c1", "DocSubscription.doc_id has malformed UTF-8");
    }

    @Test
    void groupsAreRejected() {
        assertMalformed("53" + "54", "field 10 before byte 1 is a group (wire type 3)");
        assertMalformed("5204" + "0b" + "0801" + "0c", "groups are not used by the SyncKit protocol");
        assertMalformed("5201" + "0c", "is a group (wire type 4)");
    }

    @Test
    void undefinedWireTypesFieldZeroAndOverlongTagsAreRejected() {
        assertMalformed("0e", "wire type 6, which protobuf does not define");
        assertMalformed("5201" + "0f", "wire type 7");
        assertMalformed("0200", "field number 0 at byte 0");
        assertMalformed("8080808010", "field tag at byte 0 does not fit in 32 bits");
        assertMalformed("5203" + "08" + "ff" + "ff", "ends at byte 5 while reading Ping.nonce");
        assertMalformed("520c" + "08" + "ffffffffffffffffff" + "ff01", "varint at byte 3 is longer than 10 bytes");
    }

    @Test
    void numbersBeyondTheProtocolsRanges() {
        // 2^53: exact as a double, but not as a JS "safe" integer.
        assertMalformed("4209" + "08" + "8080808080808010",
                "Ack.seq at byte 3 is about 2^53, above 2^53-1, the largest uint64 this protocol allows");
        assertMalformed("420b" + "08" + "ffffffffffffffffff01", "Ack.seq at byte 3 is at least 2^56, above 2^53-1");
        assertMalformed("420b" + "08" + "80808080808080808001", "is at least 2^56"); // 2^63 alone
        assertMalformed("1206" + "18" + "8080808008", "Welcome.heartbeat_ms at byte 3 is 2147483648, above 2^31-1");
        assertMalformed("1206" + "08" + "ffffffff0f", "Welcome.protocol_version at byte 3 is 4294967295, above 2^31-1");
        assertDecodes(new Ack(MAX), "4209" + "08ffffffffffffff0f");
        assertDecodes(new Welcome(Integer.MAX_VALUE, 0, 0, 0), "1206" + "08ffffffff07");
    }

    @Test
    void framesWithoutABody() {
        assertMalformed("", "frame has no body");
        assertMalformed("6001" + "6200", "frame has no body"); // only field 12, reserved for presence
        assertMalformed("0801", "frame has no body"); // hello with the wrong wire type is unknown
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.decode(null));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code);
    }

    private static void assertMalformed(String hex, String expected) {
        assertFails(hex, Limits.DEFAULT, ErrorCode.MALFORMED_FRAME, expected);
    }

    // ---- limits ----

    @Test
    void limits() {
        String frame = hex(FrameCodec.encode(new Update(1, "x".repeat(256), new byte[0])));
        assertMessageEquals(new Update(1, "x".repeat(256), new byte[0]), FrameCodec.decode(unhex(frame)));
        assertLimit(hex(FrameCodec.encode(new Update(1, "x".repeat(257), new byte[0]))), Limits.DEFAULT,
                "Update.doc_id at byte 6 is 257 bytes, over the 256-byte limit (Limits.maxDocIdBytes)");
        // UTF-8 bytes count, not characters: 100 astral characters are 400 bytes.
        assertLimit(hex(FrameCodec.encode(new Broadcast("\uD83D\uDE00".repeat(100), new byte[0]))), Limits.DEFAULT,
                "Broadcast.doc_id at byte 4 is 400 bytes, over the 256-byte limit");
        assertLimit(hex(FrameCodec.encode(new Hello(1, 1, "t".repeat(8193), 0, ""))), Limits.DEFAULT,
                "Hello.token at byte 8 is 8193 bytes, over the 8192-byte limit (Limits.maxTokenBytes)");
        assertLimit(hex(FrameCodec.encode(new ErrorMessage(9, "m".repeat(4097), "", 0, false))), Limits.DEFAULT,
                "Error.message at byte 6 is 4097 bytes, over the 4096-byte limit (Limits.maxStringBytes)");
        assertLimit(hex(FrameCodec.encode(new Hello(1, 1, "", 0, "c".repeat(11)))), Limits.DEFAULT.withMaxStringBytes(10),
                "Hello.client at byte 7 is 11 bytes, over the 10-byte limit");
        assertLimit(hex(FrameCodec.encode(new Unsubscribe(List.of("a", "b", "c")))), Limits.DEFAULT.withMaxDocs(2),
                "Unsubscribe.doc_ids has more than 2 entries (Limits.maxDocs)");
        // The count is over the merged message, however many occurrences carry it.
        assertLimit("2a030a0161" + "2a030a0162" + "2a030a0163", Limits.DEFAULT.withMaxDocs(2), "has more than 2 entries");
        String subscribe = hex(FrameCodec.encode(new Subscribe(List.of(new DocSubscription("a", 1, new byte[0])))));
        assertLimit(subscribe, Limits.DEFAULT.withMaxDepth(2),
                "Subscribe.docs is nested 3 messages deep, more than the limit of 2 (Limits.maxDepth)");
        assertLimit("52020801", Limits.DEFAULT.withMaxDepth(1), "Frame.ping is nested 2 messages deep");
        assertLimit("52020801", Limits.DEFAULT.withMaxFrameBytes(3),
                "frame of 4 bytes exceeds the 3-byte limit (Limits.maxFrameBytes); split the update");
        // 1,000 docs pass by default, 1,001 do not.
        String[] ids = new String[1001];
        Arrays.fill(ids, "");
        assertEquals(1000, ((Unsubscribe) FrameCodec.decode(FrameCodec.encode(
                new Unsubscribe(Arrays.asList(ids).subList(0, 1000))))).docIds.size());
        assertLimit(hex(FrameCodec.encode(new Unsubscribe(Arrays.asList(ids)))), Limits.DEFAULT,
                "Unsubscribe.doc_ids has more than 1000 entries");
    }

    @Test
    void aMalformedLengthIsReportedBeforeALimit() {
        // 300 bytes announced, 1 present: the frame is broken, whatever the limit says.
        assertFails("3a04" + "12ac0264", Limits.DEFAULT, ErrorCode.MALFORMED_FRAME, "past the end of the enclosing message");
    }

    private static void assertLimit(String hex, Limits limits, String expected) {
        assertFails(hex, limits, ErrorCode.LIMIT_EXCEEDED, expected);
    }

    private static void assertFails(String hex, Limits limits, int code, String expected) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.decode(unhex(hex), limits),
                "decoding " + hex);
        assertEquals(ErrorCode.name(code), ErrorCode.name(e.code), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected \"" + expected + "\" in: " + e.getMessage());
    }

    // ---- the message classes ----

    @Test
    void constructorsRejectWhatCannotBeEncoded() {
        for (double bad : new double[] {-1, 1.5, MAX + 1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new Ack(bad));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Update(MAX + 1, "", new byte[0]));
        assertEquals("Update.seq must be an integer from 0 to 2^53-1, got about 2^53", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Welcome(-1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Hello(1, 1, null, 0, ""));
        assertThrows(IllegalArgumentException.class, () -> new Broadcast("", null));
        assertThrows(IllegalArgumentException.class, () -> new Unsubscribe(Arrays.asList("a", null)));
        assertThrows(IllegalArgumentException.class, () -> new Subscribe(null));
        assertThrows(IllegalArgumentException.class, () -> FrameCodec.encode(null));
        assertThrows(IllegalArgumentException.class, () -> new Limits(0, 1, 1, 1, 1, 1));
    }

    @Test
    void listsAreCopiedAndUnmodifiable() {
        java.util.ArrayList<String> ids = new java.util.ArrayList<>(List.of("a"));
        Unsubscribe u = new Unsubscribe(ids);
        ids.add("b");
        assertEquals(List.of("a"), u.docIds);
        assertThrows(UnsupportedOperationException.class, () -> u.docIds.add("c"));
    }

    @Test
    void describeWritesIntegersAndNames() {
        assertEquals("Hello{protocolVersion=1, replicaId=9007199254740991, token=\"t\", resumeSeq=0, client=\"c\"}",
                Messages.describe(new Hello(1, MAX, "t", 0, "c")));
        assertEquals("ErrorMessage{code=LIMIT_EXCEEDED, message=\"\", docId=\"d\", seq=4294967296, fatal=false}",
                Messages.describe(new ErrorMessage(5, "", "d", 4294967296.0, false)));
        assertEquals("Subscribe{docs=[DocSubscription{docId=\"a\", type=TEXT, stateVector=[0aff]}]}",
                Messages.describe(new Subscribe(List.of(new DocSubscription("a", DocType.TEXT, new byte[] {10, -1})))));
        assertEquals("Ping{nonce=77}", Messages.describe(new Ping(77)));
        assertEquals("42", ErrorCode.name(42));
    }

    @Test
    void equalMessagesHaveEqualHashCodes() {
        Message a = new SyncResponse("d", new byte[] {1}, new byte[] {2});
        Message b = new SyncResponse("d", new byte[] {1}, new byte[] {2});
        assertMessageEquals(a, b);
        assertEquals(Messages.hash(a), Messages.hash(b));
        assertTrue(!Messages.equal(a, new SyncResponse("d", new byte[] {1}, new byte[] {3})));
        assertTrue(!Messages.equal(new Ping(1), new Pong(1)));
        assertTrue(!Messages.equal(new Ping(1), new Ping(2)));
        assertTrue(!Messages.equal(new Subscribe(List.of(new DocSubscription("a", 1, new byte[0]))),
                new Subscribe(List.of(new DocSubscription("a", 2, new byte[0])))));
        assertArrayEquals(FrameCodec.encode(a), FrameCodec.encode(b));
    }
}
