package io.qat4j.graph.data;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Graphs collated into one disjoint union, the batch a GNN sees (PyG's {@code Batch}): node
 * features concatenated graph after graph, edges offset by the nodes of the graphs before them,
 * the graph id of every node, the in-degree of every node and Degree-Quant's per-graph in-degree
 * CDF; and the network inputs and labels of the GNN contract of issue 10 as INDArrays.
 *
 * <p>Layouts ({@code N} nodes, {@code E} directed edges, {@code G} graphs, {@code F} features):
 * <ul>
 *   <li>{@link #nodesArray()} {@code [N, F]} float;</li>
 *   <li>{@link #edgesArray()} {@code [E, 2]} float, column 0 the source node, column 1 the target
 *       node, 0-based batch node indices; no self-loops, no duplicate rows;</li>
 *   <li>{@link #graphArray()} {@code [N, 1]} float, the graph of each node, {@code 0..G-1},
 *       non-decreasing;</li>
 *   <li>{@link #labelsArray()}: {@code [N, C]} one-hot for node classification (with
 *       {@link #labelsMaskArray(int[])} {@code [N, 1]}), {@code [G, C]} one-hot for graph
 *       classification, {@code [G, T]} for regression.</li>
 * </ul>
 * Node indices travel as float32, which is exact for integers below {@code 2^24}: a batch of
 * {@code 2^24} nodes or more is refused. The fourth input, Degree-Quant's protective mask, is drawn
 * from {@link #inDegreeCdf()} by {@code DegreeQuantMask}.
 *
 * <p>{@code inDegreeCdf()[i]} is the fraction of the nodes of node {@code i}'s own graph whose
 * in-degree is at most that of {@code i}: Degree-Quant's CDF (Tailor, Fernandez-Marques, Lane,
 * "Degree-Quant: Quantization-Aware Training for Graph Neural Networks", ICLR 2021, section 3;
 * camlsys/degree-quant {@code ProbabilisticHighDegreeMask} with {@code per_graph=True}: a cumulative
 * sum of the in-degree counts of each graph divided by its node count), so it does not change when
 * a graph is batched with others.
 *
 * <p>A batch keeps its graphs, so it splits into shards of whole graphs ({@link #shards(int)}) for
 * distributed training without reloading anything. Instances are immutable; every array accessor
 * returns a copy and every INDArray accessor a new array.
 */
public final class GraphBatch {

    /** Batches must hold fewer nodes than this: float32 represents every integer below it exactly. */
    public static final int MAX_NODES = 1 << 24;

    private final List<Graph> graphs;
    private final GraphTask task;
    private final int nodeCount;
    private final int edgeCount;
    private final int featureCount;
    private final int labelWidth;
    private final int[] nodeOffsets;
    private final int[] src;
    private final int[] dst;
    private final int[] graphIds;
    private final int[] inDegree;
    private final double[] inDegreeCdf;

    private GraphBatch(List<Graph> graphs, int nodeCount, int edgeCount) {
        this.graphs = graphs;
        Graph first = graphs.get(0);
        this.task = first.task();
        this.featureCount = first.featureCount();
        this.labelWidth = task == GraphTask.GRAPH_REGRESSION ? first.targetCount() : first.classCount();
        this.nodeCount = nodeCount;
        this.edgeCount = edgeCount;
        this.nodeOffsets = new int[graphs.size() + 1];
        this.src = new int[edgeCount];
        this.dst = new int[edgeCount];
        this.graphIds = new int[nodeCount];
        this.inDegree = new int[nodeCount];
        this.inDegreeCdf = new double[nodeCount];
        int node = 0;
        int edge = 0;
        for (int g = 0; g < graphs.size(); g++) {
            Graph graph = graphs.get(g);
            int n = graph.nodeCount();
            nodeOffsets[g] = node;
            for (int e = 0; e < graph.edgeCount(); e++) {
                src[edge] = graph.src[e] + node;
                dst[edge] = graph.dst[e] + node;
                inDegree[dst[edge]]++;
                edge++;
            }
            // per-graph CDF: in a graph without self-loops or duplicates an in-degree is at most n - 1
            int[] atMost = new int[n];
            for (int i = node; i < node + n; i++) {
                graphIds[i] = g;
                atMost[inDegree[i]]++;
            }
            for (int d = 1; d < n; d++) {
                atMost[d] += atMost[d - 1];
            }
            for (int i = node; i < node + n; i++) {
                inDegreeCdf[i] = (double) atMost[inDegree[i]] / n;
            }
            node += n;
        }
        nodeOffsets[graphs.size()] = node;
    }

    /**
     * Collates graphs into a batch.
     *
     * @param graphs at least one graph, all labelled for the same task, with the same feature
     *     count and the same number of classes or targets
     * @return the batch
     * @throws IllegalArgumentException when the graphs do not agree, or hold {@value #MAX_NODES}
     *     nodes or more together
     */
    public static GraphBatch of(List<Graph> graphs) {
        if (graphs.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one graph");
        }
        List<Graph> copy = List.copyOf(graphs);
        Graph first = copy.get(0);
        long nodes = 0;
        long edges = 0;
        for (int g = 0; g < copy.size(); g++) {
            Graph graph = copy.get(g);
            if (graph.task() != first.task() || graph.featureCount() != first.featureCount()
                    || graph.classCount() != first.classCount() || graph.targetCount() != first.targetCount()) {
                throw new IllegalArgumentException("graph " + g + " of the batch (" + describe(graph)
                        + ") does not match graph 0 (" + describe(first) + ")");
            }
            nodes += graph.nodeCount();
            edges += graph.edgeCount();
        }
        if (nodes >= MAX_NODES) {
            throw new IllegalArgumentException("a batch of " + copy.size() + " graphs with " + nodes
                    + " nodes is too large: node indices travel as float32 in the edges and graph inputs, exact"
                    + " only below 2^24 = " + MAX_NODES + " nodes; use smaller batches");
        }
        if (edges * 2 > Integer.MAX_VALUE - 8 || nodes * first.featureCount() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a batch of " + edges + " edges and " + nodes + " nodes x "
                    + first.featureCount() + " features exceeds what one Java array holds; use smaller batches");
        }
        return new GraphBatch(copy, (int) nodes, (int) edges);
    }

    private static String describe(Graph g) {
        return g.task() + ", " + g.featureCount() + " features, "
                + (g.task() == GraphTask.GRAPH_REGRESSION ? g.targetCount() + " targets" : g.classCount() + " classes");
    }

    /**
     * Splits the batch into {@code k} shards of whole, consecutive graphs, for {@code k} workers:
     * the first {@code G mod k} shards get one graph more than the others, as minibatches of
     * examples are cut into shards that differ by at most one example.
     *
     * @param k number of shards, in {@code 1..G}
     * @return the shards in order; their graphs, concatenated, are this batch's
     * @throws IllegalArgumentException when {@code k} is not in {@code 1..G}
     */
    public List<GraphBatch> shards(int k) {
        int g = graphs.size();
        if (k < 1 || k > g) {
            throw new IllegalArgumentException("cannot split a batch of " + g + " graph" + (g == 1 ? "" : "s")
                    + " into " + k + " shards of whole graphs (expected 1.." + g + ")");
        }
        List<GraphBatch> out = new ArrayList<>(k);
        int from = 0;
        for (int s = 0; s < k; s++) {
            int size = g / k + (s < g % k ? 1 : 0);
            out.add(of(graphs.subList(from, from + size)));
            from += size;
        }
        return out;
    }

    /** @return the graphs of the batch, in order */
    public List<Graph> graphs() {
        return graphs;
    }

    /** @return the task the graphs are labelled for */
    public GraphTask task() {
        return task;
    }

    /** @return the number of graphs {@code G} */
    public int graphCount() {
        return graphs.size();
    }

    /** @return the number of nodes {@code N} */
    public int nodeCount() {
        return nodeCount;
    }

    /** @return the number of directed edges {@code E} */
    public int edgeCount() {
        return edgeCount;
    }

    /** @return the number of features per node {@code F} */
    public int featureCount() {
        return featureCount;
    }

    /** @return {@code G + 1} offsets: the nodes of graph {@code g} are {@code [offsets[g], offsets[g+1])} */
    public int[] nodeOffsets() {
        return nodeOffsets.clone();
    }

    /** @return the source node of every edge, batch indices */
    public int[] src() {
        return src.clone();
    }

    /** @return the target node of every edge, batch indices */
    public int[] dst() {
        return dst.clone();
    }

    /** @return the graph of every node, {@code 0..G-1}, non-decreasing */
    public int[] graphIds() {
        return graphIds.clone();
    }

    /** @return the in-degree of every node (edges whose target it is) */
    public int[] inDegree() {
        return inDegree.clone();
    }

    /** @return for every node, the fraction of the nodes of its own graph whose in-degree is at most its own */
    public double[] inDegreeCdf() {
        return inDegreeCdf.clone();
    }

    /** @return the {@code nodes} input, {@code [N, F]} float */
    public INDArray nodesArray() {
        float[] all = new float[nodeCount * featureCount];
        for (int g = 0; g < graphs.size(); g++) {
            float[] f = graphs.get(g).features;
            System.arraycopy(f, 0, all, nodeOffsets[g] * featureCount, f.length);
        }
        return Nd4j.create(all, new long[] {nodeCount, featureCount}, DataType.FLOAT);
    }

    /** @return the {@code edges} input, {@code [E, 2]} float: source and target node of every edge */
    public INDArray edgesArray() {
        float[] all = new float[edgeCount * 2];
        for (int e = 0; e < edgeCount; e++) {
            all[2 * e] = src[e];
            all[2 * e + 1] = dst[e];
        }
        return Nd4j.create(all, new long[] {edgeCount, 2}, DataType.FLOAT);
    }

    /** @return the {@code graph} input, {@code [N, 1]} float: the graph of every node */
    public INDArray graphArray() {
        float[] all = new float[nodeCount];
        for (int i = 0; i < nodeCount; i++) {
            all[i] = graphIds[i];
        }
        return Nd4j.create(all, new long[] {nodeCount, 1}, DataType.FLOAT);
    }

    /**
     * @return the labels: {@code [N, C]} one-hot for node classification, {@code [G, C]} one-hot for
     *     graph classification, {@code [G, T]} targets for regression; float
     */
    public INDArray labelsArray() {
        int rows = task == GraphTask.NODE_CLASSIFICATION ? nodeCount : graphs.size();
        float[] all = new float[rows * labelWidth];
        for (int g = 0; g < graphs.size(); g++) {
            Graph graph = graphs.get(g);
            switch (task) {
                case NODE_CLASSIFICATION -> {
                    for (int i = 0; i < graph.nodeCount(); i++) {
                        all[(nodeOffsets[g] + i) * labelWidth + graph.nodeLabels[i]] = 1f;
                    }
                }
                case GRAPH_CLASSIFICATION -> all[g * labelWidth + graph.label()] = 1f;
                case GRAPH_REGRESSION -> System.arraycopy(graph.targets, 0, all, g * labelWidth, labelWidth);
                default -> throw new IllegalStateException(task.toString());
            }
        }
        return Nd4j.create(all, new long[] {rows, labelWidth}, DataType.FLOAT);
    }

    /**
     * The labels mask of a node classification batch: 1 for the nodes whose labels count (a
     * split's nodes, e.g. {@link GraphDataset#nodeSplit()}'s training nodes), 0 elsewhere.
     *
     * @param nodes batch indices of the nodes that count
     * @return {@code [N, 1]} float
     * @throws IllegalStateException when the batch is not labelled for node classification
     * @throws IllegalArgumentException when a node index is outside {@code 0..N-1}
     */
    public INDArray labelsMaskArray(int[] nodes) {
        if (task != GraphTask.NODE_CLASSIFICATION) {
            throw new IllegalStateException("a labels mask selects nodes; this batch is labelled for " + task);
        }
        float[] mask = new float[nodeCount];
        for (int i : nodes) {
            if (i < 0 || i >= nodeCount) {
                throw new IllegalArgumentException("node " + i + " of the mask is outside 0.." + (nodeCount - 1));
            }
            mask[i] = 1f;
        }
        return Nd4j.create(mask, new long[] {nodeCount, 1}, DataType.FLOAT);
    }

    @Override
    public String toString() {
        return "GraphBatch[" + graphs.size() + " graphs, " + nodeCount + " nodes, " + edgeCount + " directed edges, "
                + featureCount + " features, " + task + "]";
    }
}
