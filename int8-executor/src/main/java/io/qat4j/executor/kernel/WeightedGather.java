package io.qat4j.executor.kernel;

/**
 * Per-edge weighted messages, {@code m_e = w_e h_{src(e)}} per head, each requantized: the message
 * of a graph convolution ({@code norm_ij (X W)_j}) or of graph attention ({@code alpha_ij W h_j})
 * as Degree-Quant quantizes it (Tailor et al., ICLR 2021: messages, then the aggregate, each get a
 * quantizer), before a {@link ScatterAdd} sums them. {@link WeightedAggregate} fuses the two when
 * the messages are not quantized.
 *
 * <pre>
 *   m[e, h, c] = clamp(multiplyByQuantizedMultiplier((w[e, h] - Z_w)(x[src(e), h, c] - Z_in), M, shift) + Z_out)
 *                                                                   M 2^(shift-31) ~= S_w S_in / S_out
 * </pre>
 *
 * <p>Bound: one product, {@code |w - Z_w| 255}, times {@code 2^max(shift, 0)} within
 * {@code 2^31 - 1}: {@code |w - Z_w| <= }{@link WeightedAggregateParams#maxWeightSum()}, which
 * the op checks at load against the weight tensor's code range.
 */
public final class WeightedGather {

    private WeightedGather() {
    }

    /**
     * @param p parameters (a sum of one term)
     * @param x {@code [N, H * C]} int8 node features
     * @param nodes {@code N}
     * @param source checked source nodes, {@code E} values
     * @param weights {@code [E, H]} weight codes, each within the bound
     * @param out {@code [E, H * C]} int8 messages, written
     */
    public static void run(WeightedAggregateParams p, byte[] x, int nodes, int[] source, int[] weights, byte[] out) {
        int heads = p.heads();
        int c = p.channelsPerHead();
        int f = p.features();
        int edges = source.length;
        p.checkArrays(x, nodes, weights, edges, out, edges);
        Requantization r = p.requantization();
        int m = r.multiplierArray()[0];
        int shift = r.shiftArray()[0];
        int zOut = r.outputZeroPoint();
        int actMin = r.activation().min();
        int actMax = r.activation().max();
        int zw = p.weightZeroPoint();
        int zIn = p.inputZeroPoint();
        int[] acc = new int[c];
        for (int e = 0; e < edges; e++) {
            int from = source[e] * f;
            for (int h = 0; h < heads; h++) {
                int w = weights[e * heads + h] - zw;
                for (int k = 0; k < c; k++) {
                    acc[k] = w * (x[from + h * c + k] - zIn); // r = S_w S_in (w - Z_w)(x - Z_in); |acc| <= |w - Z_w| 255
                }
                OutputStage.requantize(acc, 0, c, m, shift, zOut, actMin, actMax, out, e * f + h * c);
            }
        }
    }
}
