package io.qat4j.graph.data;

import java.util.Arrays;

/** A growable list of {@code int}s without boxing, for loaders that do not know counts in advance. */
final class IntList {

    private int[] values;
    private int size;

    IntList() {
        this(16);
    }

    IntList(int capacity) {
        values = new int[Math.max(1, capacity)];
    }

    void add(int v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, Math.max(16, values.length + (values.length >> 1)));
        }
        values[size++] = v;
    }

    int get(int i) {
        if (i >= size) {
            throw new IndexOutOfBoundsException(i + " of " + size);
        }
        return values[i];
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
