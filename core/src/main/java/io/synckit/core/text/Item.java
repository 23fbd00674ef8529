package io.synckit.core.text;

/**
 * A run of consecutive characters inserted by one replica: ids (client, clock) .. (client, clock+len-1).
 * Its left and right origins are the ids of the characters that were its neighbours when it was
 * inserted; YATA orders concurrent inserts by them. A deleted item keeps its length and drops its text
 * (deletions are lengths, not per-character objects). Items split when an insert or delete lands
 * inside them; a split never changes the order (the right part's origin is the left part's last char).
 */
final class Item {
    final double client;
    int clock;
    int len;
    /** The characters; null once deleted. */
    String text;
    boolean deleted;

    boolean hasOrigin;
    double originClient;
    int originClock;
    boolean hasRightOrigin;
    double rightOriginClient;
    int rightOriginClock;

    /** Neighbours in document order, deleted items included. */
    Item left;
    Item right;
    /** The index block holding this item. */
    Block block;

    Item(double client, int clock, int len, String text) {
        this.client = client;
        this.clock = clock;
        this.len = len;
        this.text = text;
    }

    int visibleLength() {
        return deleted ? 0 : len;
    }

    int lastClock() {
        return clock + len - 1;
    }

    boolean sameOrigin(Item o) {
        return hasOrigin == o.hasOrigin && (!hasOrigin || (originClient == o.originClient && originClock == o.originClock));
    }

    boolean sameRightOrigin(Item o) {
        return hasRightOrigin == o.hasRightOrigin
                && (!hasRightOrigin || (rightOriginClient == o.rightOriginClient && rightOriginClock == o.rightOriginClock));
    }
}
