package io.synckit.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SyncClient#dropFirst}, which acknowledges a prefix of the outbox (SyncClient and SyncSession). */
class DropFirstTest {
    private static List<Integer> dropped(int size, int n) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            list.add(i);
        }
        SyncClient.dropFirst(list, n);
        return list;
    }

    @Test
    void removesExactlyThePrefixAndKeepsTheOrderOfTheRest() {
        assertEquals(Arrays.asList(2, 3, 4), dropped(5, 2));
        assertEquals(Arrays.asList(0, 1, 2), dropped(3, 0));
        assertEquals(Arrays.asList(), dropped(3, 3));
        assertEquals(Arrays.asList(9), dropped(10, 9));
        assertEquals(Arrays.asList(), dropped(0, 0));
    }
}
