package io.synckit.core.sync.sim;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeded runs of the {@link Sim simulator}: random faults and edits, then healing, then the checks.
 * {@code -Dsynckit.sim=N} sets the number of runs (default 2,000, 5-8 s here), {@code -Dsynckit.seed=S}
 * the first seed (default: from the time, printed); {@code -Dsynckit.seed=S} alone replays that one
 * run. A failure names its seed and ends with the last events of the run. {@code -Dsynckit.sim.all=true}
 * keeps going after a failure and lists every failing seed with its first line (for triage).
 */
class SimulationTest {
    @Test
    void randomRunsConvergeWithoutLosingOrDoublingAWrite() {
        String seedProp = System.getProperty("synckit.seed");
        int runs = Integer.getInteger("synckit.sim", seedProp != null ? 1 : 2000);
        long base = seedProp != null ? Long.parseLong(seedProp) : System.nanoTime();
        boolean all = Boolean.getBoolean("synckit.sim.all");
        List<String> failures = new ArrayList<>();
        long events = 0;
        long ops = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            Sim sim = Sim.random(base + i);
            try {
                sim.run();
            } catch (Sim.SimFailure e) {
                if (!all) {
                    throw e;
                }
                String[] lines = e.getMessage().split("\n");
                failures.add((base + i) + ": " + lines[1]);
            }
            events += sim.eventCount();
            ops += sim.work.ops;
        }
        System.out.println("SimulationTest: " + runs + " runs from seed " + base + ", " + ops + " edits, " + events
                + " events, " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + runs + " runs failed:\n" + String.join("\n", failures));
        }
    }
}
