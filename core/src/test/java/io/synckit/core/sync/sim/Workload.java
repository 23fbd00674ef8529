package io.synckit.core.sync.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random local edits, and the record of them that the final checks compare against. The record is
 * what makes the checks sharp: convergence alone would not notice a write lost everywhere.
 * <ul>
 *   <li>counter: the sum of every increment made anywhere;</li>
 *   <li>todo (LwwDoc): keys written once with a unique name and never touched again, with their value;</li>
 *   <li>tags (OrSet): elements with a unique name, and whether they were removed since;</li>
 *   <li>notes (TextDoc): inserts with a unique marker string ({@code <client#n>}, between filler of
 *   lowercase letters), and whether they were deleted. Nothing is ever inserted inside a marker and a
 *   delete always takes whole markers, so a marker is either intact or gone: each one that was never
 *   deleted must be there exactly once, each deleted one must be gone.</li>
 * </ul>
 * Shared keys, elements and filler text give the concurrent conflicts; they are checked by convergence.
 */
final class Workload {
    private static final String[] KEYS = {"title", "done", "count", "note"};
    private static final String[] ELEMENTS = {"red", "green", "blue", "cyan"};

    double counterSum;
    int ops;
    int changes;
    final Map<String, Object> uniqueKeys = new LinkedHashMap<>();
    final Map<String, Boolean> uniqueElements = new LinkedHashMap<>();
    /** Marker -> deleted (somewhere; deletes take whole markers). */
    final Map<String, Boolean> markers = new LinkedHashMap<>();
    private int unique;

    /** One edit session on one document of {@code h}: one to three operations, then localChange. */
    void edit(Sim.Host h, Random r) {
        String doc = Sim.DOCS[r.nextInt(Sim.DOCS.length)];
        if (h.doc(doc) == null) {
            return; // not open yet
        }
        int n = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1;
        for (int i = 0; i < n; i++) {
            ops++;
            switch (doc) {
                case "counter": counter(h, r); break;
                case "todo": todo(h, r); break;
                case "tags": tags(h, r); break;
                default: notes(h, r); break;
            }
        }
        changes++;
        h.client.localChange(doc);
    }

    private String uniqueName(Sim.Host h) {
        return h.index + "#" + (++unique);
    }

    private void counter(Sim.Host h, Random r) {
        int amount = r.nextInt(16) - 5;
        if (amount == 0) {
            amount = 1;
        }
        if (r.nextBoolean()) {
            h.counter.increment(amount);
        } else {
            h.counter.decrement(-amount);
        }
        counterSum += amount;
    }

    private void todo(Sim.Host h, Random r) {
        int kind = r.nextInt(10);
        if (kind < 5) {
            Object value = r.nextBoolean() ? (Object) ("v" + r.nextInt(100)) : (Object) (double) r.nextInt(1000);
            h.todo.set(KEYS[r.nextInt(KEYS.length)], value);
        } else if (kind < 7) {
            h.todo.delete(KEYS[r.nextInt(KEYS.length)]); // may be absent: then the change is empty
        } else if (kind < 8) {
            h.todo.set(new String[] {"meta", KEYS[r.nextInt(KEYS.length)]}, (double) r.nextInt(10));
        } else {
            String key = "u" + uniqueName(h);
            String value = "w" + r.nextInt(1000);
            h.todo.set(key, value);
            uniqueKeys.put(key, value);
        }
    }

    private void tags(Sim.Host h, Random r) {
        int kind = r.nextInt(10);
        if (kind < 4) {
            h.tags.add(ELEMENTS[r.nextInt(ELEMENTS.length)]);
        } else if (kind < 7) {
            String e = "e" + uniqueName(h);
            h.tags.add(e);
            uniqueElements.put(e, true);
        } else {
            String[] values = h.tags.values();
            if (values.length > 0) {
                String e = values[r.nextInt(values.length)];
                h.tags.remove(e);
                if (uniqueElements.containsKey(e)) {
                    uniqueElements.put(e, false);
                }
            }
        }
    }

    private void notes(Sim.Host h, Random r) {
        String s = h.notes.toString();
        int len = s.length();
        if (len > 0 && r.nextInt(3) == 0) {
            int from = r.nextInt(len);
            int to = from + 1 + r.nextInt(Math.min(6, len - from));
            // Whole markers only: a range that starts or ends inside one grows to cover it.
            int open = s.lastIndexOf('<', from);
            if (open >= 0 && open > s.lastIndexOf('>', from - 1)) {
                from = open;
            }
            int close = s.indexOf('>', to - 1);
            int next = s.indexOf('<', to);
            if (close >= 0 && (next < 0 || close < next)) {
                to = close + 1;
            }
            for (int at = s.indexOf('<', from); at >= 0 && at < to; at = s.indexOf('<', at + 1)) {
                markers.put(s.substring(at, s.indexOf('>', at) + 1), true);
            }
            h.notes.delete(from, to - from);
            return;
        }
        int pos = r.nextInt(len + 1);
        int open = pos == 0 ? -1 : s.lastIndexOf('<', pos - 1);
        if (open >= 0 && open > s.lastIndexOf('>', pos - 1)) {
            pos = open; // never inside a marker
        }
        if (r.nextBoolean()) {
            String marker = "<" + uniqueName(h) + ">";
            h.notes.insert(pos, marker);
            markers.put(marker, false);
        } else {
            StringBuilder filler = new StringBuilder();
            for (int i = 1 + r.nextInt(5); i > 0; i--) {
                filler.append((char) ('a' + r.nextInt(26)));
            }
            h.notes.insert(pos, filler.toString());
        }
    }

    /** What the final documents contradict in this record; empty when nothing. */
    List<String> check(double counterValue, Map<String, Object> todo, java.util.Set<String> tags, String notes) {
        List<String> problems = new ArrayList<>();
        if (counterValue != counterSum) {
            problems.add("counter is " + counterValue + ", the increments made add up to " + counterSum);
        }
        for (Map.Entry<String, Object> e : uniqueKeys.entrySet()) {
            if (!e.getValue().equals(todo.get(e.getKey()))) {
                problems.add("todo." + e.getKey() + " is " + todo.get(e.getKey()) + ", written once as " + e.getValue());
            }
        }
        for (Map.Entry<String, Boolean> e : uniqueElements.entrySet()) {
            if (tags.contains(e.getKey()) != e.getValue()) {
                problems.add("tags " + (e.getValue() ? "lacks " : "still has ") + e.getKey()
                        + (e.getValue() ? " (added, never removed)" : " (removed after its only add)"));
            }
        }
        for (Map.Entry<String, Boolean> e : markers.entrySet()) {
            int at = notes.indexOf(e.getKey());
            if (e.getValue() && at >= 0) {
                problems.add("notes still has marker " + e.getKey() + " (deleted): \"" + notes + "\"");
            } else if (!e.getValue() && at < 0) {
                problems.add("notes lacks marker " + e.getKey() + " (inserted, never deleted): \"" + notes + "\"");
            } else if (at >= 0 && notes.indexOf(e.getKey(), at + 1) >= 0) {
                problems.add("notes has marker " + e.getKey() + " twice: \"" + notes + "\"");
            }
        }
        return problems;
    }
}
