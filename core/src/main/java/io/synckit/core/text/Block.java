package io.synckit.core.text;

/**
 * A run of up to {@link #CAPACITY} consecutive items with the count of visible characters in them,
 * so finding the item at a position skips whole blocks. (A B-tree over blocks comes with the
 * performance work; this is O(n / CAPACITY + CAPACITY) per lookup.)
 */
final class Block {
    static final int CAPACITY = 64;

    final Item[] items = new Item[CAPACITY];
    int count;
    int visible;

    int indexOf(Item it) {
        for (int i = 0; i < count; i++) {
            if (items[i] == it) {
                return i;
            }
        }
        throw new IllegalStateException("item not in its block");
    }
}
