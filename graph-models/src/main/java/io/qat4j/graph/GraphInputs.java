package io.qat4j.graph;

import java.util.List;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The named inputs of every graph neural network of qat4j, in one place: a DL4J
 * {@code ComputationGraph} is fed a {@code MultiDataSet} with these four arrays, in this order
 * (PyTorch Geometric's {@code Batch} of {@code x}, {@code edge_index}, {@code batch}, plus
 * Degree-Quant's mask; Fey and Lenssen, ICLR 2019 workshop; Tailor et al., ICLR 2021):
 * <ol>
 * <li>{@value #NODES} {@code [N, F]} float: the node features of all graphs of the batch, graph
 *     after graph;</li>
 * <li>{@value #EDGES} {@code [E, 2]} float: column 0 the source node, column 1 the target node,
 *     0-based indices into the batch's nodes (exact in float32 while {@code N < 2^24},
 *     {@link #MAX_NODES}). Messages flow source to target and are aggregated at the target; an
 *     undirected edge is two rows. No self-loops and no duplicate rows: the layers that need
 *     self-loops (GCN, GAT) add them, as PyG's {@code add_self_loops};</li>
 * <li>{@value #GRAPH} {@code [N, 1]} float: the index {@code 0..G-1} of the graph each node
 *     belongs to, non-decreasing, every graph with at least one node;</li>
 * <li>{@value #PROTECT} {@code [N, 1]} float 0/1: the Degree-Quant protective mask of this forward
 *     pass (1: the node runs in full precision, nothing it produces is quantized; an edge follows
 *     its source node), drawn once per training step for the whole network by
 *     {@code io.qat4j.graph.layers.DegreeQuantMask}, all zeros at evaluation and whenever
 *     Degree-Quant is off.</li>
 * </ol>
 * Labels: node-level tasks {@code [N, C]} one-hot with a labels mask {@code [N, 1]}; graph-level
 * classification {@code [G, C]}; graph regression {@code [G, T]}.
 *
 * <p>The readers here convert and check the index inputs once per layer call; a bad value is an
 * error naming the vertex, the input, the row and the value.
 */
public final class GraphInputs {

    /** Name of the node-feature input. */
    public static final String NODES = "nodes";
    /** Name of the edge-list input. */
    public static final String EDGES = "edges";
    /** Name of the node-to-graph index input. */
    public static final String GRAPH = "graph";
    /** Name of the Degree-Quant protective-mask input. */
    public static final String PROTECT = "protect";
    /** The input names in the order of the {@code MultiDataSet}'s feature arrays. */
    public static final List<String> ORDER = List.of(NODES, EDGES, GRAPH, PROTECT);
    /** Node counts must stay below this: larger indices are not exact in float32. */
    public static final long MAX_NODES = 1L << 24;

    private GraphInputs() {
    }

    /**
     * @param numFeatures node feature count {@code F}
     * @return the input types in {@link #ORDER}, for {@code GraphBuilder.setInputTypes}
     */
    public static InputType[] inputTypes(long numFeatures) {
        return new InputType[] {InputType.feedForward(numFeatures), InputType.feedForward(2),
            InputType.feedForward(1), InputType.feedForward(1)};
    }

    /**
     * A checked edge list as index arrays.
     *
     * @param src source node of each edge
     * @param dst target node of each edge
     */
    public record Edges(int[] src, int[] dst) {

        /** @return the number of edges */
        public int count() {
            return src.length;
        }

        /**
         * @param numNodes node count
         * @return the in-degree of every node (edges whose target it is)
         */
        public int[] inDegree(int numNodes) {
            int[] d = new int[numNodes];
            for (int t : dst) {
                d[t]++;
            }
            return d;
        }

        /**
         * @param numNodes node count
         * @return these edges followed by one self-loop per node, {@code i -> i} at row {@code E + i}
         *     (PyG's {@code add_self_loops})
         */
        public Edges withSelfLoops(int numNodes) {
            int e = src.length;
            int[] s = java.util.Arrays.copyOf(src, e + numNodes);
            int[] d = java.util.Arrays.copyOf(dst, e + numNodes);
            for (int i = 0; i < numNodes; i++) {
                s[e + i] = i;
                d[e + i] = i;
            }
            return new Edges(s, d);
        }
    }

    /**
     * Reads the {@value #EDGES} input.
     *
     * @param edges {@code [E, 2]} source and target indices
     * @param numNodes node count {@code N}
     * @param where the reader, for messages (e.g. {@code "GcnVertex 'gcn1'"})
     * @return the index arrays
     * @throws IllegalArgumentException on a wrong shape, or an index that is not an integer in {@code [0, N)}
     */
    public static Edges edges(INDArray edges, long numNodes, String where) {
        checkNodeCount(numNodes, where);
        if (edges.rank() != 2 || edges.size(1) != 2) {
            throw new IllegalArgumentException(where + ": input '" + EDGES + "' must be [E, 2] (source, target), got "
                    + java.util.Arrays.toString(edges.shape()));
        }
        int e = (int) edges.size(0);
        double[] v = e == 0 ? new double[0] : edges.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        int[] src = new int[e];
        int[] dst = new int[e];
        for (int i = 0; i < e; i++) {
            src[i] = index(v[2 * i], numNodes, where, EDGES, i, 0);
            dst[i] = index(v[2 * i + 1], numNodes, where, EDGES, i, 1);
        }
        return new Edges(src, dst);
    }

    /**
     * Reads the {@value #GRAPH} input.
     *
     * @param graph {@code [N, 1]} graph index per node
     * @param numNodes node count {@code N}
     * @param where the reader, for messages
     * @return the graph index of every node; the graph count is the last one plus one
     * @throws IllegalArgumentException on a wrong shape, a non-integer, or ids that do not start at 0
     *     and rise by at most 1 from node to node (every graph must have a node)
     */
    public static int[] graphIds(INDArray graph, long numNodes, String where) {
        checkNodeCount(numNodes, where);
        checkColumn(graph, numNodes, GRAPH, where);
        double[] v = numNodes == 0 ? new double[0] : graph.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        int[] ids = new int[(int) numNodes];
        int previous = -1;
        for (int i = 0; i < ids.length; i++) {
            ids[i] = index(v[i], numNodes, where, GRAPH, i, 0);
            if (ids[i] != previous && ids[i] != previous + 1) {
                throw new IllegalArgumentException(where + ": input '" + GRAPH + "' row " + i + ": graph " + ids[i]
                        + " follows graph " + previous + "; ids must start at 0 and rise by at most 1 (graphs are"
                        + " contiguous and none is empty)");
            }
            previous = ids[i];
        }
        return ids;
    }

    /**
     * Reads the {@value #PROTECT} input.
     *
     * @param protect {@code [N, 1]} 0/1 mask
     * @param numNodes node count {@code N}
     * @param where the reader, for messages
     * @return which nodes are protected, or null when none is
     * @throws IllegalArgumentException on a wrong shape or a value other than 0 and 1
     */
    public static boolean[] protectedNodes(INDArray protect, long numNodes, String where) {
        checkColumn(protect, numNodes, PROTECT, where);
        double[] v = numNodes == 0 ? new double[0] : protect.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        boolean[] p = new boolean[v.length];
        boolean any = false;
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 0 && v[i] != 1) {
                throw new IllegalArgumentException(where + ": input '" + PROTECT + "' row " + i + ": " + v[i]
                        + " is neither 0 nor 1");
            }
            p[i] = v[i] == 1;
            any |= p[i];
        }
        return any ? p : null;
    }

    /**
     * Builds the {@value #EDGES} input.
     *
     * @param src source node of each edge
     * @param dst target node of each edge
     * @return {@code [E, 2]} FLOAT
     */
    public static INDArray edgesArray(int[] src, int[] dst) {
        if (src.length != dst.length) {
            throw new IllegalArgumentException(src.length + " sources but " + dst.length + " targets");
        }
        float[] v = new float[2 * src.length];
        for (int i = 0; i < src.length; i++) {
            v[2 * i] = src[i];
            v[2 * i + 1] = dst[i];
        }
        return Nd4j.create(v, new long[] {src.length, 2}, 'c');
    }

    /**
     * Builds a {@code [N, 1]} FLOAT column ({@value #GRAPH} ids, {@value #PROTECT} flags).
     *
     * @param values one value per node
     * @return the column
     */
    public static INDArray column(int[] values) {
        float[] v = new float[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return Nd4j.create(v, new long[] {values.length, 1}, 'c');
    }

    private static void checkNodeCount(long numNodes, String where) {
        if (numNodes >= MAX_NODES) {
            throw new IllegalArgumentException(where + ": " + numNodes + " nodes; node indices are exact in float32"
                    + " only below " + MAX_NODES + ": use smaller batches");
        }
    }

    private static void checkColumn(INDArray a, long numNodes, String name, String where) {
        if (a.rank() != 2 || a.size(1) != 1 || a.size(0) != numNodes) {
            throw new IllegalArgumentException(where + ": input '" + name + "' must be [" + numNodes + ", 1] (one value"
                    + " per node), got " + java.util.Arrays.toString(a.shape()));
        }
    }

    private static int index(double v, long bound, String where, String input, int row, int column) {
        if (!(v >= 0 && v < bound) || v != Math.rint(v)) {
            throw new IllegalArgumentException(where + ": input '" + input + "' row " + row + ", column " + column
                    + ": " + v + " is not an integer index in [0, " + bound + ")");
        }
        return (int) v;
    }
}
