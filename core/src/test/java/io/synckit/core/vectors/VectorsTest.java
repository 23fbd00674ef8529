package io.synckit.core.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.synckit.core.error.ErrorCodes;
import io.synckit.core.counter.PnCounter;
import io.synckit.core.json.Json;
import io.synckit.core.lww.LwwDoc;
import io.synckit.core.order.FractionalIndex;
import io.synckit.core.set.OrSet;
import io.synckit.core.text.TextDoc;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the shared test vectors ({@code src/test/resources/vectors/*.json}) against core on the JVM.
 * The same files run against the JS and wasm-gc builds through the npm package's public API
 * ({@code js-dist/test/vector-runner.js}), so a vector pins one behaviour in all three runtimes.
 *
 * <p>A vector calls methods by their JS names; here they resolve by reflection to the core class of
 * the same name (a JS property {@code x.size} reads {@code size()}). Adding a core type means adding
 * one line to {@link #TYPES} and a vectors file. Format: see {@code docs/test-vectors.md}.
 */
class VectorsTest {
    /** JS class name -> constructor from the JS options object. */
    static final Map<String, Function<JsonObject, Object>> TYPES = Map.of(
            "LwwDoc", o -> {
                double t = o.has("fixedTime") ? o.get("fixedTime").getAsDouble() : 1_700_000_000_000.0;
                return o.has("maxClockSkewMs")
                        ? new LwwDoc(o.get("replicaId").getAsDouble(), () -> t, o.get("maxClockSkewMs").getAsDouble())
                        : new LwwDoc(o.get("replicaId").getAsDouble(), () -> t);
            },
            "Counter", o -> new PnCounter(o.get("replicaId").getAsDouble()),
            "OrSet", o -> new OrSet(o.get("replicaId").getAsDouble()),
            "TextDoc", o -> new TextDoc(o.get("replicaId").getAsDouble()));

    /** JS name -> class, for static functions such as FractionalIndex.between. */
    static final Map<String, Class<?>> STATICS = Map.of("FractionalIndex", FractionalIndex.class);

    static final Path DIR = Paths.get("src/test/resources/vectors");

    @TestFactory
    Stream<DynamicNode> vectors() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(!files.isEmpty(), "no vector files in " + DIR.toAbsolutePath());
        List<DynamicNode> suites = new ArrayList<>();
        for (Path file : files) {
            JsonObject suite = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            List<DynamicTest> tests = new ArrayList<>();
            for (JsonElement v : suite.getAsJsonArray("vectors")) {
                JsonObject vector = v.getAsJsonObject();
                tests.add(DynamicTest.dynamicTest(vector.get("name").getAsString(), () -> run(vector)));
            }
            suites.add(DynamicContainer.dynamicContainer(file.getFileName().toString(), tests));
        }
        return suites.stream();
    }

    static void run(JsonObject vector) throws Exception {
        Map<String, Object> vars = new HashMap<>();
        int i = 0;
        for (JsonElement e : vector.getAsJsonArray("steps")) {
            JsonObject step = e.getAsJsonObject();
            String where = "step " + i++ + " " + step;
            Object result;
            String thrown = null;
            try {
                result = perform(step, vars);
            } catch (InvocationTargetException ex) {
                thrown = ErrorCodes.of(ex.getCause());
                result = ex.getCause();
            } catch (RuntimeException ex) {
                thrown = ErrorCodes.of(ex);
                result = ex;
            }
            if (step.has("throws")) {
                assertEquals(step.get("throws").getAsString(), thrown, where + ": expected an error");
                continue;
            }
            if (thrown != null) {
                fail(where + ": unexpected " + thrown, (Throwable) result);
            }
            if (step.has("save")) {
                vars.put(step.get("save").getAsString(), result);
            }
            if (step.has("new")) {
                vars.put(step.get("new").getAsString(), result);
            }
            if (step.has("expect")) {
                assertEquals(normalize(resolve(step.get("expect"), vars)), normalize(result), where);
            }
        }
    }

    private static Object perform(JsonObject step, Map<String, Object> vars) throws Exception {
        if (step.has("new")) {
            String type = step.get("type").getAsString();
            Function<JsonObject, Object> factory = TYPES.get(type);
            if (factory == null) {
                throw new AssertionError("unknown type " + type + "; register it in VectorsTest.TYPES");
            }
            return factory.apply(step.has("options") ? step.getAsJsonObject("options") : new JsonObject());
        }
        boolean property = step.has("get");
        String[] target = (property ? step.get("get") : step.get("call")).getAsString().split("\\.", 2);
        Object receiver = vars.get(target[0]);
        Class<?> type = receiver != null ? receiver.getClass() : STATICS.get(target[0]);
        if (type == null) {
            throw new AssertionError("no object or type named " + target[0]);
        }
        JsonArray args = step.has("args") ? step.getAsJsonArray("args") : new JsonArray();
        Object[] resolved = new Object[args.size()];
        for (int a = 0; a < resolved.length; a++) {
            resolved[a] = resolve(args.get(a), vars);
        }
        // Overloads (set(String, Object) / set(String[], Object)): the first whose parameters accept
        // the arguments, trying specific parameter types before Object.
        List<Method> candidates = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(target[1]) && m.getParameterCount() == resolved.length
                    && java.lang.reflect.Modifier.isStatic(m.getModifiers()) == (receiver == null)) {
                candidates.add(m);
            }
        }
        candidates.sort((x, y) -> Long.compare(objectParams(x), objectParams(y)));
        for (Method m : candidates) {
            Object[] javaArgs = new Object[resolved.length];
            boolean ok = true;
            for (int a = 0; a < resolved.length && ok; a++) {
                javaArgs[a] = toJava(resolved[a], m.getParameterTypes()[a]);
                ok = javaArgs[a] != NO;
            }
            if (ok) {
                return m.invoke(receiver, javaArgs);
            }
        }
        throw new AssertionError(type.getSimpleName() + " has no public method " + target[1]
                + " accepting " + args);
    }

    private static long objectParams(Method m) {
        return java.util.Arrays.stream(m.getParameterTypes()).filter(t -> t == Object.class).count();
    }

    /** Marks an argument a parameter type cannot take. */
    private static final Object NO = new Object();

    /** Replaces {"$ref": name} by the saved value and {"$bytes": [...]} by a byte[]. */
    private static Object resolve(JsonElement e, Map<String, Object> vars) {
        if (e.isJsonObject() && e.getAsJsonObject().has("$ref")) {
            return vars.get(e.getAsJsonObject().get("$ref").getAsString());
        }
        if (e.isJsonObject() && e.getAsJsonObject().has("$bytes")) {
            JsonArray arr = e.getAsJsonObject().getAsJsonArray("$bytes");
            byte[] b = new byte[arr.size()];
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) arr.get(k).getAsInt();
            }
            return b;
        }
        return e;
    }

    /** Converts a JSON argument to a parameter type, or returns {@link #NO}. */
    private static Object toJava(Object v, Class<?> type) {
        if (!(v instanceof JsonElement)) {
            return type.isInstance(v) ? v : NO;
        }
        JsonElement e = (JsonElement) v;
        if (type == Object.class) {
            return toJsonModel(e);
        }
        if (e.isJsonNull()) {
            return type.isPrimitive() ? NO : null;
        }
        if (type == String.class) {
            return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : NO;
        }
        if (type == String[].class) {
            if (!e.isJsonArray()) {
                return NO;
            }
            String[] out = new String[e.getAsJsonArray().size()];
            for (int i = 0; i < out.length; i++) {
                JsonElement x = e.getAsJsonArray().get(i);
                if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) {
                    return NO;
                }
                out[i] = x.getAsString();
            }
            return out;
        }
        if (type == Map.class) {
            return e.isJsonObject() ? toJsonModel(e) : NO;
        }
        boolean number = e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
        if (type == int.class) {
            return number ? (Object) e.getAsInt() : NO;
        }
        if (type == double.class) {
            return number ? (Object) e.getAsDouble() : NO;
        }
        if (type == boolean.class) {
            return e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() ? (Object) e.getAsBoolean() : NO;
        }
        throw new AssertionError("no conversion from JSON to " + type.getName() + "; extend VectorsTest.toJava");
    }

    /** Gson tree -> core's JSON model (see {@link Json}). */
    static Object toJsonModel(JsonElement e) {
        if (e.isJsonNull()) {
            return Json.NULL;
        }
        if (e.isJsonArray()) {
            List<Object> out = new ArrayList<>();
            e.getAsJsonArray().forEach(x -> out.add(toJsonModel(x)));
            return out;
        }
        if (e.isJsonObject()) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            e.getAsJsonObject().entrySet().forEach(x -> out.put(x.getKey(), toJsonModel(x.getValue())));
            return out;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isBoolean() ? (Object) p.getAsBoolean() : p.isNumber() ? (Object) p.getAsDouble() : p.getAsString();
    }

    /**
     * Maps a result or an expectation to JSON with numbers as doubles, object keys sorted and bytes as
     * {"$bytes": [...]}; absent (null) and JSON null both become null, as undefined and null do in JS.
     */
    static JsonElement normalize(Object v) {
        if (v == null || v == Json.NULL || v instanceof JsonNull) {
            return JsonNull.INSTANCE;
        }
        if (v instanceof JsonObject o) {
            JsonObject out = new JsonObject();
            o.keySet().stream().sorted().forEach(k -> out.add(k, normalize(o.get(k))));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            JsonObject out = new JsonObject();
            m.keySet().stream().map(String.class::cast).sorted().forEach(k -> out.add(k, normalize(m.get(k))));
            return out;
        }
        if (v instanceof List<?> l) {
            JsonArray out = new JsonArray();
            l.forEach(x -> out.add(normalize(x)));
            return out;
        }
        if (v instanceof JsonPrimitive p && p.isNumber()) {
            return new JsonPrimitive(p.getAsDouble());
        }
        if (v instanceof JsonArray a) {
            JsonArray out = new JsonArray();
            a.forEach(x -> out.add(normalize(x)));
            return out;
        }
        if (v instanceof JsonElement e) {
            return e;
        }
        if (v instanceof byte[] b) {
            JsonArray arr = new JsonArray();
            for (byte x : b) {
                arr.add(new JsonPrimitive((double) (x & 0xFF)));
            }
            JsonObject o = new JsonObject();
            o.add("$bytes", arr);
            return o;
        }
        if (v instanceof Object[] arr) {
            JsonArray out = new JsonArray();
            for (Object x : arr) {
                out.add(normalize(x));
            }
            return out;
        }
        if (v instanceof Number n) {
            return new JsonPrimitive(n.doubleValue());
        }
        if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        if (v instanceof String s) {
            return new JsonPrimitive(s);
        }
        throw new AssertionError("cannot compare a " + v.getClass().getName() + "; extend VectorsTest.normalize");
    }
}
