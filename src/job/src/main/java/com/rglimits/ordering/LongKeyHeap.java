package com.rglimits.ordering;

import java.util.Arrays;

/**
 * A binary min-heap of values by a {@code long} key. The keys sit in their own array, so sifting
 * compares primitives next to each other instead of following a reference per comparison: the held
 * events' queues are polled once per event, and {@link java.util.PriorityQueue} with a comparator
 * was a sixth of the keyed operator's time.
 */
final class LongKeyHeap<T> {
    private long[] keys = new long[64];
    private Object[] values = new Object[64];
    private int size;

    void add(long key, T value) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            keys[i] = keys[parent];
            values[i] = values[parent];
            i = parent;
        }
        keys[i] = key;
        values[i] = value;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The smallest key; only when not empty. */
    long peekKey() {
        return keys[0];
    }

    @SuppressWarnings("unchecked")
    T peek() {
        return (T) values[0];
    }

    /** Removes and returns the value with the smallest key; only when not empty. */
    @SuppressWarnings("unchecked")
    T poll() {
        T top = (T) values[0];
        int last = --size;
        long key = keys[last];
        Object value = values[last];
        values[last] = null;
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < last && keys[child + 1] < keys[child]) {
                child++;
            }
            if (key <= keys[child]) {
                break;
            }
            keys[i] = keys[child];
            values[i] = values[child];
            i = child;
        }
        if (last > 0) {
            keys[i] = key;
            values[i] = value;
        }
        return top;
    }
}
