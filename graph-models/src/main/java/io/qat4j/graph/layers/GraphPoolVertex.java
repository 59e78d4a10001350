package io.qat4j.graph.layers;

import io.qat4j.executor.kernel.SegmentPoolParams.Reduction;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.graph.layers.impl.GnnVertexImpl;
import io.qat4j.graph.layers.impl.GraphPoolVertexImpl;
import io.qat4j.quant.export.Int8Value;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Graph-level readout: the nodes of each graph of the batch pooled into one row,
 * {@code [N, H]} and the {@code graph} input to {@code [G, H]} (PyG's {@code global_add_pool},
 * {@code global_mean_pool}, {@code global_max_pool}; Xu et al., ICLR 2019, section 4.2, for the sum
 * readout of GIN; camlsys/degree-quant's GIN pools by mean). In a quantized mode the pooled rows
 * are fake-quantized by the vertex's output quantizer (graph rows have no Degree-Quant protection:
 * the mask is per node); there are no weights. Inputs: {@code nodes}, {@code graph}.
 */
public class GraphPoolVertex extends GnnVertex {

    /** How the nodes of a graph are combined. */
    public enum Pooling {
        /** Sum over the graph's nodes. */
        SUM,
        /** Mean over the graph's nodes. */
        MEAN,
        /** Per-channel maximum over the graph's nodes (the gradient goes to the first node holding it). */
        MAX
    }

    private Pooling pooling = Pooling.MEAN;

    /** For JSON deserialization and the builder. */
    public GraphPoolVertex() {
    }

    /** @return the pooling */
    public Pooling getPooling() {
        return pooling;
    }

    /** @param pooling the pooling */
    public void setPooling(Pooling pooling) {
        this.pooling = pooling;
    }

    @Override
    protected void validate() {
        requirePositive(nIn, "nIn");
        Objects.requireNonNull(pooling, "pooling");
    }

    @Override
    public ParamLayout paramLayout() {
        return addObservers(ParamLayout.builder()).build();
    }

    @Override
    public List<String> observerKeys() {
        return quant.quantized() ? List.of(GnnParams.OUTPUT_RANGE) : List.of();
    }

    @Override
    protected GnnVertexImpl<?, ?> createImpl(ComputationGraph graph, String vertexName, int idx, INDArray paramsView,
                                         boolean initializeParams, DataType dataType) {
        return new GraphPoolVertexImpl(graph, vertexName, idx, this, paramsView, initializeParams, dataType);
    }

    /** {@code segment_pool} of the previous vertex's int8 output over the network's graph ids, requantized to {@code Q_out}. */
    @Override
    protected Int8Value export(GnnExport e) {
        AffineQuantParams out = e.params(GnnParams.OUTPUT_RANGE);
        return e.segmentPool(reduction(), e.context().input(0), e.graphIds(1), out);
    }

    /** @return the integer model's reduction of this pooling ({@code segment_pool}'s mode) */
    public Reduction reduction() {
        return switch (pooling) {
            case SUM -> Reduction.SUM;
            case MEAN -> Reduction.MEAN;
            case MAX -> Reduction.MAX;
        };
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        checkInputs(nIn, vertexInputs, 2, 2);
        return InputType.feedForward(nIn);
    }

    @Override
    public GraphPoolVertex clone() {
        GraphPoolVertex v = copyBaseInto(new GraphPoolVertex());
        v.pooling = pooling;
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GraphPoolVertex v && baseEquals(v) && pooling == v.pooling;
    }

    @Override
    public int hashCode() {
        return Objects.hash(baseHashCode(), pooling);
    }

    /** Builds a {@link GraphPoolVertex}. */
    public static final class Builder extends GnnVertexBuilder<GraphPoolVertex, Builder> {

        /** A builder with FP32 settings and mean pooling. */
        public Builder() {
            super(new GraphPoolVertex());
        }

        /**
         * @param pooling sum, mean or max
         * @return this builder
         */
        public Builder pooling(Pooling pooling) {
            vertex.setPooling(pooling);
            return this;
        }
    }
}
