package io.qat4j.executor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link ArgMax}: last dimension, first maximum wins (TFLite ARG_MAX, NumPy argmax). */
class ArgMaxTest {

    @Test
    void int8RowsFirstMaximumWins() {
        byte[] data = {
            3, 7, 7, 1,
            -5, -5, -9, -6,
            -128, -128, -128, -128,
            0, 1, 2, 127,
            127, 127, -1, 127,
        };
        int[] out = new int[5];
        ArgMax.rows(data, 5, 4, out);
        assertArrayEquals(new int[] {1, 0, 0, 3, 0}, out);
    }

    @Test
    void int32RowsFirstMaximumWins() {
        int[] data = {
            Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE,
            5, 9, 9,
            -1, Integer.MAX_VALUE, Integer.MAX_VALUE,
            -3, -2, -1,
        };
        int[] out = new int[4];
        ArgMax.rows(data, 4, 3, out);
        assertArrayEquals(new int[] {0, 1, 1, 2}, out);
    }

    @Test
    void singleColumnAndArgumentChecks() {
        int[] out = new int[2];
        ArgMax.rows(new byte[] {4, -4}, 2, 1, out);
        assertArrayEquals(new int[] {0, 0}, out);
        assertThrows(IllegalArgumentException.class, () -> ArgMax.rows(new byte[5], 2, 3, new int[2]));
        assertThrows(IllegalArgumentException.class, () -> ArgMax.rows(new int[6], 2, 3, new int[1]));
        assertThrows(IllegalArgumentException.class, () -> ArgMax.rows(new int[6], 2, 0, new int[2]));
    }
}
