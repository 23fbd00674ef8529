package io.synckit.core.lww;

import io.synckit.core.clock.Stamp;
import io.synckit.core.codec.Envelope;
import io.synckit.core.codec.Reader;
import io.synckit.core.convergence.Schedules;
import io.synckit.core.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LwwDocConvergenceTest {
    private static final String[] KEYS = {"a", "b", "c"};

    /**
     * Oracle: every write ever made (read back from its author right after the operation) is collected;
     * the synced document must equal a naive materialisation of the newest write per path, where an
     * entry is visible iff it is newer than every entry on a path above it.
     */
    @Test
    @SuppressWarnings("unchecked")
    void convergesToTheNewestWritePerPath() {
        new Schedules<LwwDoc>(
                (id, ctx) -> {
                    double skew = ctx.rnd.nextInt(4001) - 2000; // each replica's clock is off by up to 2 s
                    return new LwwDoc(id, () -> ctx.time + skew);
                },
                (d, ctx) -> {
                    randomOp(d, ctx.rnd);
                    Map<String, LwwDoc.Entry> newest =
                            (Map<String, LwwDoc.Entry>) ctx.data.computeIfAbsent("newest", k -> new HashMap<String, LwwDoc.Entry>());
                    Map<String, String[]> paths =
                            (Map<String, String[]>) ctx.data.computeIfAbsent("paths", k -> new HashMap<String, String[]>());
                    byte[] state = d.encodeState();
                    LwwDoc.Delta all = d.readUpdate(Envelope.open(state, Envelope.TYPE_LWW_DOC, "test"));
                    for (int i = 0; i < all.entries.length; i++) {
                        String key = String.join("\u0000", all.paths[i]);
                        LwwDoc.Entry e = all.entries[i];
                        LwwDoc.Entry old = newest.get(key);
                        if (old == null || e.after(old)) {
                            newest.put(key, e);
                            paths.put(key, all.paths[i]);
                        }
                    }
                },
                d -> Json.stringify(d.toJSON()))
                .withOracle(ctx -> {
                    Map<String, LwwDoc.Entry> newest =
                            (Map<String, LwwDoc.Entry>) ctx.data.getOrDefault("newest", new HashMap<String, LwwDoc.Entry>());
                    Map<String, String[]> paths =
                            (Map<String, String[]>) ctx.data.getOrDefault("paths", new HashMap<String, String[]>());
                    Object v = naive(new String[0], newest, paths);
                    return Json.stringify(v == null ? Map.of() : v);
                })
                .run(Schedules.count(), Schedules.baseSeed());
    }

    /** The visible value at {@code p}, straight from the definition (no stamps cached in a tree). */
    private static Object naive(String[] p, Map<String, LwwDoc.Entry> newest, Map<String, String[]> paths) {
        TreeMap<String, Object> kids = new TreeMap<>();
        for (String[] q : paths.values()) {
            if (q.length == p.length + 1 && Arrays.equals(Arrays.copyOf(q, p.length), p)) {
                Object v = naive(q, newest, paths);
                if (v != null) {
                    kids.put(q[p.length], v);
                }
            } else if (q.length > p.length + 1 && Arrays.equals(Arrays.copyOf(q, p.length), p)) {
                String[] child = Arrays.copyOf(q, p.length + 1);
                if (!paths.containsKey(String.join("\u0000", child)) && !kids.containsKey(child[p.length])) {
                    Object v = naive(child, newest, paths);
                    if (v != null) {
                        kids.put(child[p.length], v);
                    }
                }
            }
        }
        if (!kids.isEmpty()) {
            return new LinkedHashMap<>(kids);
        }
        LwwDoc.Entry own = newest.get(String.join("\u0000", p));
        if (own == null || !visible(p, own, newest)) {
            return null;
        }
        return own.kind == LwwDoc.LEAF ? own.value : own.kind == LwwDoc.OBJECT ? Map.of() : null;
    }

    private static boolean visible(String[] p, Stamp s, Map<String, LwwDoc.Entry> newest) {
        for (int len = 0; len < p.length; len++) {
            LwwDoc.Entry above = newest.get(String.join("\u0000", Arrays.copyOf(p, len)));
            if (above != null && !s.after(above)) {
                return false;
            }
        }
        return true;
    }

    static void randomOp(LwwDoc d, Random rnd) {
        String[] path = new String[1 + rnd.nextInt(3)];
        for (int i = 0; i < path.length; i++) {
            path[i] = KEYS[rnd.nextInt(KEYS.length)];
        }
        switch (rnd.nextInt(5)) {
            case 0:
                d.delete(path);
                break;
            case 1: {
                Map<String, Object> obj = new LinkedHashMap<>();
                obj.put(KEYS[rnd.nextInt(KEYS.length)], (double) rnd.nextInt(100));
                d.set(path, obj);
                break;
            }
            case 2: {
                Map<String, Object> fields = new LinkedHashMap<>();
                Map<String, Object> inner = new LinkedHashMap<>();
                inner.put(KEYS[rnd.nextInt(KEYS.length)], "u" + rnd.nextInt(10));
                fields.put(KEYS[rnd.nextInt(KEYS.length)], rnd.nextBoolean() ? inner : (Object) Boolean.TRUE);
                d.update(fields);
                break;
            }
            case 3:
                d.set(path, List.of((double) rnd.nextInt(5), "x"));
                break;
            default:
                d.set(path, rnd.nextBoolean() ? (Object) ("v" + rnd.nextInt(100)) : Json.NULL);
        }
    }
}
