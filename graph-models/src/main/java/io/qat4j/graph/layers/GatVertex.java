package io.qat4j.graph.layers;

import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.graph.layers.impl.GatVertexImpl;
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
 * Multi-head graph attention (Velickovic et al., "Graph Attention Networks", ICLR 2018, eqs. 3-6;
 * PyG's {@code GATConv}): per head {@code k}, features {@code f = x W_k}, logits
 * {@code e_ij = a_k^T [f_i || f_j]} for each edge {@code j -> i} plus a self-loop per node,
 * {@code alpha_ij = softmax_j(LeakyReLU_0.2(e_ij))} over the edges into {@code i}, and
 * {@code h'_i = sum_j alpha_ij f_j}; heads concatenated ({@code [N, heads * C]}) or averaged
 * ({@code [N, C]}), then a bias and the activation (identity or ReLU). Optional dropout of the
 * attention coefficients in training (the paper's 0.6 on Cora).
 *
 * <p>Quantized as Degree-Quant's {@code GATConvMultiQuant} (camlsys/degree-quant
 * {@code dq/multi_quant.py}): the input, the weights, the features, the attention vectors (with the
 * weight spec but one scale over all heads, per tensor, as {@code multi_quant.py} quantizes the
 * attention vector as one tensor), the logits before the LeakyReLU, the messages
 * {@code alpha_ij f_j}, the summed aggregate and the output; where it quantizes, the forward pass
 * takes the logits, coefficients and messages from the integer model's own kernels (I-BERT's
 * integer softmax, {@link #export}; {@code GatVertexImpl}), with the gradient of the float
 * softmax. In {@link GnnQuantMode#DEGREE_QUANT} the rows of protected nodes, and the logits and
 * messages of edges leaving them, stay in full precision in training. Inputs: {@code nodes},
 * {@code edges}, {@code protect} (required for Degree-Quant, optional otherwise).
 */
public class GatVertex extends GnnConvVertex {

    /** The LeakyReLU slope of the attention logits (the paper's 0.2). */
    public static final double NEGATIVE_SLOPE = 0.2;
    /**
     * The weight code of the exported mean over heads ({@code fully_connected}, int8 weights of
     * scale {@code 1 / (H 64)}): its int32 bias is rounded to the accumulator's unit
     * {@code S_aggr / (H 64)}, within {@code 1/128} of an aggregate code of the float bias that
     * the fake-quantized layer adds. With the code 1 the unit was {@code S_aggr / H}: on Cora (one
     * head averaged, {@code S_aggr / S_out = 1.11}) the rounded bias moved 30% of the output codes
     * by one.
     */
    static final int MEAN_WEIGHT_CODE = 64;
    /** {@code k} of the exported attention coefficients: INT16 codes of scale {@code 2^-14}. */
    public static final int ATTENTION_FRACTION_BITS = 14;

    private int heads = 1;
    private long channels;
    private boolean concat = true;
    private double attentionDropout;
    private Activation activation = Activation.IDENTITY;

    /** For JSON deserialization and the builder. */
    public GatVertex() {
    }

    /** @return attention heads */
    public int getHeads() {
        return heads;
    }

    /** @param heads attention heads */
    public void setHeads(int heads) {
        this.heads = heads;
    }

    /** @return output features per head {@code C} */
    public long getChannels() {
        return channels;
    }

    /** @param channels output features per head */
    public void setChannels(long channels) {
        this.channels = channels;
    }

    /** @return whether heads are concatenated (else averaged) */
    public boolean isConcat() {
        return concat;
    }

    /** @param concat whether heads are concatenated */
    public void setConcat(boolean concat) {
        this.concat = concat;
    }

    /** @return dropout probability of the attention coefficients in training */
    public double getAttentionDropout() {
        return attentionDropout;
    }

    /** @param attentionDropout dropout probability of the attention coefficients, in {@code [0, 1)} */
    public void setAttentionDropout(double attentionDropout) {
        this.attentionDropout = attentionDropout;
    }

    /** @return IDENTITY or RELU, applied after the bias */
    public Activation getActivation() {
        return activation;
    }

    /** @param activation IDENTITY or RELU */
    public void setActivation(Activation activation) {
        this.activation = activation;
    }

    /** @return output features per node: {@code heads * C} when concatenating, {@code C} otherwise */
    @Override
    public long outputWidth() {
        return concat ? heads * channels : channels;
    }

    /**
     * The integer graph attention, one executor op per quantizer of the fake-quantized vertex:
     * {@code fully_connected} to the features, two {@code fully_connected_logits} to the per-node
     * target and source scores of every head (the attention vectors quantized per tensor, so both
     * have the scale {@code S_f S_a}), {@code add_self_loops}, {@code attention_logits} to
     * {@code Q_logit}, {@code leaky_relu} onto the logits' grid, {@code edge_softmax} (I-BERT's
     * integer exponential, codes of scale {@code 2^-14}, which the fake-quantized forward computes too),
     * {@code weighted_gather} to {@code Q_msg}, {@code scatter_add} to {@code Q_aggr}; then the bias
     * and activation to {@code Q_out} with {@code bias_requantize} when the heads are concatenated
     * (or there is one), or, when they are averaged, a {@code fully_connected} whose weights are the
     * code {@value #MEAN_WEIGHT_CODE} of scale {@code 1/(64 H)} on each head's channel (the mean,
     * exact in its int32 accumulator) with the bias.
     */
    @Override
    protected Int8Value export(GnnExport e) {
        GatVertexImpl impl = (GatVertexImpl) e.impl();
        Int8Value x = e.nodes(e.params(GnnParams.INPUT_RANGE), "input");
        FoldedWeights fw = impl.exportableWeights().orElseThrow();
        AffineQuantParams featureParams = e.params(GnnParams.FEATURE_RANGE);
        Int8Value f = e.dense(e.tensor("features"), x, GnnExport.withoutBias(fw), ActivationClamps.none(featureParams), featureParams);
        FoldedWeights attention = impl.exportableAttention().orElseThrow();
        int target = e.attentionScores("target_scores", f, attention, 0);
        int source = e.attentionScores("source_scores", f, attention, (int) channels);
        int loops = e.selfLoops(e.edges(), x);
        Int8Value logits = e.attentionLogits(source, target, f.params().scale() * attention.scales()[0], loops, heads,
                e.params(GnnParams.LOGIT_RANGE));
        Int8Value alpha = e.edgeSoftmax(e.leakyRelu("leaky_logits", logits, NEGATIVE_SLOPE), loops, x, ATTENTION_FRACTION_BITS);
        Int8Value messages = e.weightedGather("messages", f, loops, alpha, e.params(GnnParams.MESSAGE_RANGE));
        Int8Value aggregate = e.scatterAdd("aggregate", messages, loops, x, e.params(GnnParams.AGGREGATE_RANGE));
        AffineQuantParams out = e.params(GnnParams.OUTPUT_RANGE);
        ActivationClamp clamp = Int8Ops.clamp(activation.getActivationFunction(), out, e.context().name());
        double[] bias = e.context().vertex().paramTable(false).get(GnnParams.BIAS).castTo(DataType.DOUBLE).toDoubleVector();
        if (concat || heads == 1) {
            return e.biasRequantize(e.context().name(), aggregate, bias, out, clamp);
        }
        int c = (int) channels;
        int[][] codes = new int[c][heads * c];
        double[] scales = new double[c];
        for (int j = 0; j < c; j++) {
            for (int h = 0; h < heads; h++) {
                codes[j][h * c + j] = MEAN_WEIGHT_CODE;
            }
            scales[j] = 1.0 / (heads * MEAN_WEIGHT_CODE);
        }
        return e.dense(e.context().name(), aggregate, new FoldedWeights(codes, scales, bias, 8), clamp, out);
    }

    @Override
    protected void validate() {
        requirePositive(nIn, "nIn");
        requirePositive(heads, "heads");
        requirePositive(channels, "channels");
        if (!(attentionDropout >= 0 && attentionDropout < 1)) {
            throw new IllegalArgumentException(kind() + ": attention dropout must be in [0, 1), got " + attentionDropout);
        }
        requireClampActivation(activation);
    }

    @Override
    public ParamLayout paramLayout() {
        return addObservers(ParamLayout.builder()
                .add(GnnParams.WEIGHT, ParamLayout.Kind.WEIGHT, nIn, heads * channels)
                .add(GnnParams.ATTENTION, ParamLayout.Kind.WEIGHT, heads, 2 * channels)
                .add(GnnParams.BIAS, ParamLayout.Kind.BIAS, outputWidth())).build();
    }

    @Override
    public List<String> observerKeys() {
        return quant.quantized() ? List.of(GnnParams.INPUT_RANGE, GnnParams.FEATURE_RANGE, GnnParams.LOGIT_RANGE,
                GnnParams.MESSAGE_RANGE, GnnParams.AGGREGATE_RANGE, GnnParams.OUTPUT_RANGE) : List.of();
    }

    @Override
    protected GnnVertexImpl<?, ?> createImpl(ComputationGraph graph, String vertexName, int idx, INDArray paramsView,
                                         boolean initializeParams, DataType dataType) {
        return new GatVertexImpl(graph, vertexName, idx, this, paramsView, initializeParams, dataType);
    }

    @Override
    public GatVertex clone() {
        GatVertex v = copyBaseInto(new GatVertex());
        v.heads = heads;
        v.channels = channels;
        v.concat = concat;
        v.attentionDropout = attentionDropout;
        v.activation = activation;
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GatVertex v && baseEquals(v) && heads == v.heads && channels == v.channels
                && concat == v.concat && attentionDropout == v.attentionDropout && activation == v.activation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(baseHashCode(), heads, channels, concat, attentionDropout, activation);
    }

    /** Builds a {@link GatVertex}. */
    public static final class Builder extends GnnVertexBuilder<GatVertex, Builder> {

        /** A builder with FP32 settings, one concatenated head, no attention dropout, identity activation. */
        public Builder() {
            super(new GatVertex());
        }

        /**
         * @param heads attention heads
         * @param channels output features per head
         * @param concat concatenate the heads (else average them)
         * @return this builder
         */
        public Builder heads(int heads, long channels, boolean concat) {
            vertex.setHeads(heads);
            vertex.setChannels(channels);
            vertex.setConcat(concat);
            return this;
        }

        /**
         * @param p dropout probability of the attention coefficients in training
         * @return this builder
         */
        public Builder attentionDropout(double p) {
            vertex.setAttentionDropout(p);
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
