package io.qat4j.executor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link Reshape}: flatten is a no-op on the row-major buffer. */
class ReshapeTest {

    @Test
    void flattenReturnsTheSameBufferInNchwOrder() {
        byte[] nchw = new byte[2 * 3 * 2 * 2];
        for (int i = 0; i < nchw.length; i++) {
            nchw[i] = (byte) i;
        }
        byte[] flat = Reshape.flattenNchw(nchw, 2, 3, 2, 2);
        assertSame(nchw, flat);
        // [n][c][h][w] -> [n][c*H*W + h*W + w]
        assertEquals(nchw[((1 * 3 + 2) * 2 + 1) * 2 + 0], flat[1 * 12 + 2 * 4 + 1 * 2 + 0]);
        assertSame(nchw, Reshape.view(nchw, new int[] {24}, new int[] {4, 6}));
    }

    @Test
    void rejectsMismatchedCounts() {
        assertThrows(IllegalArgumentException.class, () -> Reshape.view(new byte[24], new int[] {24}, new int[] {5, 5}));
        assertThrows(IllegalArgumentException.class, () -> Reshape.view(new byte[23], new int[] {24}, new int[] {24}));
        assertThrows(IllegalArgumentException.class, () -> Reshape.elementCount(3, 0));
        assertThrows(IllegalArgumentException.class, () -> Reshape.elementCount(1 << 16, 1 << 16));
    }
}
