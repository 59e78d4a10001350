package io.qat4j.graph.data;

import java.io.InvalidObjectException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One graph, as PyG's {@code Data} holds it (Fey and Lenssen, "Fast Graph Representation Learning
 * with PyTorch Geometric", ICLR 2019 RLGM workshop): its node count, node features (row-major
 * {@code [n x f]} floats), directed edges as two arrays {@code src[]} and {@code dst[]} (messages
 * flow from {@code src[e]} to {@code dst[e]}; an undirected edge is two entries), and its labels
 * for one {@link GraphTask}: a class, regression targets, or a class per node.
 *
 * <p>The edge list follows the GNN contract of issue 10: node ids in {@code 0..n-1}, no
 * self-loops (layers that need them, GCN and GAT, add them themselves, as PyG's
 * {@code add_self_loops}), no duplicate entries; every graph has at least one node. The factories
 * check all of this, so a {@link GraphBatch} never sees a malformed graph. {@link EdgeCleaner}
 * turns a raw edge list into one that passes.
 *
 * <p>Instances are immutable: the factories copy the arrays they are given and the accessors
 * return copies ({@link #feature(int, int)}, {@link #src(int)} and {@link #dst(int)} read single
 * values without copying). Graphs are {@link Serializable}, so that graph-level datasets can be
 * distributed as graphs (a Spark RDD of graphs); a deserialized graph passes the factories' checks
 * again.
 */
public final class Graph implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int nodeCount;
    private final int featureCount;
    final float[] features;
    final int[] src;
    final int[] dst;
    private final GraphTask task;
    private final int classCount;
    private final int label;
    final float[] targets;
    final int[] nodeLabels;

    private Graph(int nodeCount, int featureCount, float[] features, int[] src, int[] dst, GraphTask task,
                  int classCount, int label, float[] targets, int[] nodeLabels) {
        this.nodeCount = nodeCount;
        this.featureCount = featureCount;
        this.features = features;
        this.src = src;
        this.dst = dst;
        this.task = task;
        this.classCount = classCount;
        this.label = label;
        this.targets = targets;
        this.nodeLabels = nodeLabels;
    }

    /**
     * A graph labelled with one class (graph classification).
     *
     * @param nodeCount number of nodes, at least 1
     * @param featureCount features per node, at least 1
     * @param features {@code nodeCount * featureCount} finite values, row-major
     * @param src source node of each directed edge
     * @param dst target node of each directed edge
     * @param label the graph's class, in {@code 0..classCount-1}
     * @param classCount number of classes of the dataset
     * @return the graph
     * @throws IllegalArgumentException when the arrays or labels break the rules above
     */
    public static Graph forGraphClassification(int nodeCount, int featureCount, float[] features, int[] src,
                                               int[] dst, int label, int classCount) {
        requireClasses(classCount);
        if (label < 0 || label >= classCount) {
            throw new IllegalArgumentException("graph label " + label + " is not in 0.." + (classCount - 1));
        }
        return checked(nodeCount, featureCount, features, src, dst, GraphTask.GRAPH_CLASSIFICATION, classCount,
                label, null, null);
    }

    /**
     * A graph with real-valued targets (graph regression).
     *
     * @param nodeCount number of nodes, at least 1
     * @param featureCount features per node, at least 1
     * @param features {@code nodeCount * featureCount} finite values, row-major
     * @param src source node of each directed edge
     * @param dst target node of each directed edge
     * @param targets at least one finite target
     * @return the graph
     * @throws IllegalArgumentException when the arrays break the rules above
     */
    public static Graph forGraphRegression(int nodeCount, int featureCount, float[] features, int[] src, int[] dst,
                                           float[] targets) {
        if (targets.length == 0) {
            throw new IllegalArgumentException("a regression graph needs at least one target");
        }
        for (int t = 0; t < targets.length; t++) {
            if (!Float.isFinite(targets[t])) {
                throw new IllegalArgumentException("target " + t + " is " + targets[t]);
            }
        }
        return checked(nodeCount, featureCount, features, src, dst, GraphTask.GRAPH_REGRESSION, 0, -1,
                targets.clone(), null);
    }

    /**
     * A graph with a class per node (node classification; which nodes are used for training or
     * scoring is the dataset's split, not the graph's).
     *
     * @param nodeCount number of nodes, at least 1
     * @param featureCount features per node, at least 1
     * @param features {@code nodeCount * featureCount} finite values, row-major
     * @param src source node of each directed edge
     * @param dst target node of each directed edge
     * @param nodeLabels the class of each node, in {@code 0..classCount-1}
     * @param classCount number of classes of the dataset
     * @return the graph
     * @throws IllegalArgumentException when the arrays or labels break the rules above
     */
    public static Graph forNodeClassification(int nodeCount, int featureCount, float[] features, int[] src,
                                              int[] dst, int[] nodeLabels, int classCount) {
        requireClasses(classCount);
        if (nodeLabels.length != nodeCount) {
            throw new IllegalArgumentException(nodeLabels.length + " node labels for " + nodeCount + " nodes");
        }
        for (int i = 0; i < nodeLabels.length; i++) {
            if (nodeLabels[i] < 0 || nodeLabels[i] >= classCount) {
                throw new IllegalArgumentException("label " + nodeLabels[i] + " of node " + i + " is not in 0.."
                        + (classCount - 1));
            }
        }
        return checked(nodeCount, featureCount, features, src, dst, GraphTask.NODE_CLASSIFICATION, classCount, -1,
                null, nodeLabels.clone());
    }

    private static void requireClasses(int classCount) {
        if (classCount < 1) {
            throw new IllegalArgumentException("class count " + classCount + " (expected at least 1)");
        }
    }

    private static Graph checked(int nodeCount, int featureCount, float[] features, int[] src, int[] dst,
                                 GraphTask task, int classCount, int label, float[] targets, int[] nodeLabels) {
        if (nodeCount < 1) {
            throw new IllegalArgumentException("a graph needs at least one node, got " + nodeCount);
        }
        if (featureCount < 1) {
            throw new IllegalArgumentException("a graph needs at least one feature per node, got " + featureCount);
        }
        if ((long) nodeCount * featureCount != features.length) {
            throw new IllegalArgumentException(features.length + " feature values for " + nodeCount + " nodes x "
                    + featureCount + " features");
        }
        for (int k = 0; k < features.length; k++) {
            if (!Float.isFinite(features[k])) {
                throw new IllegalArgumentException("feature " + (k % featureCount) + " of node " + (k / featureCount)
                        + " is " + features[k]);
            }
        }
        checkEdges(nodeCount, Objects.requireNonNull(src, "src"), Objects.requireNonNull(dst, "dst"));
        return new Graph(nodeCount, featureCount, features.clone(), src.clone(), dst.clone(), task, classCount,
                label, targets, nodeLabels);
    }

    private static void checkEdges(int n, int[] src, int[] dst) {
        if (src.length != dst.length) {
            throw new IllegalArgumentException(src.length + " edge sources but " + dst.length + " edge targets");
        }
        boolean ascending = true;
        long previous = -1;
        for (int e = 0; e < src.length; e++) {
            int u = src[e];
            int v = dst[e];
            if (u < 0 || u >= n || v < 0 || v >= n) {
                throw new IllegalArgumentException("edge " + e + " (" + u + " -> " + v + ") names a node outside 0.."
                        + (n - 1));
            }
            if (u == v) {
                throw new IllegalArgumentException("edge " + e + " is a self-loop at node " + u
                        + " (the edge list holds none; layers add them where their definition does)");
            }
            long key = (long) u * n + v;
            ascending &= key > previous;
            previous = key;
        }
        if (ascending) {
            return;   // strictly increasing (src, dst): the order EdgeCleaner produces; no duplicates
        }
        long[] keys = new long[src.length];
        for (int e = 0; e < keys.length; e++) {
            keys[e] = (long) src[e] * n + dst[e];
        }
        Arrays.sort(keys);
        for (int e = 1; e < keys.length; e++) {
            if (keys[e] == keys[e - 1]) {
                throw new IllegalArgumentException("duplicate edge " + keys[e] / n + " -> " + keys[e] % n);
            }
        }
    }

    /** @return the number of nodes, at least 1 */
    public int nodeCount() {
        return nodeCount;
    }

    /** @return the number of features per node */
    public int featureCount() {
        return featureCount;
    }

    /** @return the number of directed edges */
    public int edgeCount() {
        return src.length;
    }

    /** @return the task this graph is labelled for */
    public GraphTask task() {
        return task;
    }

    /** @return the number of classes (graph or node classification), 0 for regression */
    public int classCount() {
        return classCount;
    }

    /** @return the number of regression targets, 0 for classification */
    public int targetCount() {
        return targets == null ? 0 : targets.length;
    }

    /**
     * @return the graph's class
     * @throws IllegalStateException when the graph is not labelled for graph classification
     */
    public int label() {
        requireTask(GraphTask.GRAPH_CLASSIFICATION);
        return label;
    }

    /**
     * @return a copy of the regression targets
     * @throws IllegalStateException when the graph is not labelled for regression
     */
    public float[] targets() {
        requireTask(GraphTask.GRAPH_REGRESSION);
        return targets.clone();
    }

    /**
     * @return a copy of the class of every node
     * @throws IllegalStateException when the graph is not labelled for node classification
     */
    public int[] nodeLabels() {
        requireTask(GraphTask.NODE_CLASSIFICATION);
        return nodeLabels.clone();
    }

    /** @return a copy of the node features, row-major {@code [nodeCount x featureCount]} */
    public float[] features() {
        return features.clone();
    }

    /**
     * @param node node index
     * @param feature feature index
     * @return that feature of that node
     */
    public float feature(int node, int feature) {
        if (node < 0 || node >= nodeCount || feature < 0 || feature >= featureCount) {
            throw new IndexOutOfBoundsException("feature " + feature + " of node " + node + " in a graph of "
                    + nodeCount + " x " + featureCount);
        }
        return features[node * featureCount + feature];
    }

    /** @return a copy of the source node of every directed edge */
    public int[] src() {
        return src.clone();
    }

    /** @return a copy of the target node of every directed edge */
    public int[] dst() {
        return dst.clone();
    }

    /**
     * @param edge edge index
     * @return its source node
     */
    public int src(int edge) {
        return src[edge];
    }

    /**
     * @param edge edge index
     * @return its target node
     */
    public int dst(int edge) {
        return dst[edge];
    }

    /**
     * Checks a deserialized graph as the factories check a new one.
     *
     * @return the graph, rebuilt by its factory
     * @throws InvalidObjectException when the stream holds a graph the factories refuse
     */
    private Object readResolve() throws InvalidObjectException {
        try {
            return switch (task) {
                case GRAPH_CLASSIFICATION -> forGraphClassification(nodeCount, featureCount, features, src, dst, label,
                        classCount);
                case GRAPH_REGRESSION -> forGraphRegression(nodeCount, featureCount, features, src, dst, targets);
                case NODE_CLASSIFICATION -> forNodeClassification(nodeCount, featureCount, features, src, dst,
                        nodeLabels, classCount);
            };
        } catch (IllegalArgumentException | NullPointerException e) {
            InvalidObjectException invalid = new InvalidObjectException("serialized graph is invalid: " + e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
    }

    private void requireTask(GraphTask expected) {
        if (task != expected) {
            throw new IllegalStateException("this graph is labelled for " + task + ", not " + expected);
        }
    }

    @Override
    public String toString() {
        return "Graph[" + nodeCount + " nodes x " + featureCount + " features, " + src.length + " directed edges, "
                + task + "]";
    }
}
