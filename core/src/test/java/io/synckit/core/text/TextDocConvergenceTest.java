package io.synckit.core.text;

import io.synckit.core.convergence.Schedules;
import org.junit.jupiter.api.Test;

class TextDocConvergenceTest {
    /**
     * Random inserts (one or several characters) and deletes on 2-5 replicas with reordered, duplicated,
     * dropped and stale deliveries: all converge, and delta sync equals full-state merge. (That the
     * order equals Yjs's is checked against the yjs package itself, in js-dist/test/text-yjs.test.mjs.)
     */
    @Test
    void converges() {
        new Schedules<TextDoc>(
                (id, ctx) -> new TextDoc(id),
                (d, ctx) -> {
                    int len = d.length();
                    if (len > 0 && ctx.rnd.nextInt(3) == 0) {
                        int at = ctx.rnd.nextInt(len);
                        d.delete(at, 1 + ctx.rnd.nextInt(Math.min(3, len - at)));
                    } else {
                        String text = "abcdefgh".substring(0, 1 + ctx.rnd.nextInt(3));
                        d.insert(ctx.rnd.nextInt(len + 1), text);
                    }
                },
                TextDoc::toString)
                .run(Schedules.count(), Schedules.baseSeed());
    }
}
