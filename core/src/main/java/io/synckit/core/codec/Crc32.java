package io.synckit.core.codec;

/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial), in ints: {@code java.util.zip.CRC32} returns a long,
 * which TeaVM turns into a BigInt in JS. Detects every single-bit error and every burst up to 32 bits,
 * which is what the encodings' trailing checksum is for.
 */
public final class Crc32 {
    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private Crc32() {
    }

    public static int of(byte[] data, int from, int to) {
        int c = 0xFFFFFFFF;
        for (int i = from; i < to; i++) {
            c = TABLE[(c ^ data[i]) & 0xFF] ^ (c >>> 8);
        }
        return ~c;
    }
}
