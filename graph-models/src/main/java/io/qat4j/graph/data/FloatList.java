package io.qat4j.graph.data;

import java.util.Arrays;

/** A growable list of {@code float}s without boxing, for loaders that do not know counts in advance. */
final class FloatList {

    private float[] values = new float[16];
    private int size;

    void add(float v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length + (values.length >> 1));
        }
        values[size++] = v;
    }

    float[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
