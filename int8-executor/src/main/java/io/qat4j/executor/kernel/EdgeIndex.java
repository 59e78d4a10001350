package io.qat4j.executor.kernel;

/**
 * The index tensors of message passing at run time (PyTorch Geometric's {@code edge_index},
 * Fey and Lenssen, 2019): an edge list {@code [E, 2]} of INT32 node indices, column
 * {@value #SOURCE} the source and column {@value #TARGET} the target of each edge (messages flow
 * source to target and are aggregated at the target), or a plain index {@code [E]}, or a column
 * of any INT32 tensor {@code [E, K]}. Node indices are 0-based rows of the batch's node table and
 * must lie in {@code [0, N)}; the data come from the caller, so every read checks them and a bad
 * index is an {@link InputDataException} naming the op, the row, the column and the value.
 *
 * <p>Self-loops are appended as PyG's {@code add_self_loops} does: after the {@code E} edges of
 * the list, one loop {@code (i, i)} per node in node order, {@code i = 0 .. N-1}; row
 * {@code E + i} of an edge list with loops is node {@code i}'s loop ({@link #withSelfLoops}). Every
 * op that appends loops uses this order.
 */
public final class EdgeIndex {

    /** The column of the source node in an edge list. */
    public static final int SOURCE = 0;
    /** The column of the target node in an edge list. */
    public static final int TARGET = 1;

    private EdgeIndex() {
    }

    /**
     * Reads one column of a row-major INT32 index tensor and checks every value.
     *
     * @param what the op, for messages, e.g. {@code "scatter_add 'agg1'"}
     * @param values the tensor's values, {@code rows * width}
     * @param width values per row, {@code >= 1}
     * @param column the column to read, in {@code [0, width)}
     * @param nodes {@code N}, the number of rows the indices refer to
     * @return the column, {@code rows} node indices in {@code [0, nodes)}
     * @throws InputDataException naming the row, column and value of the first index outside {@code [0, nodes)}
     */
    public static int[] column(String what, int[] values, int width, int column, int nodes) {
        if (width < 1 || column < 0 || column >= width || values.length % width != 0) {
            throw new IllegalArgumentException(what + ": column " + column + " of " + values.length + " values in rows of " + width);
        }
        int rows = values.length / width;
        int[] out = new int[rows];
        for (int e = 0; e < rows; e++) {
            int v = values[e * width + column];
            if (v < 0 || v >= nodes) {
                throw new InputDataException(what + ": index row " + e + " (column " + column + ") is " + v
                        + ", outside the " + nodes + " node" + (nodes == 1 ? "" : "s") + " [0, " + nodes + ")");
            }
            out[e] = v;
        }
        return out;
    }

    /**
     * Counts the occurrences of each node in a checked index: the in-degree when the index is the
     * target column.
     *
     * @param index node indices in {@code [0, nodes)}
     * @param nodes {@code N}
     * @return {@code count[i]}, {@code 0 <= count[i] <= index.length}
     */
    public static int[] counts(int[] index, int nodes) {
        int[] count = new int[nodes];
        for (int i : index) {
            count[i]++;
        }
        return count;
    }

    /**
     * Appends the self-loops: {@code [E, 2]} edges to {@code [E + N, 2]}, the loop of node
     * {@code i} at row {@code E + i}.
     *
     * @param edges a row-major edge list, {@code 2E} values (not checked here: loops do not read them)
     * @param nodes {@code N}
     * @return the edge list with loops
     * @throws InputDataException if {@code E + N} rows do not fit a Java array
     */
    public static int[] withSelfLoops(int[] edges, int nodes) {
        int rows = edges.length / 2;
        long size = 2 * ((long) rows + nodes);
        if (size > Integer.MAX_VALUE - 8) {
            throw new InputDataException(rows + " edges and " + nodes + " self-loops do not fit a Java array");
        }
        int[] out = new int[(int) size];
        System.arraycopy(edges, 0, out, 0, 2 * rows);
        for (int i = 0; i < nodes; i++) {
            out[2 * (rows + i)] = i;
            out[2 * (rows + i) + 1] = i;
        }
        return out;
    }
}
