package io.synckit.web;

import io.synckit.bindings.JsBytes;
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
import java.util.LinkedHashMap;
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
            return JsBytes.toJs(CoreModule.writeJson(toMap(m)));
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

    private static Map<String, Object> toMap(Message m) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (m instanceof Hello) {
            Hello h = (Hello) m;
            o.put("type", "Hello");
            o.put("protocolVersion", (double) h.protocolVersion);
            o.put("replicaId", h.replicaId);
            o.put("token", h.token);
            o.put("resumeSeq", h.resumeSeq);
            o.put("client", h.client);
        } else if (m instanceof Welcome) {
            Welcome w = (Welcome) m;
            o.put("type", "Welcome");
            o.put("protocolVersion", (double) w.protocolVersion);
            o.put("ackedSeq", w.ackedSeq);
            o.put("heartbeatMillis", (double) w.heartbeatMillis);
            o.put("maxFrameBytes", (double) w.maxFrameBytes);
        } else if (m instanceof ErrorMessage) {
            ErrorMessage e = (ErrorMessage) m;
            o.put("type", "Error");
            o.put("code", (double) e.code);
            o.put("message", e.message);
            o.put("docId", e.docId);
            o.put("seq", e.seq);
            o.put("fatal", e.fatal);
        } else if (m instanceof Subscribe) {
            List<Object> docs = new ArrayList<>();
            for (DocSubscription d : ((Subscribe) m).docs) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("docId", d.docId);
                s.put("type", (double) d.type);
                s.put("stateVector", bytes(d.stateVector));
                docs.add(s);
            }
            o.put("type", "Subscribe");
            o.put("docs", docs);
        } else if (m instanceof Unsubscribe) {
            o.put("type", "Unsubscribe");
            o.put("docIds", new ArrayList<Object>(((Unsubscribe) m).docIds));
        } else if (m instanceof SyncResponse) {
            SyncResponse s = (SyncResponse) m;
            o.put("type", "SyncResponse");
            o.put("docId", s.docId);
            o.put("update", bytes(s.update));
            o.put("stateVector", bytes(s.stateVector));
        } else if (m instanceof Update) {
            Update u = (Update) m;
            o.put("type", "Update");
            o.put("seq", u.seq);
            o.put("docId", u.docId);
            o.put("data", bytes(u.data));
        } else if (m instanceof Ack) {
            o.put("type", "Ack");
            o.put("seq", ((Ack) m).seq);
        } else if (m instanceof Broadcast) {
            Broadcast b = (Broadcast) m;
            o.put("type", "Broadcast");
            o.put("docId", b.docId);
            o.put("data", bytes(b.data));
        } else if (m instanceof Ping) {
            o.put("type", "Ping");
            o.put("nonce", ((Ping) m).nonce);
        } else if (m instanceof Pong) {
            o.put("type", "Pong");
            o.put("nonce", ((Pong) m).nonce);
        }
        return o;
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

    private static Map<String, Object> bytes(byte[] b) {
        List<Object> list = new ArrayList<>(b.length);
        for (byte x : b) {
            list.add((double) (x & 0xFF));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("$bytes", list);
        return m;
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
