package io.qat4j.executor.kernel;

import io.qat4j.executor.arith.FixedPoint;

/**
 * The attention logits of graph attention per edge and head, {@code e_ij = a_src . W h_j +
 * a_dst . W h_i} (Velickovic et al., ICLR 2018; PyTorch Geometric's {@code GATConv} computes the
 * two dot products per node, {@code alpha_src} and {@code alpha_dst}, and adds them per edge),
 * from the int32 accumulators of the two per-node dot products (e.g. two
 * {@code fully_connected_logits} ops, weights {@code a_src} and {@code a_dst} laid out per head,
 * both of scale {@code S_h S_a}), added exactly and requantized once: the logits before the
 * LeakyReLU that Degree-Quant quantizes (Tailor et al., ICLR 2021).
 *
 * <pre>
 *   acc[e, h] = s_src[src(e), h] + s_dst[dst(e), h]                       exact in a long
 *   y[e, h]   = clamp(multiplyByQuantizedMultiplier(acc, M, shift) + Z_out)        M 2^(shift-31) ~= S_h S_a / S_out
 * </pre>
 *
 * <p>Bound: the requantization takes an int32, so {@code |acc| 2^max(shift, 0) <= 2^31 - 1}; the
 * per-node accumulators come from another op, so every run checks it per edge and head before
 * requantizing (an {@link InputDataException} names the edge).
 */
public final class AttentionLogits {

    private AttentionLogits() {
    }

    /**
     * @param r one channel: {@code S_h S_a / S_out}, {@code Z_out}, clamp
     * @param what the op, for messages
     * @param heads {@code H}
     * @param sourceScores {@code [N, H]} int32 accumulators of {@code a_src . W h}
     * @param targetScores {@code [N, H]} int32 accumulators of {@code a_dst . W h}
     * @param source checked source nodes, {@code E} values
     * @param target checked target nodes, {@code E} values
     * @param out {@code [E, H]} int8 logit codes, written
     * @throws InputDataException if an edge's sum, scaled by the left shift, exceeds int32
     */
    public static void run(Requantization r, String what, int heads, int[] sourceScores, int[] targetScores, int[] source, int[] target,
            byte[] out) {
        KernelChecks.checkSingleMultiplier(r, "attention logits");
        int edges = target.length;
        KernelChecks.checkLength(out, (long) edges * heads, "output");
        int m = r.multiplierArray()[0];
        int shift = r.shiftArray()[0];
        long limit = Integer.MAX_VALUE >> Math.max(shift, 0);
        for (int e = 0; e < edges; e++) {
            for (int h = 0; h < heads; h++) {
                long acc = (long) sourceScores[source[e] * heads + h] + targetScores[target[e] * heads + h]; // |acc| < 2^32
                if (Math.abs(acc) > limit) {
                    throw new InputDataException(what + ": edge " + e + " head " + h + " has the logit accumulator " + acc
                            + ", which times 2^" + Math.max(shift, 0) + " exceeds 2^31 - 1");
                }
                int q = FixedPoint.multiplyByQuantizedMultiplier((int) acc, m, shift) + r.outputZeroPoint();
                out[e * heads + h] = (byte) r.activation().clamp(q);
            }
        }
    }
}
