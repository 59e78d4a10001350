package io.qat4j.executor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Gather}: the first and last rows, repeated rows, no rows, int8 and int32 tables, against a row-by-row copy. */
class GatherTest {

    @Test
    void rowsOfInt8AndInt32Tables() {
        byte[] table = {-128, 127, 0, /**/ 1, 2, 3, /**/ 7, -7, 100};
        byte[] out = new byte[5 * 3];
        Gather.rows(table, 3, new int[] {2, 0, 2, 1, 0}, out);
        assertArrayEquals(new byte[] {7, -7, 100, -128, 127, 0, 7, -7, 100, 1, 2, 3, -128, 127, 0}, out);
        int[] wide = {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 5};
        int[] wideOut = new int[3 * 2];
        Gather.rows(wide, 2, new int[] {1, 1, 0}, wideOut);
        assertArrayEquals(new int[] {-1, 5, -1, 5, Integer.MIN_VALUE, Integer.MAX_VALUE}, wideOut);
        byte[] none = new byte[0];
        Gather.rows(table, 3, new int[0], none);
        assertArrayEquals(new byte[0], none);
    }

    @Test
    void randomIndicesCopyTheirRows() {
        Random rnd = new Random(17);
        for (int round = 0; round < 100; round++) {
            int n = 1 + rnd.nextInt(20);
            int f = 1 + rnd.nextInt(6);
            byte[] table = new byte[n * f];
            rnd.nextBytes(table);
            int[] index = new int[rnd.nextInt(50)];
            byte[] expected = new byte[index.length * f];
            for (int e = 0; e < index.length; e++) {
                index[e] = rnd.nextInt(n);
                for (int k = 0; k < f; k++) {
                    expected[e * f + k] = table[index[e] * f + k];
                }
            }
            byte[] out = new byte[index.length * f];
            Gather.rows(table, f, index, out);
            assertArrayEquals(expected, out, "round " + round);
        }
    }
}
