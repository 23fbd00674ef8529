package io.synckit.core.text;

/**
 * A run of up to {@link #CAPACITY} consecutive items with the count of visible characters in them.
 * The document keeps a Fenwick tree over the blocks' counts, so finding the block that holds a
 * position is O(log n) and the scan inside a block is bounded by the capacity.
 */
final class Block {
    static final int CAPACITY = 64;

    final Item[] items = new Item[CAPACITY];
    int count;
    int visible;
    /** Position in the document's block list (kept current by the document). */
    int index;

    int indexOf(Item it) {
        for (int i = 0; i < count; i++) {
            if (items[i] == it) {
                return i;
            }
        }
        throw new IllegalStateException("item not in its block");
    }
}
