package io.qat4j.graph.layers;

import java.util.List;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * The settings every graph-vertex builder takes (quantization, updaters, regularization); each
 * vertex's builder adds its own.
 *
 * @param <V> the vertex
 * @param <B> the builder
 */
public abstract class GnnVertexBuilder<V extends GnnVertex, B extends GnnVertexBuilder<V, B>> {

    protected final V vertex;

    /** @param vertex a new vertex, filled by the builder */
    protected GnnVertexBuilder(V vertex) {
        this.vertex = vertex;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * @param nIn input features per node
     * @return this builder
     */
    public B nIn(long nIn) {
        vertex.setNIn(nIn);
        return self();
    }

    /**
     * @param quant quantization settings (default {@link GnnQuantSettings#fp32()})
     * @return this builder
     */
    public B quant(GnnQuantSettings quant) {
        vertex.setQuant(quant);
        return self();
    }

    /**
     * @param updater updater of the trained parameters
     * @return this builder
     */
    public B updater(IUpdater updater) {
        vertex.setUpdater(updater);
        return self();
    }

    /**
     * @param updater updater of biases (default: the weights')
     * @return this builder
     */
    public B biasUpdater(IUpdater updater) {
        vertex.setBiasUpdater(updater);
        return self();
    }

    /**
     * @param regularization weight regularization
     * @return this builder
     */
    public B regularization(List<Regularization> regularization) {
        vertex.setRegularization(regularization);
        return self();
    }

    /**
     * @param regularization bias regularization
     * @return this builder
     */
    public B regularizationBias(List<Regularization> regularization) {
        vertex.setRegularizationBias(regularization);
        return self();
    }

    /**
     * @return the vertex
     * @throws IllegalArgumentException when a setting is missing or invalid
     */
    public V build() {
        vertex.validate();
        return vertex;
    }
}
