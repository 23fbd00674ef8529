package io.synckit.core.protocol;

import static io.synckit.core.protocol.Messages.assertMessageEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.synckit.proto.v1.Frame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs {@code vectors/protocol.json} on the JVM (format: docs/test-vectors.md). A frame decodes to its
 * message (and, if canonical, the message encodes to exactly its bytes), protoc's classes read it as the
 * same message; a malformed frame fails with its error code. The same file is meant for the JS and wasm
 * builds once the engine exports the codec.
 */
class ProtocolVectorsTest {
    static final Path FILE = Paths.get("src/test/resources/vectors/protocol.json");

    @TestFactory
    Stream<DynamicNode> protocolVectors() throws IOException {
        JsonObject suite = JsonParser.parseString(Files.readString(FILE, StandardCharsets.UTF_8)).getAsJsonObject();
        List<DynamicTest> frames = new ArrayList<>();
        for (JsonElement e : suite.getAsJsonArray("frames")) {
            JsonObject v = e.getAsJsonObject();
            frames.add(DynamicTest.dynamicTest(v.get("name").getAsString(), () -> frame(v)));
        }
        List<DynamicTest> malformed = new ArrayList<>();
        for (JsonElement e : suite.getAsJsonArray("malformed")) {
            JsonObject v = e.getAsJsonObject();
            malformed.add(DynamicTest.dynamicTest(v.get("name").getAsString(), () -> malformed(v)));
        }
        assertTrue(frames.size() >= 20 && malformed.size() >= 20, "protocol.json lost its vectors");
        return Stream.of(DynamicContainer.dynamicContainer("frames", frames),
                DynamicContainer.dynamicContainer("malformed", malformed));
    }

    static void frame(JsonObject v) throws Exception {
        byte[] bytes = Wire.unhex(v.get("hex").getAsString());
        JsonObject expected = v.getAsJsonObject("message");
        Message decoded = FrameCodec.decode(bytes);
        assertEquals(normalize(expected), normalize(toJson(decoded)));
        assertMessageEquals(fromJson(expected), decoded);
        assertMessageEquals(decoded, Lite.fromLite(Frame.parseFrom(bytes)), "protoc reads the vector as another message");
        if (v.get("canonical").getAsBoolean()) {
            assertEquals(v.get("hex").getAsString(), Wire.hex(FrameCodec.encode(fromJson(expected))));
        }
    }

    static void malformed(JsonObject v) {
        Limits limits = Limits.DEFAULT;
        if (v.has("limits")) {
            JsonObject l = v.getAsJsonObject("limits");
            for (String k : l.keySet()) {
                int n = l.get(k).getAsInt();
                switch (k) {
                    case "maxFrameBytes" -> limits = limits.withMaxFrameBytes(n);
                    case "maxDocIdBytes" -> limits = limits.withMaxDocIdBytes(n);
                    case "maxTokenBytes" -> limits = limits.withMaxTokenBytes(n);
                    case "maxStringBytes" -> limits = limits.withMaxStringBytes(n);
                    case "maxDocs" -> limits = limits.withMaxDocs(n);
                    case "maxDepth" -> limits = limits.withMaxDepth(n);
                    default -> throw new AssertionError("unknown limit " + k);
                }
            }
        }
        Limits l = limits;
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> FrameCodec.decode(Wire.unhex(v.get("hex").getAsString()), l));
        assertEquals(v.get("error").getAsString(), ErrorCode.name(e.code), e.getMessage());
    }

    /** The vector's JSON form of a message: the .proto message name as type, the API's field names. */
    static JsonObject toJson(Message m) {
        JsonObject o = new JsonObject();
        if (m instanceof Hello h) {
            o.addProperty("type", "Hello");
            o.addProperty("protocolVersion", h.protocolVersion);
            o.addProperty("replicaId", h.replicaId);
            o.addProperty("token", h.token);
            o.addProperty("resumeSeq", h.resumeSeq);
            o.addProperty("client", h.client);
        } else if (m instanceof Welcome w) {
            o.addProperty("type", "Welcome");
            o.addProperty("protocolVersion", w.protocolVersion);
            o.addProperty("ackedSeq", w.ackedSeq);
            o.addProperty("heartbeatMillis", w.heartbeatMillis);
            o.addProperty("maxFrameBytes", w.maxFrameBytes);
        } else if (m instanceof ErrorMessage e) {
            o.addProperty("type", "Error");
            o.addProperty("code", e.code);
            o.addProperty("message", e.message);
            o.addProperty("docId", e.docId);
            o.addProperty("seq", e.seq);
            o.addProperty("fatal", e.fatal);
        } else if (m instanceof Subscribe s) {
            o.addProperty("type", "Subscribe");
            JsonArray docs = new JsonArray();
            for (DocSubscription d : s.docs) {
                JsonObject j = new JsonObject();
                j.addProperty("docId", d.docId);
                j.addProperty("type", d.type);
                j.add("stateVector", bytes(d.stateVector));
                docs.add(j);
            }
            o.add("docs", docs);
        } else if (m instanceof Unsubscribe u) {
            o.addProperty("type", "Unsubscribe");
            JsonArray ids = new JsonArray();
            u.docIds.forEach(ids::add);
            o.add("docIds", ids);
        } else if (m instanceof SyncResponse s) {
            o.addProperty("type", "SyncResponse");
            o.addProperty("docId", s.docId);
            o.add("update", bytes(s.update));
            o.add("stateVector", bytes(s.stateVector));
        } else if (m instanceof Update u) {
            o.addProperty("type", "Update");
            o.addProperty("seq", u.seq);
            o.addProperty("docId", u.docId);
            o.add("data", bytes(u.data));
        } else if (m instanceof Ack a) {
            o.addProperty("type", "Ack");
            o.addProperty("seq", a.seq);
        } else if (m instanceof Broadcast b) {
            o.addProperty("type", "Broadcast");
            o.addProperty("docId", b.docId);
            o.add("data", bytes(b.data));
        } else if (m instanceof Ping p) {
            o.addProperty("type", "Ping");
            o.addProperty("nonce", p.nonce);
        } else if (m instanceof Pong p) {
            o.addProperty("type", "Pong");
            o.addProperty("nonce", p.nonce);
        }
        return o;
    }

    static Message fromJson(JsonObject o) {
        switch (o.get("type").getAsString()) {
            case "Hello":
                return new Hello(o.get("protocolVersion").getAsInt(), num(o, "replicaId"), str(o, "token"),
                        num(o, "resumeSeq"), str(o, "client"));
            case "Welcome":
                return new Welcome(o.get("protocolVersion").getAsInt(), num(o, "ackedSeq"),
                        o.get("heartbeatMillis").getAsInt(), o.get("maxFrameBytes").getAsInt());
            case "Error":
                return new ErrorMessage(o.get("code").getAsInt(), str(o, "message"), str(o, "docId"), num(o, "seq"),
                        o.get("fatal").getAsBoolean());
            case "Subscribe": {
                List<DocSubscription> docs = new ArrayList<>();
                for (JsonElement e : o.getAsJsonArray("docs")) {
                    JsonObject d = e.getAsJsonObject();
                    docs.add(new DocSubscription(str(d, "docId"), d.get("type").getAsInt(), bytes(d, "stateVector")));
                }
                return new Subscribe(docs);
            }
            case "Unsubscribe": {
                List<String> ids = new ArrayList<>();
                o.getAsJsonArray("docIds").forEach(e -> ids.add(e.getAsString()));
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
                throw new AssertionError("unknown message type " + o.get("type"));
        }
    }

    private static double num(JsonObject o, String k) {
        return o.get(k).getAsDouble();
    }

    private static String str(JsonObject o, String k) {
        return o.get(k).getAsString();
    }

    private static byte[] bytes(JsonObject o, String k) {
        JsonArray a = o.getAsJsonObject(k).getAsJsonArray("$bytes");
        byte[] b = new byte[a.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) a.get(i).getAsInt();
        }
        return b;
    }

    private static JsonObject bytes(byte[] b) {
        JsonArray a = new JsonArray();
        for (byte x : b) {
            a.add(x & 0xFF);
        }
        JsonObject o = new JsonObject();
        o.add("$bytes", a);
        return o;
    }

    /** Numbers as doubles, so 1 and 1.0 compare equal. */
    private static JsonElement normalize(JsonElement e) {
        if (e.isJsonObject()) {
            JsonObject out = new JsonObject();
            e.getAsJsonObject().keySet().stream().sorted().forEach(k -> out.add(k, normalize(e.getAsJsonObject().get(k))));
            return out;
        }
        if (e.isJsonArray()) {
            JsonArray out = new JsonArray();
            e.getAsJsonArray().forEach(x -> out.add(normalize(x)));
            return out;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return new JsonPrimitive(e.getAsDouble());
        }
        return e;
    }
}
