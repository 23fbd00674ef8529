package io.synckit.core.text;

import io.synckit.core.Replicated;
import io.synckit.core.causal.CausalContext;
import io.synckit.core.clock.ReplicaMap;
import io.synckit.core.codec.DecodeException;
import io.synckit.core.codec.Envelope;
import io.synckit.core.codec.Reader;
import io.synckit.core.codec.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collaborative plain text: a sequence CRDT that orders concurrent inserts exactly as Yjs does (YATA,
 * Nicolaescu et al. 2016, with Yjs's tie-break by client id), so that with the same replica ids and the
 * same operations the text equals Yjs's.
 *
 * <p>Every character has an id (client, clock); a client's clocks count the UTF-16 code units it has
 * inserted, from 0. Consecutive characters typed by one client are one {@link Item}. Deletions mark
 * items deleted and drop their text; which ranges are deleted travels as a delete set (client, clock,
 * length), like Yjs's. The state vector is each client's next clock.
 *
 * <p>Indices are UTF-16 code units, like JS strings. A surrogate pair is never split: an insert at an
 * index between the two halves of a pair happens before the pair, and a delete range that starts or
 * ends inside a pair grows to cover the whole pair.
 *
 * <p>Updates whose dependencies (earlier characters of the same client, or the origins) have not
 * arrived are kept pending and integrated when they do; so are deletes of characters not yet seen.
 */
public final class TextDoc extends Replicated<TextDoc.Update> {
    private static final int INFO_ORIGIN = 1;
    private static final int INFO_RIGHT_ORIGIN = 2;
    private static final int INFO_DELETED = 4;

    /** Per client: its items in clock order. */
    private final ReplicaMap<ClientItems> clients = new ReplicaMap<>();
    private final List<Block> blocks = new ArrayList<>();
    /** Fenwick tree (1-based) over blocks' visible counts: O(log n) position lookups. */
    private int[] fenwick = new int[16];
    private Item head;
    private int length;
    private String cached;
    private int cachedRevision = -1;
    /**
     * Typing cache: the item holding the last locally inserted characters, and the visible position
     * just after them. Valid while nothing else has changed the structure (structureVersion), it lets
     * the next keystroke skip the position lookup entirely.
     */
    private Item cursor;
    private int cursorEnd;
    private int cursorVersion = -1;
    private int structureVersion;
    /**
     * Text typed onto {@link #typedItem} and not yet in its {@code text}: appending to a String copies
     * it, so a run of keystrokes cost O(run length) each (over half of the JS engine's apply time on
     * automerge-paper). Every path other than typing calls {@link #flushTyping} first.
     */
    private final StringBuilder typed = new StringBuilder();
    private Item typedItem;
    /** Visible changes since the last {@link #takeChanges}, when recording (see there). */
    private List<Object> changes;
    /**
     * Local deletions (client, clock, length) since the last {@link #encodeLocalChanges}; null until its
     * first call, so a document that is not synced records nothing.
     */
    private List<double[]> localDeletes;
    /** Set while {@link #encodeLocalChanges} writes: the delete set is {@link #localDeletes} only. */
    private boolean writingLocalChanges;
    /** Items and deletes received before their dependencies. */
    private List<Item> pendingItems = new ArrayList<>();
    private final List<double[]> pendingDeletes = new ArrayList<>();

    public TextDoc(double replicaId) {
        super(Envelope.TYPE_TEXT, "TextDoc", replicaId);
    }

    /** Visible length in UTF-16 code units. */
    public int length() {
        return length;
    }

    /** Moves deferred typed text into its item (see {@link #typed}). */
    private void flushTyping() {
        if (typedItem != null) {
            typedItem.text = typed.toString();
            typedItem = null;
        }
    }

    @Override
    public String toString() {
        flushTyping();
        if (cachedRevision != revision() || cached == null) {
            StringBuilder sb = new StringBuilder(length);
            for (Item it = head; it != null; it = it.right) {
                if (!it.deleted) {
                    sb.append(it.text);
                }
            }
            cached = sb.toString();
            cachedRevision = revision();
        }
        return cached;
    }

    /**
     * Starts or stops recording visible changes. While on, every change to the visible text, local or
     * merged, is logged as it happens; {@link #takeChanges} hands the log over. Off by default: it costs
     * a position lookup per merged item.
     */
    public void recordChanges(boolean on) {
        changes = on ? new ArrayList<>() : null;
    }

    /**
     * The changes since the last call, in order, each [position, text] for an insert or [position,
     * -length] for a delete, positions in the text as it was just before that change. Editor bindings
     * fold them into one retain/insert/delete delta. Empty when not recording.
     */
    public List<Object> takeChanges() {
        List<Object> out = changes == null ? new ArrayList<>() : changes;
        if (changes != null) {
            changes = new ArrayList<>();
        }
        return out;
    }

    private void logInsert(int position, String text) {
        if (changes != null) {
            changes.add(pair((double) position, text));
        }
    }

    private void logDelete(int position, int count) {
        if (changes != null) {
            changes.add(pair((double) position, (double) -count));
        }
    }

    private static List<Object> pair(Object a, Object b) {
        List<Object> p = new ArrayList<>(2);
        p.add(a);
        p.add(b);
        return p;
    }

    /** Visible characters before {@code it} (only used while recording changes). */
    private int positionOf(Item it) {
        Block b = it.block;
        int pos = visibleBefore(b.index);
        for (int i = 0; i < b.count && b.items[i] != it; i++) {
            pos += b.items[i].visibleLength();
        }
        return pos;
    }

    // ---- local operations ----

    public void insert(int index, String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must be a string; got null");
        }
        if (index < 0 || index > length) {
            throw new IllegalArgumentException("index " + index + " is outside the text (length " + length + ")");
        }
        if (text.isEmpty()) {
            return;
        }
        Item left;
        if (cursorVersion == structureVersion && index == cursorEnd && !cursor.deleted
                && !Character.isHighSurrogate(cursor == typedItem ? typed.charAt(typed.length() - 1) : cursor.text.charAt(cursor.len - 1))) {
            left = cursor; // typing on: the previous insert's item ends right here
        } else {
            flushTyping();
            if (index > 0 && index < length && splitsPair(index)) {
                index--; // never split a surrogate pair: insert before it
            }
            left = index == 0 ? null : cleanEndAtVisible(index - 1);
        }
        Item right = left == null ? head : left.right;
        // Like Yjs's YText.insert: step over deleted characters right of the position, so the insert
        // is anchored after them and before the next visible one. This decides the origins, and with
        // them the order among concurrent inserts, so it must match Yjs exactly.
        while (right != null && right.deleted) {
            left = right;
            right = right.right;
        }
        ClientItems mine = clientItems(replica);
        int clock = mine.nextClock;
        if (clock > Integer.MAX_VALUE - text.length()) {
            throw new IllegalStateException("this replica has inserted 2^31 characters; use a new replica id");
        }
        // Sequential typing: extend our own item instead of adding one.
        if (left != null && left.client == replica && !left.deleted && left.lastClock() == clock - 1
                && mine.last() == left && (right == null ? !left.hasRightOrigin
                        : left.hasRightOrigin && left.rightOriginClient == right.client && left.rightOriginClock == right.clock)) {
            if (typedItem != left) {
                flushTyping();
                typed.setLength(0);
                typed.append(left.text);
                typedItem = left;
            }
            typed.append(text);
            left.len += text.length();
            addVisible(left.block, text.length());
            mine.nextClock += text.length();
            cursor = left;
        } else {
            Item it = new Item(replica, clock, text.length(), text);
            if (left != null) {
                it.hasOrigin = true;
                it.originClient = left.client;
                it.originClock = left.lastClock();
            }
            if (right != null) {
                it.hasRightOrigin = true;
                it.rightOriginClient = right.client;
                it.rightOriginClock = right.clock;
            }
            link(it, left);
            mine.append(it);
            cursor = it;
        }
        length += text.length();
        structureVersion++;
        cursorVersion = structureVersion;
        cursorEnd = index + text.length();
        logInsert(index, text);
        changed();
    }

    public void delete(int index, int count) {
        if (index < 0 || count < 0 || index > length - count) {
            throw new IllegalArgumentException("cannot delete " + count + " at " + index + " in a text of length " + length);
        }
        if (count == 0) {
            return;
        }
        flushTyping();
        if (cursorVersion == structureVersion && index + count == cursorEnd && count < cursor.len && !cursor.deleted
                && !Character.isLowSurrogate(cursor.text.charAt(cursor.len - count))
                && !Character.isHighSurrogate(cursor.text.charAt(cursor.len - 1))) {
            backspace(index, count);
            return;
        }
        int end = index + count;
        if (index > 0 && splitsPair(index)) {
            index--;
        }
        if (end < length && splitsPair(end)) {
            end++;
        }
        Item first = cleanStartAtVisible(index);
        int remaining = end - index;
        logDelete(index, remaining);
        Item last = null;
        for (Item it = first; it != null && remaining > 0; it = it.right) {
            if (it.deleted) {
                continue;
            }
            if (it.len > remaining) {
                split(it, remaining);
            }
            remaining -= it.len;
            recordLocalDelete(it);
            markDeleted(it);
            last = mergeDeletedWithLeft(it);
            it = last;
        }
        if (last != null && last.right != null) {
            mergeDeletedWithLeft(last.right);
        }
        changed();
    }

    /**
     * Deletes the last {@code count} characters of the typing cursor's item (backspace while typing: no
     * position lookup). When the item's own deleted continuation follows it (earlier backspaces), that
     * run grows leftwards: no new item, no index change. Either way the cursor stays valid.
     */
    private void backspace(int index, int count) {
        Item x = cursor;
        Item r = x.right;
        logDelete(index, count);
        if (r != null && r.deleted && r.client == x.client && r.clock == x.clock + x.len && r.hasOrigin
                && r.originClient == x.client && r.originClock == x.lastClock() && r.sameRightOrigin(x)) {
            // r was split off x: moving the boundary keeps every character's origins (r's first
            // character's origin is still the character before it).
            r.clock -= count;
            r.len += count;
            r.originClock -= count;
            if (localDeletes != null) {
                localDeletes.add(new double[] {x.client, r.clock, count});
            }
            x.len -= count;
            x.text = x.text.substring(0, x.len);
            addVisible(x.block, -count);
            length -= count;
        } else {
            Item d = split(x, x.len - count);
            recordLocalDelete(d);
            markDeleted(d);
            if (d.right != null) {
                mergeDeletedWithLeft(d.right);
            }
        }
        structureVersion++;
        cursor = x;
        cursorEnd = index;
        cursorVersion = structureVersion;
        changed();
    }

    /** True when the code units at index-1 and index are one surrogate pair. Splits nothing. */
    private boolean splitsPair(int index) {
        Item a = itemAtVisible(index - 1);
        char c = a.text.charAt(index - 1 - positionBefore);
        if (!Character.isHighSurrogate(c)) {
            return false; // the common case: one lookup, no split
        }
        if (index - positionBefore < a.len) {
            return Character.isLowSurrogate(a.text.charAt(index - positionBefore));
        }
        Item b = a.right;
        while (b != null && b.deleted) {
            b = b.right;
        }
        return b != null && Character.isLowSurrogate(b.text.charAt(0));
    }

    // ---- position index ----

    /** Changes a block's visible count, in the block and in the Fenwick tree. */
    private void addVisible(Block b, int delta) {
        structureVersion++; // any change of visible counts moves positions: the typing cache is stale
        b.visible += delta;
        for (int i = b.index + 1; i < fenwick.length; i += i & -i) {
            fenwick[i] += delta;
        }
    }

    /** Renumbers the blocks and rebuilds the tree (after a block split: every CAPACITY/2 inserts at most). */
    private void rebuildIndex() {
        int n = blocks.size();
        if (fenwick.length < n + 1) {
            fenwick = new int[Math.max(16, Integer.highestOneBit(n) * 4)];
        } else {
            java.util.Arrays.fill(fenwick, 0);
        }
        for (int i = 0; i < n; i++) {
            Block b = blocks.get(i);
            b.index = i;
            fenwick[i + 1] = b.visible;
        }
        // Every node, empty ones past the last block included, passes its sum to its parent.
        for (int i = 1; i < fenwick.length; i++) {
            int parent = i + (i & -i);
            if (parent < fenwick.length) {
                fenwick[parent] += fenwick[i];
            }
        }
    }

    /** Visible characters in the blocks before block {@code index}. */
    private int visibleBefore(int index) {
        int sum = 0;
        for (int i = index; i > 0; i -= i & -i) {
            sum += fenwick[i];
        }
        return sum;
    }

    /** The item whose last visible character is the one at {@code index}, split so it ends there. */
    private Item cleanEndAtVisible(int index) {
        Item it = itemAtVisible(index);
        int offset = index - positionBefore;
        if (offset < it.len - 1) {
            split(it, offset + 1);
        }
        return it;
    }

    /** The item that starts with the visible character at {@code index}, split so it starts there. */
    private Item cleanStartAtVisible(int index) {
        Item it = itemAtVisible(index);
        int offset = index - positionBefore;
        return offset > 0 ? split(it, offset) : it;
    }

    /** Set by {@link #itemAtVisible}: the visible position of the returned item's first character. */
    private int positionBefore;

    private Item itemAtVisible(int index) {
        // Largest block prefix whose visible count is <= index: the block after it holds the position.
        int pos = 0;
        int rem = index;
        for (int step = Integer.highestOneBit(fenwick.length - 1); step > 0; step >>= 1) {
            int next = pos + step;
            if (next < fenwick.length && fenwick[next] <= rem) {
                pos = next;
                rem -= fenwick[next];
            }
        }
        if (pos >= blocks.size()) {
            throw new IllegalStateException("index " + index + " past the end (" + length + ")");
        }
        Block b = blocks.get(pos);
        int at = index - rem;
        for (int i = 0; i < b.count; i++) {
            Item it = b.items[i];
            int v = it.visibleLength();
            if (index < at + v) {
                positionBefore = at;
                return it;
            }
            at += v;
        }
        throw new IllegalStateException("position index out of step at " + index);
    }

    /** Inserts {@code it} after {@code left} (at the start when null), in the list and in the blocks. */
    private void link(Item it, Item left) {
        Item right = left == null ? head : left.right;
        it.left = left;
        it.right = right;
        if (left == null) {
            head = it;
        } else {
            left.right = it;
        }
        if (right != null) {
            right.left = it;
        }
        Block b;
        int at;
        if (left == null) {
            if (blocks.isEmpty()) {
                blocks.add(new Block());
                rebuildIndex();
            }
            b = blocks.get(0);
            at = 0;
        } else {
            b = left.block;
            at = b.indexOf(left) + 1;
        }
        if (b.count == Block.CAPACITY) {
            Block half = new Block();
            int move = Block.CAPACITY / 2;
            System.arraycopy(b.items, Block.CAPACITY - move, half.items, 0, move);
            for (int i = Block.CAPACITY - move; i < Block.CAPACITY; i++) {
                b.items[i] = null;
            }
            b.count -= move;
            half.count = move;
            for (int i = 0; i < move; i++) {
                half.items[i].block = half;
                int v = half.items[i].visibleLength();
                b.visible -= v;
                half.visible += v;
            }
            blocks.add(b.index + 1, half);
            rebuildIndex();
            if (at > b.count) {
                at -= b.count;
                b = half;
            }
        }
        System.arraycopy(b.items, at, b.items, at + 1, b.count - at);
        b.items[at] = it;
        b.count++;
        it.block = b;
        addVisible(b, it.visibleLength());
    }

    /** Splits {@code it} after {@code offset} characters; returns the right part. */
    private Item split(Item it, int offset) {
        Item r = new Item(it.client, it.clock + offset, it.len - offset, it.text == null ? null : it.text.substring(offset));
        r.deleted = it.deleted;
        r.hasOrigin = true;
        r.originClient = it.client;
        r.originClock = it.clock + offset - 1;
        r.hasRightOrigin = it.hasRightOrigin;
        r.rightOriginClient = it.rightOriginClient;
        r.rightOriginClock = it.rightOriginClock;
        if (it.text != null) {
            it.text = it.text.substring(0, offset);
        }
        it.len = offset;
        // r's visible characters move from it to r: take them off it's block; link adds them where r lands.
        addVisible(it.block, -r.visibleLength());
        link(r, it);
        clientItems(it.client).insertAfter(it, r);
        return r;
    }

    private void recordLocalDelete(Item it) {
        if (localDeletes != null && !it.deleted) {
            localDeletes.add(new double[] {it.client, it.clock, it.len});
        }
    }

    /**
     * Like {@link #encodeDiff}, but the delete set holds only the deletions made here since the last
     * call, not every deletion in the document: a diff must carry the whole delete set (state vectors
     * do not cover deletions), which made each keystroke's update grow with the document's history.
     * The first call starts the recording; deletions before it are not included.
     */
    @Override
    public byte[] encodeLocalChanges(byte[] sinceStateVector) {
        if (localDeletes == null) {
            localDeletes = new ArrayList<>();
        }
        writingLocalChanges = true;
        try {
            return encodeDiff(sinceStateVector);
        } finally {
            writingLocalChanges = false;
            localDeletes.clear();
        }
    }

    private void markDeleted(Item it) {
        if (!it.deleted) {
            addVisible(it.block, -it.len);
            length -= it.len;
            it.deleted = true;
            it.text = null;
        }
    }

    /**
     * Merges deleted item {@code r} into its left neighbour when they are one run that a split cut in
     * two (same client, consecutive clocks, r's origin is the left's last character, same right origin,
     * both deleted, same block). The characters keep the same origins, so integration is unchanged;
     * the document gets fewer items, which is memory and encoding size. Returns the surviving item.
     */
    private Item mergeDeletedWithLeft(Item r) {
        Item l = r.left;
        if (l == null || !l.deleted || !r.deleted || l.client != r.client || l.lastClock() + 1 != r.clock
                || !r.hasOrigin || r.originClient != l.client || r.originClock != l.lastClock()
                || !l.sameRightOrigin(r) || l.block != r.block) {
            return r;
        }
        l.len += r.len;
        l.right = r.right;
        if (r.right != null) {
            r.right.left = l;
        }
        structureVersion++;
        Block b = r.block;
        int at = b.indexOf(r);
        System.arraycopy(b.items, at + 1, b.items, at, b.count - at - 1);
        b.items[--b.count] = null;
        clientItems(r.client).remove(r);
        return l;
    }

    // ---- lookup by id ----

    private ClientItems clientItems(double client) {
        ClientItems c = clients.get(client);
        if (c == null) {
            c = new ClientItems();
            clients.put(client, c);
        }
        return c;
    }

    private int nextClock(double client) {
        ClientItems c = clients.get(client);
        return c == null ? 0 : c.nextClock;
    }

    /** The item starting exactly at (client, clock), splitting if needed. The id must exist. */
    private Item cleanStart(double client, int clock) {
        Item it = clients.get(client).find(clock);
        return clock > it.clock ? split(it, clock - it.clock) : it;
    }

    /** The item ending exactly at (client, clock), splitting if needed. The id must exist. */
    private Item cleanEnd(double client, int clock) {
        Item it = clients.get(client).find(clock);
        if (clock < it.lastClock()) {
            split(it, clock - it.clock + 1);
        }
        return it;
    }

    private Item itemAt(double client, int clock) {
        return clients.get(client).find(clock);
    }

    // ---- integration (YATA, as Yjs does it) ----

    /**
     * Integrates a remote item whose dependencies are present. Between the item's left and right
     * origins, items that conflict with it are ordered by these rules (Yjs's Item.integrate): an item
     * with the same left origin goes first if its client id is lower; an item whose origin lies between
     * ours and it (inside the scanned region) and is not itself conflicting moves our position past it;
     * scanning stops at the first item outside those cases.
     */
    private void integrate(Item it) {
        Item left = it.hasOrigin ? cleanEnd(it.originClient, it.originClock) : null;
        Item right = it.hasRightOrigin ? cleanStart(it.rightOriginClient, it.rightOriginClock) : null;
        if ((left == null && (right == null || right.left != null)) || (left != null && left.right != right)) {
            Item o = left == null ? head : left.right;
            Set<Item> conflicting = new HashSet<>();
            Set<Item> beforeOrigin = new HashSet<>();
            while (o != null && o != right) {
                beforeOrigin.add(o);
                conflicting.add(o);
                if (it.sameOrigin(o)) {
                    if (o.client < it.client) {
                        left = o;
                        conflicting.clear();
                    } else if (it.sameRightOrigin(o)) {
                        break;
                    }
                } else if (o.hasOrigin && beforeOrigin.contains(itemAt(o.originClient, o.originClock))) {
                    if (!conflicting.contains(itemAt(o.originClient, o.originClock))) {
                        left = o;
                        conflicting.clear();
                    }
                } else {
                    break;
                }
                o = o.right;
            }
        }
        link(it, left);
        clientItems(it.client).append(it);
        if (!it.deleted) {
            length += it.len;
            if (changes != null) {
                logInsert(positionOf(it), it.text);
            }
        } else {
            mergeDeletedWithLeft(it);
        }
    }

    /** True when everything {@code it} refers to is here. */
    private boolean ready(Item it) {
        return it.clock <= nextClock(it.client)
                && (!it.hasOrigin || it.originClock < nextClock(it.originClient))
                && (!it.hasRightOrigin || it.rightOriginClock < nextClock(it.rightOriginClient));
    }

    // ---- sync ----

    @Override
    protected CausalContext context() {
        CausalContext c = new CausalContext();
        for (int i = 0; i < clients.size(); i++) {
            int next = clients.valueAt(i).nextClock;
            if (next > 0) {
                c.addRange(clients.idAt(i), 1, next); // clocks 0..next-1 as sequence numbers 1..next
            }
        }
        return c;
    }

    @Override
    protected void writeDiff(Writer w, CausalContext peer) {
        flushTyping();
        // 1. Per client, the items from the peer's next clock on, as runs (see below).
        List<double[]> clientsWritten = new ArrayList<>();
        // The visible text of all items, in the order they are written: one string after the items
        // (a decoder makes one string and slices it, instead of one string per item).
        StringBuilder content = new StringBuilder();
        List<List<Item>> runsPerClient = new ArrayList<>();
        ReplicaMap<Integer> table = new ReplicaMap<>();
        for (int i = 0; i < clients.size(); i++) {
            double client = clients.idAt(i);
            ClientItems c = clients.valueAt(i);
            int from = peer.max(client);
            if (from >= c.nextClock) {
                continue;
            }
            // Runs that splits cut apart (consecutive clocks, each part's origin the previous part's
            // last character, same right origin, same deleted state) are written as one item: the
            // characters keep their origins, and equal documents encode to equal bytes however they
            // were split.
            List<Item> runs = new ArrayList<>();
            List<Item> source = new ArrayList<>();
            c.collectFrom(from, source);
            for (int j = 0; j < source.size(); j++) {
                Item it = source.get(j);
                int skip = j == 0 ? from - it.clock : 0;
                Item run = runs.isEmpty() ? null : runs.get(runs.size() - 1);
                if (run != null && skip == 0 && run.deleted == it.deleted && run.lastClock() + 1 == it.clock
                        && it.hasOrigin && it.originClient == client && it.originClock == run.lastClock()
                        && run.sameRightOrigin(it)) {
                    run.len += it.len;
                    if (!it.deleted) {
                        content.append(it.text);
                    }
                    continue;
                }
                if (!it.deleted) {
                    content.append(it.text, skip, it.text.length());
                }
                Item copy = new Item(client, it.clock + skip, it.len - skip, null);
                copy.deleted = it.deleted;
                copy.hasOrigin = skip > 0 || it.hasOrigin;
                copy.originClient = skip > 0 ? client : it.originClient;
                copy.originClock = skip > 0 ? it.clock + skip - 1 : it.originClock;
                copy.hasRightOrigin = it.hasRightOrigin;
                copy.rightOriginClient = it.rightOriginClient;
                copy.rightOriginClock = it.rightOriginClock;
                runs.add(copy);
                table.put(client, 0);
                if (copy.hasOrigin) {
                    table.put(copy.originClient, 0);
                }
                if (copy.hasRightOrigin) {
                    table.put(copy.rightOriginClient, 0);
                }
            }
            clientsWritten.add(new double[] {client, from});
            runsPerClient.add(runs);
        }
        // 2. Clients are written once, in a table; items refer to them by index.
        w.writeVarUint(table.size());
        for (int i = 0; i < table.size(); i++) {
            w.writeVarUint53(table.idAt(i));
            table.put(table.idAt(i), i);
        }
        w.writeVarUint(clientsWritten.size());
        for (int i = 0; i < clientsWritten.size(); i++) {
            double client = clientsWritten.get(i)[0];
            List<Item> runs = runsPerClient.get(i);
            w.writeVarUint(table.get(client)).writeVarUint((int) clientsWritten.get(i)[1]).writeVarUint(runs.size());
            for (Item run : runs) {
                writeItem(w, run, table);
            }
        }
        w.writeString(content.toString());
        // 3. Deletions of characters the peer already has (the items above carry their own state).
        List<int[]> ranges = new ArrayList<>();
        Writer dels = new Writer();
        int deleteClients = 0;
        for (int i = 0; i < clients.size(); i++) {
            double client = clients.idAt(i);
            ClientItems c = clients.valueAt(i);
            int limit = Math.min(peer.max(client), c.nextClock);
            ranges.clear();
            List<Item> all = new ArrayList<>();
            if (writingLocalChanges) {
                localDeleteRanges(client, ranges);
            } else if (limit > 0) {
                c.collectFrom(0, all);
            }
            for (int j = 0; j < all.size() && all.get(j).clock < limit; j++) {
                Item it = all.get(j);
                if (!it.deleted) {
                    continue;
                }
                int end = Math.min(it.clock + it.len, limit);
                int[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
                if (last != null && last[0] + last[1] == it.clock) {
                    last[1] = end - last[0];
                } else {
                    ranges.add(new int[] {it.clock, end - it.clock});
                }
            }
            if (!ranges.isEmpty()) {
                deleteClients++;
                dels.writeVarUint53(client).writeVarUint(ranges.size());
                int prevEnd = 0;
                for (int[] r : ranges) {
                    dels.writeVarUint(r[0] - prevEnd).writeVarUint(r[1]); // gaps and lengths
                    prevEnd = r[0] + r[1];
                }
            }
        }
        w.writeVarUint(deleteClients);
        byte[] d = dels.toByteArray();
        for (byte b : d) {
            w.writeByte(b);
        }
    }

    /** The recorded local deletions of {@code client}'s characters as sorted, merged [clock, length] ranges. */
    private void localDeleteRanges(double client, List<int[]> out) {
        List<int[]> mine = new ArrayList<>();
        for (double[] d : localDeletes) {
            if (d[0] == client) {
                mine.add(new int[] {(int) d[1], (int) d[2]});
            }
        }
        mine.sort((a, b) -> Integer.compare(a[0], b[0]));
        for (int[] r : mine) {
            int[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && r[0] <= last[0] + last[1]) {
                last[1] = Math.max(last[1], r[0] + r[1] - last[0]);
            } else {
                out.add(r);
            }
        }
    }

    /**
     * An item: flags, origin (client index and, for the same client, the distance back from the item's
     * first clock), right origin (likewise), then its length. The text of the visible items follows
     * all items as one string.
     */
    private static void writeItem(Writer w, Item it, ReplicaMap<Integer> table) {
        int info = (it.hasOrigin ? INFO_ORIGIN : 0) | (it.hasRightOrigin ? INFO_RIGHT_ORIGIN : 0) | (it.deleted ? INFO_DELETED : 0);
        w.writeByte(info);
        if (it.hasOrigin) {
            writeRef(w, table, it, it.originClient, it.originClock);
        }
        if (it.hasRightOrigin) {
            writeRef(w, table, it, it.rightOriginClient, it.rightOriginClock);
        }
        w.writeVarUint(it.len); // the text is in the content string after the items
    }

    private static void writeRef(Writer w, ReplicaMap<Integer> table, Item it, double client, int clock) {
        w.writeVarUint(table.get(client));
        // Ids of the item's own client that it refers to existed before it: write the distance back.
        w.writeVarUint(client == it.client ? it.clock - 1 - clock : clock);
    }

    @Override
    protected Update readUpdate(Reader r) {
        int tableSize = r.readCount(1, "TextDoc client table");
        double[] table = new double[tableSize];
        for (int i = 0; i < tableSize; i++) {
            table[i] = r.readVarUint53();
            if (i > 0 && table[i] <= table[i - 1]) {
                throw new DecodeException("TextDoc update: client table out of order");
            }
        }
        List<Item> items = new ArrayList<>();
        int clientCount = r.readCount(3, "TextDoc update");
        int prevIndex = -1;
        for (int i = 0; i < clientCount; i++) {
            int index = r.readVarUint();
            if (index >= tableSize || index <= prevIndex) {
                throw new DecodeException("TextDoc update: bad client index " + index);
            }
            prevIndex = index;
            double client = table[index];
            int clock = r.readVarUint();
            int n = r.readCount(2, "TextDoc items");
            for (int j = 0; j < n; j++) {
                int info = r.readByte();
                if ((info & ~7) != 0) {
                    throw new DecodeException("TextDoc update: unknown item flags " + info);
                }
                Item it = new Item(client, clock, 0, null);
                if ((info & INFO_ORIGIN) != 0) {
                    it.hasOrigin = true;
                    it.originClient = readClient(r, table);
                    it.originClock = readClock(r, it, it.originClient);
                }
                if ((info & INFO_RIGHT_ORIGIN) != 0) {
                    it.hasRightOrigin = true;
                    it.rightOriginClient = readClient(r, table);
                    it.rightOriginClock = readClock(r, it, it.rightOriginClient);
                }
                it.deleted = (info & INFO_DELETED) != 0;
                it.len = r.readVarUint();
                if (it.len == 0 || it.len > Integer.MAX_VALUE - clock) {
                    throw new DecodeException("TextDoc update: item " + j + " of client " + i + " has a bad length");
                }
                clock += it.len;
                items.add(it);
            }
        }
        String content = r.readString();
        int at = 0;
        for (Item it : items) {
            if (!it.deleted) {
                if (it.len > content.length() - at) {
                    throw new DecodeException("TextDoc update: the items hold more text than the update carries");
                }
                it.text = content.substring(at, at + it.len);
                at += it.len;
            }
        }
        if (at != content.length()) {
            throw new DecodeException("TextDoc update: " + (content.length() - at) + " characters of text belong to no item");
        }
        int deleteClients = r.readCount(3, "TextDoc delete set");
        List<double[]> deletes = new ArrayList<>();
        double prevClient = -1;
        for (int i = 0; i < deleteClients; i++) {
            double client = r.readVarUint53();
            if (client <= prevClient) {
                throw new DecodeException("TextDoc delete set: clients out of order");
            }
            prevClient = client;
            int n = r.readCount(2, "TextDoc delete ranges");
            int prevEnd = 0;
            for (int j = 0; j < n; j++) {
                int gap = r.readVarUint();
                int len = r.readVarUint();
                if (len == 0 || gap > Integer.MAX_VALUE - prevEnd || len > Integer.MAX_VALUE - prevEnd - gap) {
                    throw new DecodeException("TextDoc delete set: bad range");
                }
                int clock = prevEnd + gap;
                deletes.add(new double[] {client, clock, len});
                prevEnd = clock + len;
            }
        }
        return new Update(items, deletes);
    }

    private static double readClient(Reader r, double[] table) {
        int index = r.readVarUint();
        if (index >= table.length) {
            throw new DecodeException("TextDoc update: client index " + index + " outside the table");
        }
        return table[index];
    }

    private static int readClock(Reader r, Item it, double client) {
        int v = r.readVarUint();
        if (client != it.client) {
            return v;
        }
        if (v > it.clock - 1) {
            throw new DecodeException("TextDoc update: an item refers to a later character of its own client");
        }
        return it.clock - 1 - v;
    }

    @Override
    protected boolean merge(Update u) {
        flushTyping();
        int before = revisionProbe;
        List<Item> queue = pendingItems;
        queue.addAll(u.items);
        boolean progress = true;
        while (progress && !queue.isEmpty()) {
            progress = false;
            List<Item> still = new ArrayList<>();
            for (Item it : queue) {
                int next = nextClock(it.client);
                int known = Math.min(it.len, next - it.clock); // characters of it we already have
                if (known > 0 && it.deleted) {
                    // A diff made for an older state vector may repeat characters we have: their
                    // deletion still counts (the delete set only covers what the peer had).
                    u.deletes.add(new double[] {it.client, it.clock, known});
                }
                if (known >= it.len) {
                    continue; // already have all of it
                }
                if (known > 0) {
                    trimFront(it, known);
                }
                if (ready(it)) {
                    integrate(it);
                    revisionProbe++;
                    progress = true;
                } else {
                    still.add(it);
                }
            }
            queue = still;
        }
        pendingItems = queue;
        pendingDeletes.addAll(u.deletes);
        for (int i = 0; i < pendingDeletes.size(); i++) {
            if (applyDelete(pendingDeletes.get(i))) {
                pendingDeletes.remove(i--);
            }
        }
        return revisionProbe != before;
    }

    @Override
    public boolean hasPending() {
        return !pendingItems.isEmpty() || !pendingDeletes.isEmpty();
    }

    /** Counts integrations and deletions during a merge, to report whether anything changed. */
    private int revisionProbe;

    /** Drops the first {@code n} characters of a pending item we already have. */
    private static void trimFront(Item it, int n) {
        it.hasOrigin = true;
        it.originClient = it.client;
        it.originClock = it.clock + n - 1;
        it.clock += n;
        it.len -= n;
        if (it.text != null) {
            it.text = it.text.substring(n);
        }
    }

    /** Deletes what is here of a range; returns true when the whole range was here. */
    private boolean applyDelete(double[] d) {
        double client = d[0];
        int clock = (int) d[1];
        int end = clock + (int) d[2];
        int have = Math.min(end, nextClock(client));
        if (have > clock) {
            Item it = cleanStart(client, clock);
            while (it != null && it.clock < have) {
                if (it.lastClock() >= have) {
                    split(it, have - it.clock);
                }
                if (!it.deleted) {
                    if (changes != null) {
                        logDelete(positionOf(it), it.len);
                    }
                    markDeleted(it);
                    revisionProbe++;
                }
                it = mergeDeletedWithLeft(it);
                Item next = clients.get(client).after(it);
                if (it.right != null && it.right != next) {
                    mergeDeletedWithLeft(it.right);
                }
                it = next;
            }
        }
        if (have < end) {
            d[1] = Math.max(clock, have);
            d[2] = end - d[1];
            return false;
        }
        return true;
    }

    /** A decoded update: items (in clock order per client) and delete ranges (client, clock, len). */
    static final class Update {
        final List<Item> items;
        final List<double[]> deletes;

        Update(List<Item> items, List<double[]> deletes) {
            this.items = items;
            this.deletes = deletes;
        }
    }

    /**
     * One client's items in clock order, and its next clock. Chunks of up to {@link #CHUNK} items, not one
     * array: an edit in the middle of a long document splits an item, and inserting the new part into a
     * flat array of every item the client ever made cost O(n) per edit.
     */
    static final class ClientItems {
        static final int CHUNK = 128;
        private final List<Item[]> chunks = new ArrayList<>();
        private final List<int[]> counts = new ArrayList<>(); // one-element arrays: each chunk's size
        int nextClock;
        /** Set by {@link #locate}. */
        private int chunkAt;
        private int indexAt;

        Item last() {
            if (chunks.isEmpty()) {
                return null;
            }
            int c = chunks.size() - 1;
            return chunks.get(c)[counts.get(c)[0] - 1];
        }

        void append(Item it) {
            int c = chunks.size() - 1;
            if (c < 0 || counts.get(c)[0] == CHUNK) {
                chunks.add(new Item[CHUNK]);
                counts.add(new int[1]);
                c++;
            }
            chunks.get(c)[counts.get(c)[0]++] = it;
            nextClock = it.clock + it.len;
        }

        void insertAfter(Item it, Item r) {
            locate(it.clock);
            Item[] chunk = chunks.get(chunkAt);
            int[] n = counts.get(chunkAt);
            int i = indexAt + 1;
            if (n[0] == CHUNK) {
                Item[] half = new Item[CHUNK];
                int move = CHUNK / 2;
                System.arraycopy(chunk, CHUNK - move, half, 0, move);
                java.util.Arrays.fill(chunk, CHUNK - move, CHUNK, null);
                n[0] -= move;
                chunks.add(chunkAt + 1, half);
                counts.add(chunkAt + 1, new int[] {move});
                if (i > n[0]) {
                    i -= n[0];
                    chunk = half;
                    n = counts.get(chunkAt + 1);
                }
            }
            System.arraycopy(chunk, i, chunk, i + 1, n[0] - i);
            chunk[i] = r;
            n[0]++;
        }

        void remove(Item it) {
            locate(it.clock);
            Item[] chunk = chunks.get(chunkAt);
            int[] n = counts.get(chunkAt);
            System.arraycopy(chunk, indexAt + 1, chunk, indexAt, n[0] - indexAt - 1);
            chunk[--n[0]] = null;
            if (n[0] == 0) {
                chunks.remove(chunkAt);
                counts.remove(chunkAt);
            }
        }

        Item after(Item it) {
            locate(it.clock);
            if (indexAt + 1 < counts.get(chunkAt)[0]) {
                return chunks.get(chunkAt)[indexAt + 1];
            }
            return chunkAt + 1 < chunks.size() ? chunks.get(chunkAt + 1)[0] : null;
        }

        Item find(int clock) {
            locate(clock);
            return chunks.get(chunkAt)[indexAt];
        }

        /** Adds to {@code out}, in clock order, the item containing {@code clock} and every later one. */
        void collectFrom(int clock, List<Item> out) {
            locate(clock);
            for (int c = chunkAt; c < chunks.size(); c++) {
                Item[] chunk = chunks.get(c);
                int n = counts.get(c)[0];
                for (int i = c == chunkAt ? indexAt : 0; i < n; i++) {
                    out.add(chunk[i]);
                }
            }
        }

        /** Finds the item containing {@code clock} (which must be below nextClock). */
        private void locate(int clock) {
            int lo = 0;
            int hi = chunks.size() - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (chunks.get(mid)[0].clock <= clock) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            Item[] chunk = chunks.get(lo);
            int a = 0;
            int b = counts.get(lo)[0] - 1;
            while (a < b) {
                int mid = (a + b + 1) >>> 1;
                if (chunk[mid].clock <= clock) {
                    a = mid;
                } else {
                    b = mid - 1;
                }
            }
            chunkAt = lo;
            indexAt = a;
        }
    }
}
