package io.qat4j.executor.kernel;

import java.math.BigInteger;

/**
 * The symmetric normalisation coefficients of a graph convolution (Kipf and Welling, ICLR 2017;
 * PyTorch Geometric's {@code gcn_norm} with {@code add_self_loops=True}) as int8 codes, computed
 * from the edge list alone with integers only and rounded exactly:
 *
 * <pre>
 *   edges with self-loops: the E edges (j -> i), then one loop (i -> i) per node, i = 0 .. N-1  ({@link EdgeIndex#withSelfLoops})
 *   d_i = in-degree of i in the E edges (column 1), so d_i + 1 is the degree with the self-loop
 *   c_e = 1 / sqrt(D_e),  D_e = (d_j + 1)(d_i + 1) for an edge j -> i,  D = (d_i + 1)^2 for the loop of i
 *   q_e = clamp(round(c_e / S) + Z, qMin, qMax)        round: half away from zero, of the exact real value
 * </pre>
 *
 * <p>The output scale {@code S} is given in dyadic form, {@code S = m 2^(shift - 31)} with a Q31
 * mantissa {@code m} in {@code [2^30, 2^31)} (TFLite's {@code QuantizeMultiplier} of {@code S}).
 * A float32 scale has a 24-bit significand, so this form holds it exactly, and the codes equal
 * {@code round(1 / (S sqrt(D))) + Z} for the real {@code S} of the tensor, with no error of a
 * square root or of a reciprocal (the dyadic form of {@code 1/S} would itself be rounded).
 *
 * <p>How, without a square root at run time: with {@code x = 1 / (S sqrt(D)) > 0}, the rounded
 * value is {@code n = floor(x + 1/2) = (w + 1) >> 1} for {@code w = floor(2x)}, and for
 * {@code w >= 1}
 * <pre>
 *   w <= 2x  <=>  w S sqrt(D) <= 2  <=>  w^2 m^2 D <= 2^(64 - 2 shift)  <=>  D <= T[w] = floor(2^(64 - 2 shift) / (w m)^2)
 * </pre>
 * (both sides positive; {@code D} is an integer, so comparing with the floor is exact). {@code T}
 * does not depend on the graph and decreases with {@code w}: it is computed once, at load, with
 * {@link BigInteger} for {@code w = 1 .. W}, and each coefficient is a binary search for the
 * largest {@code w} with {@code D <= T[w]}. Only {@code n <= qMax - Z} can appear unclamped, so
 * {@code W = 2 (qMax - Z) + 1} entries suffice (at most 511): {@code w >= W} gives {@code qMax}.
 *
 * <p>Bounds: in-degrees are at most {@code E < 2^31}, so {@code D < 2^62} fits a {@code long};
 * no accumulator.
 */
public final class GcnNormalization {

    private final long[] thresholds;
    private final int zeroPoint;
    private final int qMax;

    private GcnNormalization(long[] thresholds, int zeroPoint, int qMax) {
        this.thresholds = thresholds;
        this.zeroPoint = zeroPoint;
        this.qMax = qMax;
    }

    /**
     * Prepares the threshold table.
     *
     * @param scaleMultiplier {@code m}, in {@code [2^30, 2^31 - 1]}
     * @param scaleShift {@code shift}, in {@code [-31, 30]}: {@code S = m 2^(shift - 31)}
     * @param zeroPoint {@code Z}, in {@code [qMin, qMax]}
     * @param qMin the smallest output code
     * @param qMax the largest output code
     * @return the prepared normalisation
     * @throws IllegalArgumentException on a parameter out of range
     */
    public static GcnNormalization of(int scaleMultiplier, int scaleShift, int zeroPoint, int qMin, int qMax) {
        if (scaleMultiplier < (1 << 30)) {
            throw new IllegalArgumentException("scale multiplier must be in [2^30, 2^31 - 1], got " + scaleMultiplier);
        }
        if (scaleShift < -31 || scaleShift > 30) {
            throw new IllegalArgumentException("scale shift must be in [-31, 30], got " + scaleShift);
        }
        if (qMin > qMax || zeroPoint < qMin || zeroPoint > qMax || qMax - qMin > 255) {
            throw new IllegalArgumentException("zero point " + zeroPoint + " must lie in an 8-bit code range [" + qMin + ", " + qMax + "]");
        }
        int entries = 2 * (qMax - zeroPoint) + 1;
        BigInteger numerator = BigInteger.ONE.shiftLeft(64 - 2 * scaleShift);
        BigInteger longMax = BigInteger.valueOf(Long.MAX_VALUE);
        long[] t = new long[entries];
        for (int w = 1; w <= entries; w++) {
            BigInteger c = BigInteger.valueOf((long) w * scaleMultiplier);
            t[w - 1] = numerator.divide(c.multiply(c)).min(longMax).longValueExact();
        }
        return new GcnNormalization(t, zeroPoint, qMax);
    }

    /**
     * @param d {@code D = (d_j + 1)(d_i + 1) >= 1}
     * @return {@code clamp(round(1 / (S sqrt(D))) + Z)}, exactly
     */
    public int code(long d) {
        // the largest w in [1, W] with d <= T[w], or 0; T is non-increasing
        int lo = 0;
        int hi = thresholds.length;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (d <= thresholds[mid - 1]) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if (lo == thresholds.length) {
            return qMax; // w >= W: n >= qMax - Z + 1
        }
        return ((lo + 1) >> 1) + zeroPoint; // n = floor(x + 1/2) = (floor(2x) + 1) >> 1 <= qMax - Z
    }

    /**
     * The coefficients of every edge and then of every self-loop.
     *
     * @param source checked source nodes, {@code E} values in {@code [0, nodes)}
     * @param target checked target nodes, {@code E} values in {@code [0, nodes)}
     * @param nodes {@code N}
     * @param out {@code E + N} codes, written: edge {@code e} at {@code e}, node {@code i}'s loop at {@code E + i}
     */
    public void run(int[] source, int[] target, int nodes, byte[] out) {
        int edges = target.length;
        KernelChecks.checkLength(out, (long) edges + nodes, "output");
        int[] degree = EdgeIndex.counts(target, nodes);
        for (int e = 0; e < edges; e++) {
            out[e] = (byte) code(((long) degree[source[e]] + 1) * ((long) degree[target[e]] + 1)); // < 2^62
        }
        for (int i = 0; i < nodes; i++) {
            long d = (long) degree[i] + 1;
            out[edges + i] = (byte) code(d * d);
        }
    }
}
