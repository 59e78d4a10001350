package io.qat4j.executor.kernel;

/**
 * The gather of message passing (PyTorch Geometric's {@code x.index_select(0, index)}, TFLite
 * {@code GATHER} on axis 0): row {@code index[e]} of a node table for every edge {@code e}. A copy
 * of codes: the output has the table's type, scale and zero point, so no arithmetic happens and
 * no bound applies.
 */
public final class Gather {

    private Gather() {
    }

    /**
     * {@code out[e, :] = table[index[e], :]}.
     *
     * @param table the node table, {@code byte[]} or {@code int[]}, {@code N * rowSize} values
     * @param rowSize values per row
     * @param index checked node indices ({@link EdgeIndex#column}), one per output row
     * @param out {@code index.length * rowSize} values of the table's array type, written
     */
    public static void rows(Object table, int rowSize, int[] index, Object out) {
        for (int e = 0; e < index.length; e++) {
            System.arraycopy(table, index[e] * rowSize, out, e * rowSize, rowSize);
        }
    }
}
