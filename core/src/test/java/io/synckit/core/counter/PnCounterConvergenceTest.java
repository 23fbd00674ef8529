package io.synckit.core.counter;

import io.synckit.core.convergence.Schedules;
import org.junit.jupiter.api.Test;

class PnCounterConvergenceTest {
    /** Oracle: once everyone has synced, the value is the sum of every increment and decrement made. */
    @Test
    void convergesToTheSumOfAllOperations() {
        new Schedules<PnCounter>(
                (id, ctx) -> new PnCounter(id),
                (c, ctx) -> {
                    int amount = ctx.rnd.nextInt(21) - 10;
                    double sum = (double) ctx.data.getOrDefault("sum", 0.0);
                    if (ctx.rnd.nextBoolean()) {
                        c.increment(amount);
                        ctx.data.put("sum", sum + amount);
                    } else {
                        c.decrement(amount);
                        ctx.data.put("sum", sum - amount);
                    }
                },
                c -> String.valueOf(c.value()))
                .withOracle(ctx -> String.valueOf((double) ctx.data.getOrDefault("sum", 0.0)))
                .run(Schedules.count(), Schedules.baseSeed());
    }
}
