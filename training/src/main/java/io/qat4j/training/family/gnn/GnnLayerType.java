package io.qat4j.training.family.gnn;

import io.qat4j.training.config.binding.ConfigChoice;

/**
 * The layer types of the {@code gnn} family's {@code model.layers}: the message-passing layers of
 * graph-models ({@code gcn}: Kipf and Welling, ICLR 2017; {@code gin}: Xu et al., ICLR 2019;
 * {@code gat}: Velickovic et al., ICLR 2018), dropout (Srivastava et al., JMLR 2014), the
 * graph read-out {@code pool} (Xu et al., ICLR 2019, section 4.2) and fully connected layers on
 * the pooled graph rows.
 */
public enum GnnLayerType implements ConfigChoice {
    /** Graph convolution, {@code io.qat4j.graph.layers.GcnVertex}. */
    GCN("gcn"),
    /** Graph isomorphism layer, {@code io.qat4j.graph.layers.GinVertex}. */
    GIN("gin"),
    /** Multi-head graph attention, {@code io.qat4j.graph.layers.GatVertex}. */
    GAT("gat"),
    /** Dropout on the node features, or on the pooled graph rows after {@code pool}. */
    DROPOUT("dropout"),
    /** Graph read-out, {@code io.qat4j.graph.layers.GraphPoolVertex}: the nodes of each graph to one row. */
    POOL("pool"),
    /** Fully connected layer on the pooled graph rows, {@code io.qat4j.quant.layers.QuantDenseLayer}. */
    DENSE("dense");

    private final String yamlName;

    GnnLayerType(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
