package io.qat4j.executor.kernel;

/**
 * Parameters of {@link WeightedAggregate}: {@code heads} groups of {@code channelsPerHead} node
 * features, the zero points of the features and of the per-edge weights, and one output stage
 * whose multiplier is {@code S_w S_in / S_out}.
 *
 * <p>Accumulator bound: for target {@code i} and head {@code h},
 * {@code |acc| <= 255 * W}, {@code W = sum over incoming edges of |w_e - Z_w|}; the requantization
 * needs {@code 255 W 2^max(shift, 0) <= 2^31 - 1}, i.e. {@code W <= }{@link #maxWeightSum()}.
 * {@code W} is data (the in-degree times the weights), so {@link WeightedAggregate#run} checks it
 * on every run; for softmax weights ({@code Z_w = 0}, codes summing to about {@code 2^k} per
 * target) it is about {@code 2^k}, for int8 coefficients at most {@code 255 d_i}.
 *
 * @param heads {@code H >= 1}
 * @param channelsPerHead {@code C >= 1}; a node row has {@code H * C} codes
 * @param inputZeroPoint {@code Z_in} of the node features, int8
 * @param weightZeroPoint {@code Z_w} of the weights
 * @param requantization one channel
 */
public record WeightedAggregateParams(int heads, int channelsPerHead, int inputZeroPoint, int weightZeroPoint,
        Requantization requantization) {

    /** @throws IllegalArgumentException on bad sizes, several channels or a multiplier with no room for one term */
    public WeightedAggregateParams {
        KernelChecks.checkPositive(heads, "heads");
        KernelChecks.checkPositive(channelsPerHead, "channels per head");
        KernelChecks.checkedSize("node row", heads, channelsPerHead);
        KernelChecks.checkInt8(inputZeroPoint, "input zero point");
        KernelChecks.checkSingleMultiplier(requantization, "the weighted aggregation");
        KernelChecks.checkShifted(KernelChecks.MAX_ABS_INPUT_OFFSET, requantization.maxLeftShift(), "weighted aggregation of one term");
    }

    /**
     * Checks the arrays of a run against these parameters.
     *
     * @param x node features, at least {@code nodes * H * C} codes
     * @param nodes {@code N}
     * @param weights per-edge weights, at least {@code edges * H} codes
     * @param edges {@code E}
     * @param out the output, at least {@code outRows * H * C} codes
     * @param outRows its rows
     */
    void checkArrays(byte[] x, int nodes, int[] weights, int edges, byte[] out, int outRows) {
        KernelChecks.checkLength(x, (long) nodes * features(), "node features");
        KernelChecks.checkLength(weights, (long) edges * heads, "weights");
        KernelChecks.checkLength(out, (long) outRows * features(), "output");
    }

    /** @return {@code H * C}, the codes of a node row */
    public int features() {
        return heads * channelsPerHead;
    }

    /** @return the largest {@code sum |w_e - Z_w|} per target and head that the int32 accumulator holds */
    public long maxWeightSum() {
        return KernelChecks.maxTerms(KernelChecks.MAX_ABS_INPUT_OFFSET, requantization.maxLeftShift());
    }
}
