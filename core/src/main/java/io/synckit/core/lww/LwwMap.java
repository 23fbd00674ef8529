package io.synckit.core.lww;

import io.synckit.core.codec.DecodeException;
import io.synckit.core.codec.Reader;
import io.synckit.core.codec.Writer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A last-writer-wins map from string keys to string values: the smallest real CRDT, here to carry
 * the build pipeline (Java -> JVM, JS, wasm-gc). The full LWW document with hybrid logical clocks,
 * nested values and version vectors replaces it in the core-data-types issue.
 *
 * <p>Each key holds the write with the greatest (counter, replicaId) stamp. The counter is a Lamport
 * clock: a local write takes one more than the largest counter seen, so a write made after seeing
 * another always wins over it; concurrent writes are ordered by replica id, never by arrival order.
 * Deletes are tombstones (a write of "no value") so that a delete and a concurrent set resolve the
 * same way on every replica.
 *
 * <p>Replica ids are ints in [0, 2^31) here; ids up to 2^53 arrive with the core-data-types issue.
 */
public final class LwwMap {
    /** First byte of every encoding; a decoder refuses versions it does not know. */
    public static final int FORMAT_VERSION = 1;

    private static final int FLAG_TOMBSTONE = 0;
    private static final int FLAG_VALUE = 1;

    private final int replicaId;
    private final Map<String, Entry> entries = new HashMap<>();
    private int clock;

    public LwwMap(int replicaId) {
        if (replicaId < 0) {
            throw new IllegalArgumentException("replicaId must be a non-negative integer, got " + replicaId);
        }
        this.replicaId = replicaId;
    }

    public int replicaId() {
        return replicaId;
    }

    /** Sets {@code key} to {@code value}; a null value deletes the key. */
    public void set(String key, String value) {
        requireKey(key);
        if (clock == Integer.MAX_VALUE) {
            throw new IllegalStateException("Lamport clock exhausted after 2^31-1 writes");
        }
        clock++;
        entries.put(key, new Entry(value, clock, replicaId));
    }

    public void delete(String key) {
        set(key, null);
    }

    /** The current value, or null when the key was never set or was deleted. */
    public String get(String key) {
        Entry e = entries.get(key);
        return e == null ? null : e.value;
    }

    public boolean has(String key) {
        return get(key) != null;
    }

    /** Live keys in ascending order (String.compareTo: UTF-16 code-unit order, as in JS). */
    public String[] keys() {
        List<String> live = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().value != null) {
                live.add(e.getKey());
            }
        }
        String[] out = live.toArray(new String[0]);
        Arrays.sort(out);
        return out;
    }

    public int size() {
        int n = 0;
        for (Entry e : entries.values()) {
            if (e.value != null) {
                n++;
            }
        }
        return n;
    }

    /** The full state, tombstones included, in a canonical order: equal maps encode to equal bytes. */
    public byte[] encodeState() {
        String[] keys = entries.keySet().toArray(new String[0]);
        Arrays.sort(keys);
        Writer w = new Writer();
        w.writeByte(FORMAT_VERSION);
        w.writeVarUint(keys.length);
        for (String key : keys) {
            Entry e = entries.get(key);
            w.writeString(key);
            w.writeVarUint(e.counter);
            w.writeVarUint(e.replica);
            if (e.value == null) {
                w.writeByte(FLAG_TOMBSTONE);
            } else {
                w.writeByte(FLAG_VALUE);
                w.writeString(e.value);
            }
        }
        return w.toByteArray();
    }

    /**
     * Merges an encoded state from any replica. The whole input is decoded before anything changes,
     * so malformed bytes throw {@link DecodeException} and leave this map as it was. Merging is
     * idempotent, commutative and associative.
     *
     * @return the number of keys whose winning write changed
     */
    public int applyUpdate(byte[] update) {
        Reader r = new Reader(update);
        int version = r.readByte();
        if (version != FORMAT_VERSION) {
            throw new DecodeException("LwwMap encoding version " + version + " is not supported (this build reads "
                    + FORMAT_VERSION + "); upgrade SyncKit to read data from newer versions");
        }
        int count = r.readVarUint();
        // Each entry takes at least 4 bytes; refuse counts the input cannot hold before allocating.
        if (count > r.remaining() / 4) {
            throw new DecodeException("LwwMap claims " + count + " entries but only " + r.remaining()
                    + " bytes follow");
        }
        String[] keys = new String[count];
        Entry[] incoming = new Entry[count];
        for (int i = 0; i < count; i++) {
            keys[i] = r.readString();
            int counter = r.readVarUint();
            int replica = r.readVarUint();
            int flag = r.readByte();
            String value;
            if (flag == FLAG_VALUE) {
                value = r.readString();
            } else if (flag == FLAG_TOMBSTONE) {
                value = null;
            } else {
                throw new DecodeException("LwwMap entry " + i + " has unknown flag " + flag);
            }
            incoming[i] = new Entry(value, counter, replica);
        }
        if (r.hasRemaining()) {
            throw new DecodeException("LwwMap encoding has " + r.remaining() + " unexpected trailing bytes");
        }
        int changed = 0;
        for (int i = 0; i < count; i++) {
            Entry mine = entries.get(keys[i]);
            Entry theirs = incoming[i];
            if (mine == null || theirs.beats(mine)) {
                entries.put(keys[i], theirs);
                changed++;
            }
            if (theirs.counter > clock) {
                clock = theirs.counter;
            }
        }
        return changed;
    }

    private static void requireKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must be a string, got null");
        }
    }

    /** One write: a value (null for a tombstone) and its stamp. Immutable. */
    private static final class Entry {
        final String value;
        final int counter;
        final int replica;

        Entry(String value, int counter, int replica) {
            this.value = value;
            this.counter = counter;
            this.replica = replica;
        }

        boolean beats(Entry other) {
            if (counter != other.counter) {
                return counter > other.counter;
            }
            return replica > other.replica;
        }
    }
}
