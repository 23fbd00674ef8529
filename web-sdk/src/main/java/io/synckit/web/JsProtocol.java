package io.synckit.web;

import io.synckit.bindings.JsBytes;
import io.synckit.core.codec.Writer;
import io.synckit.core.json.Json;
import io.synckit.core.protocol.Ack;
import io.synckit.core.protocol.Broadcast;
import io.synckit.core.protocol.DocSubscription;
import io.synckit.core.protocol.ErrorMessage;
import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Hello;
import io.synckit.core.protocol.Limits;
import io.synckit.core.protocol.Message;
import io.synckit.core.protocol.Ping;
import io.synckit.core.protocol.Pong;
import io.synckit.core.protocol.Subscribe;
import io.synckit.core.protocol.SyncResponse;
import io.synckit.core.protocol.Unsubscribe;
import io.synckit.core.protocol.Update;
import io.synckit.core.protocol.Welcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.teavm.jso.JSClass;
import org.teavm.jso.JSExport;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * The wire codec as the engine class {@code Protocol}: a frame to a plain object and back, with the
 * same field names as the Java API and bytes as {@code {"$bytes": [...]}} (values cross as binary
 * JSON). For tools and tests (the protocol test vectors run through it in JS and wasm-gc); the sync
 * engine itself uses {@link FrameCodec} directly.
 */
@JSClass(name = "Protocol")
public final class JsProtocol {
    private JsProtocol() {
    }

    /** Decodes a frame; {@code limits}: binary JSON object overriding Limits.DEFAULT fields (or empty). */
    @JSExport
    public static Int8Array decode(Int8Array frame, Int8Array limits) {
        try {
            Message m = FrameCodec.decode(JsBytes.fromJs(frame), limits(CoreModule.readJson(JsBytes.fromJs(limits))));
            Writer w = new Writer();
            write(w, m);
            return JsBytes.toJs(w.toByteArray());
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public static Int8Array encode(Int8Array message) {
        try {
            Object v = CoreModule.readJson(JsBytes.fromJs(message));
            if (!(v instanceof Map)) {
                throw new IllegalArgumentException("encodeFrame takes a message object with a type");
            }
            return JsBytes.toJs(FrameCodec.encode(fromMap((Map<?, ?>) v)));
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    private static Limits limits(Object o) {
        Limits l = Limits.DEFAULT;
        if (o instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) o;
            l = l.withMaxFrameBytes(intOr(m, "maxFrameBytes", l.maxFrameBytes))
                    .withMaxDocIdBytes(intOr(m, "maxDocIdBytes", l.maxDocIdBytes))
                    .withMaxTokenBytes(intOr(m, "maxTokenBytes", l.maxTokenBytes))
                    .withMaxStringBytes(intOr(m, "maxStringBytes", l.maxStringBytes))
                    .withMaxDocs(intOr(m, "maxDocs", l.maxDocs))
                    .withMaxDepth(intOr(m, "maxDepth", l.maxDepth));
        }
        return l;
    }

    private static int intOr(Map<?, ?> m, String key, int fallback) {
        Object v = m.get(key);
        return v instanceof Double ? (int) (double) (Double) v : fallback;
    }

    /**
     * Writes {@code m} as a binary JSON object straight into {@code w} (no Map per message): "type"
     * first, then the fields in proto order, as {@code fromMap} reads them.
     */
    private static void write(Writer w, Message m) {
        switch (m.fieldNumber()) {
            case Hello.FIELD_NUMBER: {
                Hello h = (Hello) m;
                start(w, 6, "Hello");
                num(w, "protocolVersion", h.protocolVersion);
                num(w, "replicaId", h.replicaId);
                put(w, "token", h.token);
                num(w, "resumeSeq", h.resumeSeq);
                put(w, "client", h.client);
                break;
            }
            case Welcome.FIELD_NUMBER: {
                Welcome v = (Welcome) m;
                start(w, 5, "Welcome");
                num(w, "protocolVersion", v.protocolVersion);
                num(w, "ackedSeq", v.ackedSeq);
                num(w, "heartbeatMillis", v.heartbeatMillis);
                num(w, "maxFrameBytes", v.maxFrameBytes);
                break;
            }
            case ErrorMessage.FIELD_NUMBER: {
                ErrorMessage e = (ErrorMessage) m;
                start(w, 6, "Error");
                num(w, "code", e.code);
                put(w, "message", e.message);
                put(w, "docId", e.docId);
                num(w, "seq", e.seq);
                put(w, "fatal", e.fatal);
                break;
            }
            case Subscribe.FIELD_NUMBER: {
                List<DocSubscription> docs = ((Subscribe) m).docs;
                start(w, 2, "Subscribe");
                w.writeString("docs");
                Json.writeArrayStart(w, docs.size());
                for (DocSubscription d : docs) {
                    Json.writeObjectStart(w, 3);
                    put(w, "docId", d.docId);
                    num(w, "type", d.type);
                    bytes(w, "stateVector", d.stateVector);
                }
                break;
            }
            case Unsubscribe.FIELD_NUMBER: {
                start(w, 2, "Unsubscribe");
                put(w, "docIds", ((Unsubscribe) m).docIds);
                break;
            }
            case SyncResponse.FIELD_NUMBER: {
                SyncResponse s = (SyncResponse) m;
                start(w, 4, "SyncResponse");
                put(w, "docId", s.docId);
                bytes(w, "update", s.update);
                bytes(w, "stateVector", s.stateVector);
                break;
            }
            case Update.FIELD_NUMBER: {
                Update u = (Update) m;
                start(w, 4, "Update");
                num(w, "seq", u.seq);
                put(w, "docId", u.docId);
                bytes(w, "data", u.data);
                break;
            }
            case Ack.FIELD_NUMBER:
                start(w, 2, "Ack");
                num(w, "seq", ((Ack) m).seq);
                break;
            case Broadcast.FIELD_NUMBER: {
                Broadcast b = (Broadcast) m;
                start(w, 3, "Broadcast");
                put(w, "docId", b.docId);
                bytes(w, "data", b.data);
                break;
            }
            case Ping.FIELD_NUMBER:
                start(w, 2, "Ping");
                num(w, "nonce", ((Ping) m).nonce);
                break;
            default:
                start(w, 2, "Pong");
                num(w, "nonce", ((Pong) m).nonce);
                break;
        }
    }

    private static void start(Writer w, int entries, String type) {
        Json.writeObjectStart(w, entries);
        put(w, "type", type);
    }

    private static void put(Writer w, String key, Object value) {
        w.writeString(key);
        Json.write(w, value);
    }

    private static void num(Writer w, String key, double value) {
        put(w, key, value);
    }

    /** Bytes as {"$bytes": [0..255, ...]}. */
    private static void bytes(Writer w, String key, byte[] b) {
        w.writeString(key);
        Json.writeObjectStart(w, 1);
        w.writeString("$bytes");
        Json.writeArrayStart(w, b.length);
        for (byte x : b) {
            Json.write(w, (double) (x & 0xFF));
        }
    }

    private static Message fromMap(Map<?, ?> o) {
        String type = str(o, "type");
        switch (type) {
            case "Hello":
                return new Hello(integer(o, "protocolVersion"), num(o, "replicaId"), str(o, "token"), num(o, "resumeSeq"), str(o, "client"));
            case "Welcome":
                return new Welcome(integer(o, "protocolVersion"), num(o, "ackedSeq"), integer(o, "heartbeatMillis"), integer(o, "maxFrameBytes"));
            case "Error":
                return new ErrorMessage(integer(o, "code"), str(o, "message"), str(o, "docId"), num(o, "seq"), Boolean.TRUE.equals(o.get("fatal")));
            case "Subscribe": {
                List<DocSubscription> docs = new ArrayList<>();
                for (Object d : list(o, "docs")) {
                    Map<?, ?> s = (Map<?, ?>) d;
                    docs.add(new DocSubscription(str(s, "docId"), integer(s, "type"), bytes(s, "stateVector")));
                }
                return new Subscribe(docs);
            }
            case "Unsubscribe": {
                List<String> ids = new ArrayList<>();
                for (Object d : list(o, "docIds")) {
                    ids.add((String) d);
                }
                return new Unsubscribe(ids);
            }
            case "SyncResponse":
                return new SyncResponse(str(o, "docId"), bytes(o, "update"), bytes(o, "stateVector"));
            case "Update":
                return new Update(num(o, "seq"), str(o, "docId"), bytes(o, "data"));
            case "Ack":
                return new Ack(num(o, "seq"));
            case "Broadcast":
                return new Broadcast(str(o, "docId"), bytes(o, "data"));
            case "Ping":
                return new Ping(num(o, "nonce"));
            case "Pong":
                return new Pong(num(o, "nonce"));
            default:
                throw new IllegalArgumentException("unknown message type " + type);
        }
    }

    private static byte[] bytes(Map<?, ?> o, String key) {
        Object v = o.get(key);
        if (!(v instanceof Map) || !(((Map<?, ?>) v).get("$bytes") instanceof List)) {
            return new byte[0];
        }
        List<?> list = (List<?>) ((Map<?, ?>) v).get("$bytes");
        byte[] out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (double) (Double) list.get(i);
        }
        return out;
    }

    private static String str(Map<?, ?> o, String key) {
        Object v = o.get(key);
        return v instanceof String ? (String) v : "";
    }

    private static double num(Map<?, ?> o, String key) {
        Object v = o.get(key);
        return v instanceof Double ? (Double) v : 0;
    }

    private static int integer(Map<?, ?> o, String key) {
        return (int) num(o, key);
    }

    private static List<?> list(Map<?, ?> o, String key) {
        Object v = o.get(key);
        return v instanceof List ? (List<?>) v : new ArrayList<>();
    }
}
