package io.synckit.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random messages for the property tests: numbers spread over every varint length (up to 2^53-1 and
 * 2^31-1) with the edges, strings mixing ASCII, control, 2-, 3- and 4-byte UTF-8 (astral) characters,
 * empty and default fields often. Everything stays within {@link Limits#DEFAULT}.
 */
final class RandomMessages {
    static final double[] EDGES_53 = {0, 1, 127, 128, 16383, 16384, 2147483647.0, 2147483648.0, 4294967295.0,
        4294967296.0, 562949953421311.0, 562949953421312.0, 1125899906842623.0, 9007199254740990.0,
        9007199254740991.0};
    static final int[] EDGES_31 = {0, 1, 127, 128, 16383, 16384, 2097151, 2097152, 268435455, 268435456,
        Integer.MAX_VALUE};

    private RandomMessages() {
    }

    static Message random(int fieldNumber, Random r) {
        switch (fieldNumber) {
            case Hello.FIELD_NUMBER:
                return new Hello(uint32(r), uint64(r), string(r, 300), uint64(r), string(r, 30));
            case Welcome.FIELD_NUMBER:
                return new Welcome(uint32(r), uint64(r), uint32(r), uint32(r));
            case ErrorMessage.FIELD_NUMBER:
                return new ErrorMessage(enumValue(r, 10), string(r, 300), docId(r), uint64(r), r.nextBoolean());
            case Subscribe.FIELD_NUMBER: {
                List<DocSubscription> docs = new ArrayList<>();
                for (int i = r.nextInt(7); i > 0; i--) {
                    docs.add(new DocSubscription(docId(r), enumValue(r, 5), bytes(r)));
                }
                return new Subscribe(docs);
            }
            case Unsubscribe.FIELD_NUMBER: {
                List<String> ids = new ArrayList<>();
                for (int i = r.nextInt(7); i > 0; i--) {
                    ids.add(docId(r));
                }
                return new Unsubscribe(ids);
            }
            case SyncResponse.FIELD_NUMBER:
                return new SyncResponse(docId(r), bytes(r), bytes(r));
            case Update.FIELD_NUMBER:
                return new Update(uint64(r), docId(r), bytes(r));
            case Ack.FIELD_NUMBER:
                return new Ack(uint64(r));
            case Broadcast.FIELD_NUMBER:
                return new Broadcast(docId(r), bytes(r));
            case Ping.FIELD_NUMBER:
                return new Ping(uint64(r));
            case Pong.FIELD_NUMBER:
                return new Pong(uint64(r));
            default:
                throw new AssertionError("no Frame member " + fieldNumber);
        }
    }

    static double uint64(Random r) {
        int c = r.nextInt(10);
        if (c < 2) {
            return 0;
        }
        if (c < 4) {
            return EDGES_53[r.nextInt(EDGES_53.length)];
        }
        return Math.floor(r.nextDouble() * Math.pow(2, 1 + r.nextInt(53)));
    }

    static int uint32(Random r) {
        int c = r.nextInt(10);
        if (c < 2) {
            return 0;
        }
        if (c < 4) {
            return EDGES_31[r.nextInt(EDGES_31.length)];
        }
        return (int) Math.floor(r.nextDouble() * Math.pow(2, 1 + r.nextInt(31)));
    }

    /** Mostly known values; sometimes unknown ones, negative ones (10-byte varints) included. */
    static int enumValue(Random r, int known) {
        int c = r.nextInt(10);
        if (c < 7) {
            return r.nextInt(known);
        }
        if (c < 9) {
            return known + r.nextInt(1000);
        }
        return r.nextInt();
    }

    static String docId(Random r) {
        return string(r, 60); // at most 240 UTF-8 bytes: within the default 256
    }

    static String string(Random r, int maxChars) {
        if (r.nextInt(4) == 0) {
            return "";
        }
        int n = 1 + r.nextInt(r.nextInt(8) == 0 ? maxChars : Math.min(maxChars, 12));
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            int c = r.nextInt(10);
            if (c < 4) {
                sb.append((char) (0x20 + r.nextInt(0x5F)));
            } else if (c == 4) {
                sb.append((char) r.nextInt(0x20)); // control characters, NUL included
            } else if (c == 5) {
                sb.append((char) (0x80 + r.nextInt(0x800 - 0x80)));
            } else if (c <= 7) {
                int cp;
                do {
                    cp = 0x800 + r.nextInt(0x10000 - 0x800);
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                sb.append((char) cp);
            } else {
                sb.appendCodePoint(0x10000 + r.nextInt(0x110000 - 0x10000)); // astral: a surrogate pair
            }
        }
        return sb.toString();
    }

    static byte[] bytes(Random r) {
        if (r.nextInt(4) == 0) {
            return new byte[0];
        }
        byte[] b = new byte[r.nextInt(r.nextInt(8) == 0 ? 400 : 20) + 1];
        r.nextBytes(b);
        return b;
    }
}
