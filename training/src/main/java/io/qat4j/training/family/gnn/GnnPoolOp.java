package io.qat4j.training.family.gnn;

import io.qat4j.graph.layers.GraphPoolVertex;
import io.qat4j.training.config.binding.ConfigChoice;

/**
 * The {@code op} of a {@code {type: pool}} layer: how the nodes of a graph become its row (PyG's
 * {@code global_add_pool}, {@code global_mean_pool}, {@code global_max_pool}), computed by
 * {@link GraphPoolVertex}.
 */
public enum GnnPoolOp implements ConfigChoice {
    /** Sum over the graph's nodes (GIN's read-out, Xu et al., ICLR 2019, section 4.2). */
    SUM("sum", GraphPoolVertex.Pooling.SUM),
    /** Mean over the graph's nodes (camlsys/degree-quant's REDDIT-BINARY GIN). */
    MEAN("mean", GraphPoolVertex.Pooling.MEAN),
    /** Per-channel maximum over the graph's nodes. */
    MAX("max", GraphPoolVertex.Pooling.MAX);

    private final String yamlName;
    private final GraphPoolVertex.Pooling pooling;

    GnnPoolOp(String yamlName, GraphPoolVertex.Pooling pooling) {
        this.yamlName = yamlName;
        this.pooling = pooling;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** @return the vertex's pooling */
    public GraphPoolVertex.Pooling pooling() {
        return pooling;
    }
}
