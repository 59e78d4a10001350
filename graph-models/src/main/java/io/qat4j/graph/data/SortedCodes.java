package io.qat4j.graph.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The distinct values of an integer label column in ascending order, and the code of each value:
 * its index in that order. The loaders map graph labels to classes {@code 0..C-1} and node labels
 * or tags to one-hot positions this way, so a file's label values ({@code -1/1}, {@code 0/2},
 * {@code 1..6}) never need to be consecutive or start at 0.
 */
final class SortedCodes {

    private final int[] values;

    /** @param column the label of every item */
    SortedCodes(int[] column) {
        int[] sorted = column.clone();
        Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (distinct == 0 || sorted[i] != sorted[distinct - 1]) {
                sorted[distinct++] = sorted[i];
            }
        }
        values = Arrays.copyOf(sorted, distinct);
    }

    /** @return the number of distinct values */
    int size() {
        return values.length;
    }

    /**
     * @param value a value of the column
     * @return its code, {@code 0..size()-1}
     */
    int code(int value) {
        int c = Arrays.binarySearch(values, value);
        if (c < 0) {
            throw new IllegalArgumentException(value + " is not a value of the column");
        }
        return c;
    }

    /** @return the values as text, in code order: the class names of a label column */
    List<String> names() {
        List<String> out = new ArrayList<>(values.length);
        for (int v : values) {
            out.add(Integer.toString(v));
        }
        return out;
    }
}
