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
import io.synckit.core.lww.LwwMap;
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
            "LwwMap", o -> new LwwMap(o.get("replicaId").getAsInt()));

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
        if (receiver == null) {
            throw new AssertionError("no object named " + target[0]);
        }
        JsonArray args = step.has("args") ? step.getAsJsonArray("args") : new JsonArray();
        Method method = find(receiver.getClass(), target[1], args.size());
        Object[] javaArgs = new Object[args.size()];
        for (int a = 0; a < javaArgs.length; a++) {
            javaArgs[a] = toJava(resolve(args.get(a), vars), method.getParameterTypes()[a]);
        }
        return method.invoke(receiver, javaArgs);
    }

    private static Method find(Class<?> type, String name, int arity) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == arity) {
                return m;
            }
        }
        throw new AssertionError(type.getSimpleName() + " has no public method " + name + " with " + arity
                + " parameters");
    }

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

    private static Object toJava(Object v, Class<?> type) {
        if (!(v instanceof JsonElement)) {
            return v;
        }
        JsonElement e = (JsonElement) v;
        if (e.isJsonNull()) {
            return null;
        }
        if (type == String.class) {
            return e.getAsString();
        }
        if (type == int.class) {
            return e.getAsInt();
        }
        if (type == double.class) {
            return e.getAsDouble();
        }
        if (type == boolean.class) {
            return e.getAsBoolean();
        }
        throw new AssertionError("no conversion from JSON to " + type.getName() + "; extend VectorsTest.toJava");
    }

    /** Maps a result or an expectation to JSON with numbers as doubles and bytes as {"$bytes": [...]}. */
    static JsonElement normalize(Object v) {
        if (v == null) {
            return JsonNull.INSTANCE;
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
