package io.synckit.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.synckit.core.text.TextDoc;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Replays an editing trace (one patch per operation) into a fresh TextDoc, and encodes / decodes the
 * result. Traces come from ../shared/traces or SYNCKIT_TRACES. Run from the repository root:
 * {@code java -jar benchmarks/target/benchmarks.jar TextTrace}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(1)
@State(Scope.Benchmark)
public class TextTraceBenchmark {
    @Param({"automerge-paper"})
    public String trace;

    int[] pos;
    int[] del;
    String[] ins;
    String start;
    String end;
    byte[] state;

    @Setup
    public void load() throws IOException {
        String dir = System.getenv().getOrDefault("SYNCKIT_TRACES", "../shared/traces");
        Path file = Paths.get(dir, trace + ".json.gz");
        JsonObject t;
        try (InputStreamReader in = new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8)) {
            t = JsonParser.parseReader(in).getAsJsonObject();
        }
        List<JsonArray> patches = new ArrayList<>();
        for (JsonElement txn : t.getAsJsonArray("txns")) {
            for (JsonElement p : txn.getAsJsonObject().getAsJsonArray("patches")) {
                patches.add(p.getAsJsonArray());
            }
        }
        pos = new int[patches.size()];
        del = new int[patches.size()];
        ins = new String[patches.size()];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = patches.get(i).get(0).getAsInt();
            del[i] = patches.get(i).get(1).getAsInt();
            ins[i] = patches.get(i).get(2).getAsString();
        }
        start = t.get("startContent").getAsString();
        end = t.get("endContent").getAsString();
        TextDoc d = apply();
        if (!d.toString().equals(end)) {
            throw new IllegalStateException("replay does not reach endContent");
        }
        state = d.encodeState();
    }

    @Benchmark
    public TextDoc apply() {
        TextDoc d = new TextDoc(1);
        d.insert(0, start);
        for (int i = 0; i < pos.length; i++) {
            if (del[i] > 0) {
                d.delete(pos[i], del[i]);
            }
            if (!ins[i].isEmpty()) {
                d.insert(pos[i], ins[i]);
            }
        }
        return d;
    }

    @Benchmark
    public TextDoc decode() {
        TextDoc d = new TextDoc(2);
        d.applyUpdate(state);
        return d;
    }
}
