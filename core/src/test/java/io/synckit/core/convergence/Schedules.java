package io.synckit.core.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.synckit.core.Replicated;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Seeded random schedules for any replicated type: 2-5 replicas make random local operations and
 * exchange full states and diffs (against current or stale state vectors) over a network that reorders,
 * duplicates and drops messages (a dropped message is later resent as a fresh diff). Then everyone syncs
 * and must agree; delta sync must give the same value as merging full states; merging must be
 * commutative, associative and idempotent. Each failure names its seed so it can be replayed with
 * {@code -Dsynckit.seed=...}.
 *
 * <p>Count: {@code -Dsynckit.schedules=N} (default 10,000; the long mode uses more).
 */
public final class Schedules<T extends Replicated<?>> {
    public interface Factory<T> {
        T create(double replicaId, Schedule ctx);
    }

    /** A random local operation; it may record what it did in {@code ctx.data} for an oracle. */
    public interface Op<T> {
        void apply(T replica, Schedule ctx);
    }

    /** Per-schedule context: the random source, a shared fake time, and scratch data for oracles. */
    public static final class Schedule {
        public final Random rnd;
        public double time = 1_700_000_000_000.0;
        public final java.util.Map<String, Object> data = new java.util.HashMap<>();

        Schedule(Random rnd) {
            this.rnd = rnd;
        }
    }

    private final Factory<T> factory;
    private final Op<T> randomOp;
    private final Function<T, String> observe;
    private Function<Schedule, String> oracle;

    public Schedules(Factory<T> factory, Op<T> randomOp, Function<T, String> observe) {
        this.factory = factory;
        this.randomOp = randomOp;
        this.observe = observe;
    }

    /**
     * An independent expectation of the final value, computed from what the operations recorded in
     * {@code ctx.data} (convergence alone would not catch a merge that loses a remove everywhere).
     */
    public Schedules<T> withOracle(Function<Schedule, String> expected) {
        this.oracle = expected;
        return this;
    }

    public static int count() {
        return Integer.getInteger("synckit.schedules", 10_000);
    }

    public static long baseSeed() {
        return Long.getLong("synckit.seed", System.nanoTime());
    }

    /** Runs {@code n} schedules with seeds base, base+1, ...; fails with the seed of the first that breaks. */
    public void run(int n, long base) {
        for (int i = 0; i < n; i++) {
            long seed = base + i;
            try {
                runOne(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("schedule failed; replay with -Dsynckit.seed=" + seed
                        + " -Dsynckit.schedules=1: " + e.getMessage(), e);
            }
        }
    }

    private void runOne(long seed) {
        Random rnd = new Random(seed);
        Schedule ctx = new Schedule(rnd);
        int n = 2 + rnd.nextInt(4);
        List<T> replicas = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // Ids across the whole 53-bit range, including above 2^32; unique within the schedule.
            double id = rnd.nextBoolean() ? i + 1 : Math.floor(rnd.nextDouble() * 9007199254740000.0) + i;
            replicas.add(factory.create(id, ctx));
        }
        List<Message> inFlight = new ArrayList<>();
        List<byte[]> oldVectors = new ArrayList<>();
        int steps = 10 + rnd.nextInt(40);
        for (int s = 0; s < steps; s++) {
            ctx.time += rnd.nextInt(50) - 10; // the shared clock also steps backwards now and then
            int action = rnd.nextInt(10);
            if (action < 5) {
                randomOp.apply(replicas.get(rnd.nextInt(n)), ctx);
            } else if (action < 8) {
                int from = rnd.nextInt(n);
                int to = rnd.nextInt(n);
                T sender = replicas.get(from);
                byte[] payload;
                int kind = rnd.nextInt(3);
                if (kind == 0) {
                    payload = sender.encodeState();
                } else if (kind == 1 || oldVectors.isEmpty()) {
                    byte[] sv = replicas.get(to).encodeStateVector();
                    oldVectors.add(sv);
                    payload = sender.encodeDiff(sv);
                } else {
                    // a diff against a stale state vector (of any replica): must still be safe to apply
                    payload = sender.encodeDiff(oldVectors.get(rnd.nextInt(oldVectors.size())));
                }
                inFlight.add(new Message(to, payload));
            } else if (!inFlight.isEmpty()) {
                Message m = inFlight.remove(rnd.nextInt(inFlight.size()));
                int fate = rnd.nextInt(10);
                if (fate == 0) {
                    continue; // dropped; the final sync resends what was lost
                }
                replicas.get(m.to).applyUpdate(m.payload);
                if (fate == 1) {
                    replicas.get(m.to).applyUpdate(m.payload); // duplicated
                }
            }
        }
        // Deliver what is left in random order, then sync pairwise by diffs until everyone agrees.
        while (!inFlight.isEmpty()) {
            Message m = inFlight.remove(rnd.nextInt(inFlight.size()));
            replicas.get(m.to).applyUpdate(m.payload);
        }
        for (int round = 0; round < 2; round++) {
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    if (a != b) {
                        replicas.get(b).applyUpdate(replicas.get(a).encodeDiff(replicas.get(b).encodeStateVector()));
                    }
                }
            }
        }
        String expected = observe.apply(replicas.get(0));
        for (int i = 1; i < n; i++) {
            assertEquals(expected, observe.apply(replicas.get(i)), "replica " + i + " diverged from replica 0");
        }
        if (oracle != null) {
            assertEquals(oracle.apply(ctx), expected, "synced value differs from the oracle");
        }
        // After syncing, no one lacks anything: a diff against a synced peer changes nothing.
        for (int i = 1; i < n; i++) {
            replicas.get(0).applyUpdate(replicas.get(i).encodeDiff(replicas.get(0).encodeStateVector()));
        }
        assertEquals(expected, observe.apply(replicas.get(0)));

        // Full-state merge gives the same value, in any order, applied twice (commutative, associative,
        // idempotent), on a fresh replica.
        List<byte[]> states = new ArrayList<>();
        for (T r : replicas) {
            states.add(r.encodeState());
        }
        T fresh = factory.create(9007199254740991.0, ctx);
        for (int k = 0; k < 2; k++) {
            List<byte[]> order = new ArrayList<>(states);
            java.util.Collections.shuffle(order, rnd);
            for (byte[] st : order) {
                fresh.applyUpdate(st);
            }
        }
        assertEquals(expected, observe.apply(fresh), "full-state merge differs from delta sync");
        // And the synced state round-trips: equal value after encode -> decode.
        T copy = factory.create(9007199254740990.0, ctx);
        copy.applyUpdate(replicas.get(0).encodeState());
        assertEquals(expected, observe.apply(copy), "encodeState -> applyUpdate lost something");
    }

    private static final class Message {
        final int to;
        final byte[] payload;

        Message(int to, byte[] payload) {
            this.to = to;
            this.payload = payload;
        }
    }
}
