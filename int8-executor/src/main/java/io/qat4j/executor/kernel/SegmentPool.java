package io.qat4j.executor.kernel;

import io.qat4j.executor.arith.FixedPoint;

/**
 * Graph pooling: sum, mean or max of node features over the nodes of each graph of a batch
 * (PyTorch Geometric's {@code global_add_pool}, {@code global_mean_pool}, {@code global_max_pool};
 * the readout of GIN, Xu et al., ICLR 2019), on int8 codes with a requantized output. The graph
 * of each node is given by its id: ids start at 0 and rise by 0 or 1 from node to node
 * (non-decreasing, and every graph has at least one node), so graph {@code g} is a contiguous run
 * of nodes and the batch has {@code G = last id + 1 <= N} graphs ({@link #graphCount}).
 *
 * <p>For graph {@code g} with {@code n} nodes and {@code M 2^(shift-31)} the op's multiplier:
 * <pre>
 *   SUM:  acc = sum (q - Z_in)                                        |acc| <= 255 n
 *         y = clamp(multiplyByQuantizedMultiplier(acc, M, shift) + Z_out)                 M ~= S_in / S_out
 *   MEAN: mean = round(acc 2^16 / n), half away from zero, exactly (64-bit: |acc 2^16| < 2^55)  |mean| <= 255 2^16
 *         y = clamp(multiplyByQuantizedMultiplier(mean, M, shift) + Z_out)         M ~= S_in / (S_out 2^16)
 *   MAX:  y = clamp(multiplyByQuantizedMultiplier(max q - Z_in, M, shift) + Z_out)    M ~= S_in / S_out
 * </pre>
 * The mean keeps {@value #MEAN_FRACTION_BITS} fraction bits so that its rounding error, at most
 * {@code 2^-17} of an input step, is negligible next to the single rounding of the output (one
 * rounding to whole input codes would add up to half an input step before the output's own
 * rounding).
 *
 * <p>Overflow bounds: see {@link SegmentPoolParams}; the sum's bound depends on the graph sizes
 * and is checked on every run before anything is summed.
 */
public final class SegmentPool {

    /** Fraction bits of the mean before requantization. */
    public static final int MEAN_FRACTION_BITS = 16;

    private SegmentPool() {
    }

    /**
     * Checks graph ids and counts the graphs.
     *
     * @param what the op, for messages
     * @param ids one graph id per node
     * @return {@code G}, the last id plus one ({@code 0} for no nodes)
     * @throws InputDataException naming the first node whose id breaks the rule
     */
    public static int graphCount(String what, int[] ids) {
        int previous = -1;
        for (int i = 0; i < ids.length; i++) {
            int g = ids[i];
            if (g != previous && g != previous + 1) {
                throw new InputDataException(what + ": node " + i + " has graph id " + g + (i == 0 ? ""
                        : " after " + previous) + "; graph ids must start at 0 and rise by 0 or 1 from node to node (non-decreasing,"
                        + " every graph with at least one node)");
            }
            previous = g;
        }
        return previous + 1;
    }

    /**
     * @param p parameters
     * @param what the op, for messages
     * @param x {@code [N, F]} int8 codes
     * @param ids checked graph ids ({@link #graphCount}), {@code N} values
     * @param graphs {@code G}
     * @param out {@code [G, F]} int8 codes, written
     * @throws InputDataException if a graph is larger than {@link SegmentPoolParams#maxGraphSize()}
     */
    public static void run(SegmentPoolParams p, String what, byte[] x, int[] ids, int graphs, byte[] out) {
        int f = p.features();
        KernelChecks.checkLength(x, (long) ids.length * f, "input");
        KernelChecks.checkLength(out, (long) graphs * f, "output");
        Requantization r = p.requantization();
        int m = r.multiplierArray()[0];
        int shift = r.shiftArray()[0];
        int zIn = p.inputZeroPoint();
        int zOut = r.outputZeroPoint();
        int actMin = r.activation().min();
        int actMax = r.activation().max();
        long maxNodes = p.maxGraphSize();
        int start = 0;
        for (int g = 0; g < graphs; g++) {
            int end = start;
            while (end < ids.length && ids[end] == g) {
                end++;
            }
            int n = end - start;
            if (n > maxNodes) {
                throw new InputDataException(what + ": graph " + g + " has " + n + " nodes; the int32 accumulator bound"
                        + " 255 x nodes x 2^" + r.maxLeftShift() + " <= 2^31 - 1 of the sum allows at most " + maxNodes);
            }
            for (int k = 0; k < f; k++) {
                int v = reduce(p.reduction(), x, start, end, f, k, zIn);
                int q = FixedPoint.multiplyByQuantizedMultiplier(v, m, shift) + zOut;
                out[g * f + k] = (byte) Math.max(actMin, Math.min(actMax, q));
            }
            start = end;
        }
    }

    /** The value the output stage scales, for feature {@code k} of nodes {@code [start, end)}. */
    private static int reduce(SegmentPoolParams.Reduction reduction, byte[] x, int start, int end, int f, int k, int zIn) {
        if (reduction == SegmentPoolParams.Reduction.MAX) {
            int max = Byte.MIN_VALUE;
            for (int i = start; i < end; i++) {
                max = Math.max(max, x[i * f + k]);
            }
            return max - zIn; // |max - Z_in| <= 255
        }
        long sum = 0;
        for (int i = start; i < end; i++) {
            sum += x[i * f + k] - zIn; // r = S_in (q - Z_in); |sum| <= 255 n < 2^39
        }
        if (reduction == SegmentPoolParams.Reduction.SUM) {
            return (int) sum; // n <= maxGraphSize(): |sum| 2^max(shift, 0) <= 2^31 - 1
        }
        long n = end - start;
        long scaled = sum << MEAN_FRACTION_BITS; // |scaled| < 2^55
        // round half away from zero; / truncates toward zero; |mean| <= 255 * 2^16
        return (int) (scaled >= 0 ? (scaled + n / 2) / n : (scaled - n / 2) / n);
    }
}
