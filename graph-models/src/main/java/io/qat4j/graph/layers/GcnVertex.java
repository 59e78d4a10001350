package io.qat4j.graph.layers;

import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.graph.layers.impl.GcnVertexImpl;
import io.qat4j.graph.layers.impl.GnnVertexImpl;
import io.qat4j.quant.export.Int8Ops;
import io.qat4j.quant.export.Int8Value;
import io.qat4j.quant.layers.impl.FoldedWeights;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Graph convolution (Kipf and Welling, "Semi-Supervised Classification with Graph Convolutional
 * Networks", ICLR 2017, eq. 8): {@code h'_i = act(sum_{j in N(i) + i} norm_ij (x_j W) + b)} with
 * {@code norm_ij = 1 / sqrt((d_i + 1)(d_j + 1))}, {@code d} the in-degree, self-loops added (PyG's
 * {@code GCNConv}; the Degree-Quant reference counts out-degrees, the same on the undirected graphs
 * the loaders produce); message passing by gather and scatter-add over the edge list
 * ({@link MessagePassing}), no dense adjacency.
 *
 * <p>Quantized as Degree-Quant's {@code GCNConvMultiQuant} (Tailor et al., ICLR 2021;
 * camlsys/degree-quant {@code dq/multi_quant.py}): the input, the weights, the features
 * {@code x W}, the normalisation coefficients, the messages, the summed aggregate and the output
 * after bias (and activation, fused so that the executor applies it as a clamp); in
 * {@link GnnQuantMode#DEGREE_QUANT} the rows of protected nodes, and the messages of edges leaving
 * them, stay in full precision during training. Inputs: {@code nodes}, {@code edges}, and
 * {@code protect} (required for Degree-Quant, optional otherwise).
 */
public class GcnVertex extends GnnConvVertex {

    private long nOut;
    private Activation activation = Activation.IDENTITY;

    /** For JSON deserialization and the builder. */
    public GcnVertex() {
    }

    /** @return output features per node */
    public long getNOut() {
        return nOut;
    }

    /** @param nOut output features per node */
    public void setNOut(long nOut) {
        this.nOut = nOut;
    }

    /** @return IDENTITY or RELU, applied after the bias */
    public Activation getActivation() {
        return activation;
    }

    /** @param activation IDENTITY or RELU */
    public void setActivation(Activation activation) {
        this.activation = activation;
    }

    @Override
    protected void validate() {
        requirePositive(nIn, "nIn");
        requirePositive(nOut, "nOut");
        requireClampActivation(activation);
    }

    @Override
    public ParamLayout paramLayout() {
        return addObservers(ParamLayout.builder()
                .add(GnnParams.WEIGHT, ParamLayout.Kind.WEIGHT, nIn, nOut)
                .add(GnnParams.BIAS, ParamLayout.Kind.BIAS, nOut)).build();
    }

    @Override
    public List<String> observerKeys() {
        return quant.quantized() ? List.of(GnnParams.INPUT_RANGE, GnnParams.FEATURE_RANGE, GnnParams.NORM_RANGE,
                GnnParams.MESSAGE_RANGE, GnnParams.AGGREGATE_RANGE, GnnParams.OUTPUT_RANGE) : List.of();
    }

    @Override
    protected GnnVertexImpl<?, ?> createImpl(ComputationGraph graph, String vertexName, int idx, INDArray paramsView,
                                         boolean initializeParams, DataType dataType) {
        return new GcnVertexImpl(graph, vertexName, idx, this, paramsView, initializeParams, dataType);
    }

    /**
     * The forward pass of {@code GcnVertexImpl} in integer ops: {@code Q_in} (the quantized input,
     * or a requantization), {@code fully_connected} without bias ({@code Q_feat}),
     * {@code add_self_loops} and {@code gcn_norm} ({@code Q_norm}), {@code weighted_gather}
     * ({@code Q_msg}), {@code scatter_add} ({@code Q_aggr}), then {@code bias_requantize} adding the
     * bias and clamping for the activation ({@code Q_out}).
     */
    @Override
    protected Int8Value export(GnnExport e) {
        AffineQuantParams out = e.params(GnnParams.OUTPUT_RANGE);
        Int8Value x = e.nodes(e.params(GnnParams.INPUT_RANGE), "input");
        FoldedWeights fw = e.impl().exportableWeights().orElseThrow();
        Int8Value f = e.dense(e.tensor("features"), x, GnnExport.withoutBias(fw), ActivationClamps.none(e.params(GnnParams.FEATURE_RANGE)),
                e.params(GnnParams.FEATURE_RANGE));
        int edges = e.edges();
        int loops = e.selfLoops(edges, x);
        Int8Value norm = e.gcnNorm(edges, x, e.params(GnnParams.NORM_RANGE));
        Int8Value messages = e.weightedGather("messages", f, loops, norm, e.params(GnnParams.MESSAGE_RANGE));
        Int8Value aggregate = e.scatterAdd("aggregate", messages, loops, x, e.params(GnnParams.AGGREGATE_RANGE));
        return e.biasRequantize(e.context().name(), aggregate, fw.bias(), out,
                Int8Ops.clamp(activation.getActivationFunction(), out, e.context().name()));
    }

    @Override
    public long outputWidth() {
        return nOut;
    }

    @Override
    public GcnVertex clone() {
        GcnVertex v = copyBaseInto(new GcnVertex());
        v.nOut = nOut;
        v.activation = activation;
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GcnVertex v && baseEquals(v) && nOut == v.nOut && activation == v.activation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(baseHashCode(), nOut, activation);
    }

    /** Builds a {@link GcnVertex}. */
    public static final class Builder extends GnnVertexBuilder<GcnVertex, Builder> {

        /** A builder with FP32 settings and identity activation. */
        public Builder() {
            super(new GcnVertex());
        }

        /**
         * @param nOut output features per node
         * @return this builder
         */
        public Builder nOut(long nOut) {
            vertex.setNOut(nOut);
            return this;
        }

        /**
         * @param activation IDENTITY or RELU
         * @return this builder
         */
        public Builder activation(Activation activation) {
            vertex.setActivation(activation);
            return this;
        }
    }
}
