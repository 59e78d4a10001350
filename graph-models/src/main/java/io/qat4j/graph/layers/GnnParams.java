package io.qat4j.graph.layers;

import io.qat4j.quant.layers.QuantParams;

/**
 * Parameter keys of the graph vertices: trained values, and the observer state of each activation
 * quantizer that Degree-Quant lists (Tailor et al., ICLR 2021, section 4 and appendix; camlsys/degree-quant
 * {@code dq/multi_quant.py} quantizer keys in parentheses).
 */
public final class GnnParams {

    private GnnParams() {
    }

    /** Weights {@code [nIn, nOut]} (GCN, GAT; GIN's first linear layer). */
    public static final String WEIGHT = QuantParams.WEIGHT;
    /** Bias {@code [nOut]} (GCN, GAT; GIN's first linear layer). */
    public static final String BIAS = QuantParams.BIAS;
    /** GIN: weights of the MLP's second linear layer {@code [nOut, nOut]}. */
    public static final String WEIGHT_2 = "W2";
    /** GIN: bias of the MLP's second linear layer {@code [nOut]}. */
    public static final String BIAS_2 = "b2";
    /** GIN: the trainable {@code epsilon} weighting the node's own features. */
    public static final String GIN_EPS = "eps";
    /** GAT: attention vectors {@code [heads, 2 * C]}, target half first ({@code att}). */
    public static final String ATTENTION = "att";
    /** Batch-norm scale. */
    public static final String GAMMA = QuantParams.GAMMA;
    /** Batch-norm shift. */
    public static final String BETA = QuantParams.BETA;
    /** Batch-norm running mean. */
    public static final String RUNNING_MEAN = QuantParams.RUNNING_MEAN;
    /** Batch-norm running variance. */
    public static final String RUNNING_VAR = QuantParams.RUNNING_VAR;

    /** Observer of the layer input ({@code inputs_low}); GIN: of the MLP's input. */
    public static final String INPUT_RANGE = "inRange";
    /** Observer of the transformed features {@code x W} ({@code features_low}). */
    public static final String FEATURE_RANGE = "featRange";
    /** GCN: observer of the normalisation coefficients ({@code norm_low}). */
    public static final String NORM_RANGE = "normRange";
    /** GAT: observer of the attention logits before LeakyReLU ({@code alpha_low}). */
    public static final String LOGIT_RANGE = "logitRange";
    /** Observer of the messages ({@code message_low}). */
    public static final String MESSAGE_RANGE = "msgRange";
    /** Observer of the summed aggregate ({@code aggregate_low}). */
    public static final String AGGREGATE_RANGE = "aggrRange";
    /** GIN: observer of the MLP's hidden activation (its first linear layer's {@code features}). */
    public static final String HIDDEN_RANGE = "hiddenRange";
    /** GIN: observer of the MLP's second activation, after its second linear layer and ReLU, before the batch norm. */
    public static final String HIDDEN_2_RANGE = "hidden2Range";
    /** Observer of the output ({@code update_low}): the vertex's output quantizer. */
    public static final String OUTPUT_RANGE = QuantParams.OUTPUT_RANGE;
}
