package io.synckit.bench;

import io.synckit.core.protocol.DocSubscription;
import io.synckit.core.protocol.DocType;
import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Limits;
import io.synckit.core.protocol.Message;
import io.synckit.core.protocol.Subscribe;
import io.synckit.core.protocol.Update;
import io.synckit.core.text.TextDoc;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The wire codec (FrameCodec) on the JVM: encode and decode an Update with a 100-byte payload (a few
 * local edits) and a Subscribe of 100 documents, each with a state vector (what a client sends on every
 * connect). Run: {@code java -jar benchmarks/target/benchmarks.jar Protocol}. Results: docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ProtocolBenchmark {
    Update update;
    byte[] updateFrame;
    Subscribe subscribe;
    byte[] subscribeFrame;

    @Setup(Level.Trial)
    public void setUp() {
        Random r = new Random(1);
        byte[] payload = new byte[100];
        r.nextBytes(payload);
        update = new Update(123456, "notes/2026-11-22", payload);
        updateFrame = FrameCodec.encode(update);
        List<DocSubscription> docs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            // A real state vector: a text edited by three random 53-bit replicas.
            TextDoc t = new TextDoc(1 + r.nextInt(1 << 30) * 8388608.0);
            t.insert(0, "hello " + i);
            docs.add(new DocSubscription("project-7/doc-" + i, DocType.TEXT, t.encodeStateVector()));
        }
        subscribe = new Subscribe(docs);
        subscribeFrame = FrameCodec.encode(subscribe);
    }

    @Benchmark
    public byte[] encodeUpdate100B() {
        return FrameCodec.encode(update);
    }

    @Benchmark
    public Message decodeUpdate100B() {
        return FrameCodec.decode(updateFrame, Limits.DEFAULT);
    }

    @Benchmark
    public byte[] encodeSubscribe100Docs() {
        return FrameCodec.encode(subscribe);
    }

    @Benchmark
    public Message decodeSubscribe100Docs() {
        return FrameCodec.decode(subscribeFrame, Limits.DEFAULT);
    }
}
