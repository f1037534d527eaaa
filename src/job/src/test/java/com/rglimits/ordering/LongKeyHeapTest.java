package com.rglimits.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LongKeyHeapTest {
    @Test
    void pollsInKeyOrderLikeAPriorityQueueThroughInterleavedAddsAndPolls() {
        Random random = new Random(7);
        LongKeyHeap<long[]> heap = new LongKeyHeap<>();
        PriorityQueue<long[]> reference = new PriorityQueue<>(Comparator.comparingLong(v -> v[0]));
        List<Long> polled = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            if (random.nextInt(3) > 0 || reference.isEmpty()) {
                long[] v = {random.nextInt(500), i};
                heap.add(v[0], v);
                reference.add(v);
            } else {
                assertThat(heap.peekKey()).isEqualTo(reference.peek()[0]);
                polled.add(heap.poll()[0]);
                expected.add(reference.poll()[0]);
            }
        }
        while (!reference.isEmpty()) {
            polled.add(heap.poll()[0]);
            expected.add(reference.poll()[0]);
        }
        assertThat(heap.isEmpty()).isTrue();
        assertThat(polled).isEqualTo(expected).hasSizeGreaterThan(10_000);
    }

    @Test
    void everyValueComesBackOnceWithItsOwnKeyThroughFillsAndDrains() {
        Random random = new Random(11);
        LongKeyHeap<long[]> heap = new LongKeyHeap<>();
        Set<long[]> held = Collections.newSetFromMap(new IdentityHashMap<>());
        long nextId = 0;
        for (int round = 0; round < 50; round++) {
            // Fill up, then drain part way, so that adds land in a heap that polls have reshaped.
            for (int i = random.nextInt(300); i > 0; i--) {
                long[] v = {random.nextInt(1_000), nextId++};
                heap.add(v[0], v);
                held.add(v);
            }
            for (int i = random.nextInt(held.size() + 1); i > 0; i--) {
                long key = heap.peekKey();
                assertThat(heap.peek()[0]).isEqualTo(key);
                long[] v = heap.poll();
                assertThat(v[0]).as("the polled value is the one added with the smallest key").isEqualTo(key);
                assertThat(held.remove(v)).as("value " + v[1] + " polled once").isTrue();
            }
        }
        while (!heap.isEmpty()) {
            assertThat(held.remove(heap.poll())).isTrue();
        }
        assertThat(held).isEmpty();
        assertThat(nextId).isGreaterThan(5_000);
    }

    @Test
    void aSingleValueComesBackAndLeavesItEmpty() {
        LongKeyHeap<String> heap = new LongKeyHeap<>();
        heap.add(5, "a");
        assertThat(heap.peek()).isEqualTo("a");
        assertThat(heap.poll()).isEqualTo("a");
        assertThat(heap.isEmpty()).isTrue();
        heap.add(3, "b");
        heap.add(1, "c");
        assertThat(heap.poll()).isEqualTo("c");
        assertThat(heap.poll()).isEqualTo("b");
    }
}
