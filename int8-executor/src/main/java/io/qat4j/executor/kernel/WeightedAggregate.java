package io.qat4j.executor.kernel;

/**
 * The weighted sum aggregation of message passing, {@code h'_i = sum over edges j -> i of
 * w_e h_j}, on int8 node features and integer per-edge weights, per head: graph attention's
 * {@code sum alpha_ij W h_j} with the softmax codes of {@link EdgeSoftmax} (Velickovic et al.,
 * ICLR 2018), or the graph convolution's {@code sum norm_ij (X W)_j} with the coefficients of
 * {@link GcnNormalization} (Kipf and Welling, ICLR 2017). The source rows are read from the node
 * table directly (no {@code [E, F]} message tensor is built):
 *
 * <pre>
 *   acc[i, h, c] = sum over edges e = (j -> i) of (w[e, h] - Z_w) (x[j, h, c] - Z_in)
 *   y[i, h, c]   = clamp(multiplyByQuantizedMultiplier(acc, M, shift) + Z_out)      M 2^(shift-31) ~= S_w S_in / S_out
 * </pre>
 *
 * <p>Overflow bound ({@link WeightedAggregateParams}): {@code |acc| <= 255 sum |w_e - Z_w|},
 * checked per target and head on every run before anything is accumulated.
 */
public final class WeightedAggregate {

    private WeightedAggregate() {
    }

    /**
     * @param p parameters
     * @param what the op, for messages
     * @param x {@code [N, H * C]} int8 node features
     * @param nodes {@code N}
     * @param source checked source nodes, {@code E} values
     * @param target checked target nodes, {@code E} values
     * @param weights {@code [E, H]} weight codes
     * @param out {@code [N, H * C]} int8 codes, written
     * @throws InputDataException if a target's weight sum exceeds {@link WeightedAggregateParams#maxWeightSum()}
     */
    public static void run(WeightedAggregateParams p, String what, byte[] x, int nodes, int[] source, int[] target, int[] weights,
            byte[] out) {
        int heads = p.heads();
        int c = p.channelsPerHead();
        int f = p.features();
        int edges = target.length;
        p.checkArrays(x, nodes, weights, edges, out, nodes);
        int zw = p.weightZeroPoint();
        long[] weightSum = new long[nodes * heads];
        for (int e = 0; e < edges; e++) {
            for (int h = 0; h < heads; h++) {
                weightSum[target[e] * heads + h] += Math.abs((long) weights[e * heads + h] - zw);
            }
        }
        long bound = p.maxWeightSum();
        for (int k = 0; k < weightSum.length; k++) {
            if (weightSum[k] > bound) {
                throw new InputDataException(what + ": node " + k / heads + (heads == 1 ? "" : " head " + k % heads)
                        + " aggregates weights with sum |w - Z_w| = " + weightSum[k] + "; the int32 accumulator bound 255 x that sum x 2^"
                        + p.requantization().maxLeftShift() + " <= 2^31 - 1 allows at most " + bound);
            }
        }
        int zIn = p.inputZeroPoint();
        int[] acc = new int[nodes * f];
        for (int e = 0; e < edges; e++) {
            int from = source[e] * f;
            int to = target[e] * f;
            for (int h = 0; h < heads; h++) {
                int w = weights[e * heads + h] - zw;
                int offset = h * c;
                for (int k = offset; k < offset + c; k++) {
                    acc[to + k] += w * (x[from + k] - zIn); // r = S_w S_in (w - Z_w)(x - Z_in); |acc| <= 255 W
                }
            }
        }
        Requantization r = p.requantization();
        OutputStage.requantize(acc, 0, acc.length, r.multiplierArray()[0], r.shiftArray()[0], r.outputZeroPoint(),
                r.activation().min(), r.activation().max(), out, 0);
    }
}
