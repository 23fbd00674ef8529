package io.synckit.core.set;

import io.synckit.core.causal.Dot;
import io.synckit.core.convergence.Schedules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OrSetConvergenceTest {
    /**
     * Oracle (add-wins): after everyone syncs, an element is present iff one of its adds was not
     * observed by any remove (directly, or through a later add of the same element
     * that superseded it). Each remove records the dots it observed (the remover's live dots for the
     * element at that moment), so a merge that resurrects removed adds or loses concurrent ones fails.
     */
    @Test
    @SuppressWarnings("unchecked")
    void convergesToAddWinsSemantics() {
        new Schedules<OrSet>(
                (id, ctx) -> new OrSet(id),
                (s, ctx) -> {
                    List<Object[]> adds = (List<Object[]>) ctx.data.computeIfAbsent("adds", k -> new ArrayList<Object[]>());
                    Set<Dot> removed = (Set<Dot>) ctx.data.computeIfAbsent("removed", k -> new HashSet<Dot>());
                    String e = "e" + ctx.rnd.nextInt(6);
                    if (ctx.rnd.nextInt(3) == 0) {
                        removed.addAll(Arrays.asList(s.liveDots(e)));
                        s.remove(e);
                    } else {
                        // An add supersedes the adds of e it has seen: they are in its causal past, so
                        // a remove that observes this add has observed them too.
                        removed.addAll(Arrays.asList(s.liveDots(e)));
                        s.add(e);
                        adds.add(new Object[] {e, s.liveDots(e)[0]});
                    }
                },
                s -> Arrays.toString(s.values()))
                .withOracle(ctx -> {
                    List<Object[]> adds = (List<Object[]>) ctx.data.getOrDefault("adds", new ArrayList<Object[]>());
                    Set<Dot> removed = (Set<Dot>) ctx.data.getOrDefault("removed", new HashSet<Dot>());
                    TreeSet<String> present = new TreeSet<>();
                    for (Object[] a : adds) {
                        if (!removed.contains((Dot) a[1])) {
                            present.add((String) a[0]);
                        }
                    }
                    return present.toString();
                })
                .run(Schedules.count(), Schedules.baseSeed());
    }
}
