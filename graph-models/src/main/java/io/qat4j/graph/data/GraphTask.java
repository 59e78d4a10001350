package io.qat4j.graph.data;

/**
 * What a graph dataset is labelled for, which decides the labels a {@link GraphBatch} produces:
 * the three tasks of Degree-Quant's experiments (Tailor et al., ICLR 2021: Cora node
 * classification, REDDIT-BINARY/MUTAG/PROTEINS graph classification, ZINC graph regression).
 */
public enum GraphTask {
    /** one class per node (citation graphs); labels {@code [N, C]} one-hot with a mask {@code [N, 1]} */
    NODE_CLASSIFICATION,
    /** one class per graph; labels {@code [G, C]} one-hot */
    GRAPH_CLASSIFICATION,
    /** real-valued targets per graph; labels {@code [G, T]} */
    GRAPH_REGRESSION
}
