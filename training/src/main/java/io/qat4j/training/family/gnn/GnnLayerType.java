package io.qat4j.training.family.gnn;

import io.qat4j.graph.layers.GatVertex;
import io.qat4j.graph.layers.GcnVertex;
import io.qat4j.graph.layers.GinVertex;
import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.graph.layers.GnnVertex;
import io.qat4j.training.config.binding.ConfigChoice;

/**
 * The layer types of the {@code gnn} family's {@code model.layers}: the message-passing layers of
 * graph-models ({@code gcn}: Kipf and Welling, ICLR 2017; {@code gin}: Xu et al., ICLR 2019;
 * {@code gat}: Velickovic et al., ICLR 2018), dropout (Srivastava et al., JMLR 2014), the
 * graph read-out {@code pool} (Xu et al., ICLR 2019, section 4.2) and fully connected layers on
 * the pooled graph rows. A message-passing type carries the factory of its vertex, so a new one is
 * a constant here with its factory (and its vertex class in graph-models).
 */
public enum GnnLayerType implements ConfigChoice {
    /** Graph convolution, {@link GcnVertex}. */
    GCN("gcn", false, true, (c, nIn, quant) -> new GcnVertex.Builder().nIn(nIn).nOut(c.units())
            .activation(c.activation().dl4j()).quant(quant).build()),
    /** Graph isomorphism layer, {@link GinVertex} (its MLP ends in ReLU: no activation of its own). */
    GIN("gin", false, false, (c, nIn, quant) -> new GinVertex.Builder().nIn(nIn).nOut(c.units()).quant(quant).build()),
    /** Multi-head graph attention, {@link GatVertex}. */
    GAT("gat", true, true, (c, nIn, quant) -> new GatVertex.Builder().nIn(nIn).heads(c.heads(), c.units(), c.concat())
            .activation(c.activation().dl4j()).quant(quant).build()),
    /** Dropout on the node features, or on the pooled graph rows after {@code pool}. */
    DROPOUT("dropout", false, false, null),
    /** Graph read-out, {@code io.qat4j.graph.layers.GraphPoolVertex}: the nodes of each graph to one row. */
    POOL("pool", false, false, null),
    /** Fully connected layer on the pooled graph rows, {@code io.qat4j.quant.layers.QuantDenseLayer}. */
    DENSE("dense", false, true, null);

    /** Builds the vertex of a message-passing layer. */
    @FunctionalInterface
    interface VertexFactory {
        /**
         * @param layer the layer's config
         * @param nIn the width of its input node states
         * @param quant the quantization of every graph layer
         * @return the vertex
         */
        GnnVertex vertex(GnnLayerConfig.Conv layer, long nIn, GnnQuantSettings quant);
    }

    private final String yamlName;
    private final boolean multiHead;
    private final boolean choosesActivation;
    private final VertexFactory vertexFactory;

    GnnLayerType(String yamlName, boolean multiHead, boolean choosesActivation, VertexFactory vertexFactory) {
        this.yamlName = yamlName;
        this.multiHead = multiHead;
        this.choosesActivation = choosesActivation;
        this.vertexFactory = vertexFactory;
    }

    /** @return whether this is a message-passing layer (a {@link GnnLayerConfig.Conv}) */
    public boolean messagePassing() {
        return vertexFactory != null;
    }

    /** @return whether the layer has attention heads ({@code heads}, {@code concat}) */
    public boolean multiHead() {
        return multiHead;
    }

    /** @return whether the config chooses the layer's activation (GIN's MLP always ends in ReLU) */
    public boolean choosesActivation() {
        return choosesActivation;
    }

    /**
     * @param layer a message-passing layer of this type
     * @param nIn the width of its input node states
     * @param quant the quantization of every graph layer
     * @return its vertex
     */
    GnnVertex vertex(GnnLayerConfig.Conv layer, long nIn, GnnQuantSettings quant) {
        if (vertexFactory == null || layer.type() != this) {
            throw new IllegalArgumentException(layer.type().yamlName() + " is not a " + yamlName + " layer");
        }
        return vertexFactory.vertex(layer, nIn, quant);
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
