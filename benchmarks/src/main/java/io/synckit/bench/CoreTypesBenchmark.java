package io.synckit.bench;

import io.synckit.core.counter.PnCounter;
import io.synckit.core.lww.LwwDoc;
import io.synckit.core.set.OrSet;
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
 * Core data types on the JVM: a local write, merging two 1,000-field documents, a diff, encode and
 * decode. Run: {@code java -jar benchmarks/target/benchmarks.jar CoreTypes}. Results: docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CoreTypesBenchmark {
    static final int FIELDS = 1000;
    double now = 1_700_000_000_000.0;

    LwwDoc writer;
    int i;
    byte[] stateA;
    byte[] stateB;
    byte[] vectorOfHalf;
    LwwDoc full;
    PnCounter counter;
    OrSet set;

    @Setup(Level.Trial)
    public void setUp() {
        writer = new LwwDoc(1, () -> now);
        LwwDoc a = doc(1, "a");
        LwwDoc b = doc(2, "b");
        stateA = a.encodeState();
        stateB = b.encodeState();
        full = doc(3, "x");
        LwwDoc half = new LwwDoc(4, () -> now);
        half.applyUpdate(stateA);
        full.applyUpdate(stateA);
        vectorOfHalf = half.encodeStateVector();
        for (int k = 0; k < FIELDS; k++) {
            full.set("extra" + k, "changed " + k);
        }
        counter = new PnCounter(1);
        set = new OrSet(1);
    }

    private LwwDoc doc(double replica, String prefix) {
        LwwDoc d = new LwwDoc(replica, () -> now);
        for (int k = 0; k < FIELDS; k++) {
            d.set("field" + k, prefix + " value " + k);
        }
        return d;
    }

    /** One local write of a string field (1,000 distinct keys, cycling). */
    @Benchmark
    public LwwDoc lwwDocLocalWrite() {
        writer.set("field" + (i++ % FIELDS), "value");
        return writer;
    }

    /** Two replicas of 1,000 fields each written concurrently: apply both states to a fresh replica. */
    @Benchmark
    public LwwDoc lwwDocMergeTwo1000FieldDocs() {
        LwwDoc d = new LwwDoc(5, () -> now);
        d.applyUpdate(stateA);
        d.applyUpdate(stateB);
        return d;
    }

    /** A diff of 1,000 new fields against the state vector of a peer that has the other 1,000. */
    @Benchmark
    public byte[] lwwDocDiff() {
        return full.encodeDiff(vectorOfHalf);
    }

    @Benchmark
    public byte[] lwwDocEncode1000Fields() {
        return full.encodeState();
    }

    @Benchmark
    public LwwDoc lwwDocDecode1000Fields() {
        LwwDoc d = new LwwDoc(6, () -> now);
        d.applyUpdate(stateA);
        return d;
    }

    @Benchmark
    public PnCounter counterIncrement() {
        counter.increment(1);
        return counter;
    }

    @Benchmark
    public OrSet orSetAdd() {
        set.add("e" + (i++ % FIELDS));
        return set;
    }
}
