package io.qat4j.graph.layers.impl;

import io.qat4j.executor.kernel.AttentionLogits;
import io.qat4j.executor.kernel.EdgeSoftmax;
import io.qat4j.executor.kernel.EdgeSoftmaxParams;
import io.qat4j.executor.kernel.LeakyRelu;
import io.qat4j.executor.kernel.WeightedAggregateParams;
import io.qat4j.executor.kernel.WeightedGather;
import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.prep.GraphOpParams;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.graph.layers.GatVertex;
import io.qat4j.quant.layers.impl.FoldedWeights;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Graph attention's logits, coefficients and messages computed in the fake-quantized forward pass
 * with the integer model's own kernels, so that they are its codes bit for bit: the per-node
 * scores {@code a_k[:C] . f_i} and {@code a_k[C:] . f_j} as exact int32 dot products of the codes
 * ({@code fully_connected_logits}), {@link AttentionLogits} to {@code Q_logit}, {@link LeakyRelu}
 * onto the logits' grid, {@link EdgeSoftmax} (I-BERT's integer exponential, codes of scale
 * {@code 2^-}{@value GatVertex#ATTENTION_FRACTION_BITS}) and {@link WeightedGather} to
 * {@code Q_msg}, each with the parameters the exporter writes ({@code GatVertex.export}).
 *
 * <p>Why: a float softmax of the quantized logits differs from the integer one by the
 * exponential's second-order polynomial (I-BERT, Kim et al., ICML 2021, section 3.4: a relative
 * error of about {@code 10^-3}) and by the LeakyReLU, which the integer model rounds onto the
 * logits' grid. Measured on Cora (GAT, 8 heads of 8 channels, plain QAT, seeds 1-5): with the float
 * softmax in the fake-quantized forward, 389 to 2,067 of the first layer's 173,312 output codes
 * differed from the integer model's at 4 bits (2 to 309 at 8 bits); with these coefficients, none.
 * Training with the coefficients the integer model computes removes that difference, as Jacob et al. (CVPR 2018, section 3) simulate in training the arithmetic of
 * inference; the gradient still flows through the float softmax's Jacobian, evaluated at these
 * coefficients (a straight-through estimator of the integer softmax).
 *
 * <p>Only targets whose every incoming edge is on the grid take the integer coefficients:
 * Degree-Quant keeps a protected node's row of features in float in training, so its own logits,
 * the logits of the edges leaving it, and the softmax of each target that receives one of them stay
 * in float. Messages take the integer codes only without attention dropout (training only).
 */
final class IntegerAttention {

    private final int heads;
    private final int[] src;
    /** Per edge, whether its target takes the integer path. */
    private final boolean[] exactEdge;
    private final boolean everyEdge;
    private final byte[] logits;
    private final int[] alpha;
    private final byte[] features;
    private final AffineQuantParams logitParams;
    private final AffineQuantParams messageParams;
    private final WeightedAggregateParams gather;

    /**
     * @param features {@code [N, H * C]} the quantized features {@code f}, rows of unprotected nodes on the grid of {@code feature}
     * @param nodes {@code N}
     * @param attention the attention vectors {@code [H][2C]} as exported (one scale)
     * @param src per edge its source (self-loops included)
     * @param dst per edge its target
     * @param protectedNodes per node whether its features stay in float, or null
     * @param feature {@code Q_feat} with the float32 scale
     * @param logit {@code Q_logit} with the float32 scale
     * @param message {@code Q_msg} with the float32 scale
     * @param where the vertex, for messages
     */
    IntegerAttention(float[] features, int nodes, FoldedWeights attention, int[] src, int[] dst, boolean[] protectedNodes,
                     AffineQuantParams feature, AffineQuantParams logit, AffineQuantParams message, String where) {
        this.heads = attention.codes().length;
        this.src = src;
        this.logitParams = logit;
        this.messageParams = message;
        int c = attention.codes()[0].length / 2;
        this.features = IntegerReductions.codes(features, feature);
        boolean[] exactTarget = new boolean[nodes];
        for (int i = 0; i < nodes; i++) {
            exactTarget[i] = protectedNodes == null || !protectedNodes[i];
        }
        for (int e = 0; e < src.length; e++) {
            if (protectedNodes != null && protectedNodes[src[e]]) {
                exactTarget[dst[e]] = false;
            }
        }
        exactEdge = new boolean[src.length];
        boolean all = true;
        for (int e = 0; e < src.length; e++) {
            exactEdge[e] = exactTarget[dst[e]];
            all &= exactEdge[e];
        }
        everyEdge = all;
        int[] targetScores = new int[nodes * heads];
        int[] sourceScores = new int[nodes * heads];
        scores(attention.codes(), feature.zeroPoint(), nodes, c, targetScores, sourceScores);
        int edges = src.length;
        logits = new byte[edges * heads];
        AttentionLogits.run(GraphOpParams.attentionLogits(feature.scale() * attention.scales()[0], logit), where + " attention logits",
                heads, sourceScores, targetScores, src, dst, logits);
        byte[] leaky = new byte[edges * heads];
        LeakyRelu.run(logit.zeroPoint(), GraphOpParams.leakyRelu(GatVertex.NEGATIVE_SLOPE, logit.scale(), logit,
                ActivationClamps.none(logit)), leaky.length, logits, leaky);
        int[] leakyCodes = new int[leaky.length];
        for (int k = 0; k < leaky.length; k++) {
            leakyCodes[k] = leaky[k];
        }
        EdgeSoftmaxParams softmax = GraphOpParams.edgeSoftmax(heads, logit.scale(), GatVertex.ATTENTION_FRACTION_BITS);
        alpha = new int[edges * heads];
        EdgeSoftmax.run(softmax, where + " edge softmax", leakyCodes, dst, nodes, alpha);
        gather = new WeightedAggregateParams(heads, c, feature.zeroPoint(), 0, GraphOpParams.weightedAggregate(
                Math.scalb(1.0, -GatVertex.ATTENTION_FRACTION_BITS), feature.scale(), message, ActivationClamps.none(message)));
    }

    /** Per node and head the int32 scores {@code sum_j a[h][offset + j] (f[i, h, j] - Z_f)}: target half (offset 0) and source half (offset C). */
    private void scores(int[][] attention, int zeroPoint, int nodes, int c, int[] target, int[] source) {
        for (int i = 0; i < nodes; i++) {
            for (int h = 0; h < heads; h++) {
                int t = 0;
                int s = 0;
                int fo = (i * heads + h) * c;
                for (int j = 0; j < c; j++) {
                    int v = features[fo + j] - zeroPoint;
                    t += attention[h][j] * v; // |a| <= 127, |v| <= 255, C terms: exact for C < 2^16
                    s += attention[h][c + j] * v;
                }
                target[i * heads + h] = t;
                source[i * heads + h] = s;
            }
        }
    }

    /**
     * Replaces, on the edges whose target takes the integer path, the logits by the integer model's
     * (dequantized as the fake quantization dequantizes) and the coefficients by its codes times
     * {@code 2^-k}.
     *
     * @param quantizedLogits {@code [E, H]} the fake-quantized logits, overwritten there
     * @param coefficients {@code [E, H]} the float softmax, overwritten there
     */
    void overwrite(double[] quantizedLogits, double[] coefficients) {
        float s = (float) logitParams.scale();
        int z = logitParams.zeroPoint();
        double unit = Math.scalb(1.0, -GatVertex.ATTENTION_FRACTION_BITS);
        for (int e = 0; e < exactEdge.length; e++) {
            if (exactEdge[e]) {
                for (int k = e * heads; k < (e + 1) * heads; k++) {
                    quantizedLogits[k] = (logits[k] - z) * s;
                    coefficients[k] = alpha[k] * unit;
                }
            }
        }
    }

    /** @return whether every edge's target takes the integer path (no Degree-Quant protection in this pass) */
    boolean everyEdge() {
        return everyEdge;
    }

    /**
     * @param quantized {@code [E, H * C]} the fake-quantized messages {@code Q_msg(alpha f_src)}
     * @return them with the rows of the integer path's edges replaced by {@code weighted_gather}'s codes, dequantized
     */
    INDArray messages(INDArray quantized) {
        return IntegerReductions.dequantized(quantized, messageCodes(), exactEdge, messageParams);
    }

    /** @return {@code [E, H]} the logit codes ({@code attention_logits}) */
    byte[] logitCodes() {
        return logits;
    }

    /** @return {@code [E, H]} the coefficient codes of scale {@code 2^-k} ({@code edge_softmax}) */
    int[] coefficientCodes() {
        return alpha;
    }

    /** @return {@code [E, H * C]} the message codes ({@code weighted_gather}) */
    byte[] messageCodes() {
        byte[] codes = new byte[src.length * gather.features()];
        WeightedGather.run(gather, features, features.length / gather.features(), src, alpha, codes);
        return codes;
    }
}
