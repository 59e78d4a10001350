package io.qat4j.executor.kernel;

/**
 * Integer softmax of attention logits over the incoming edges of each target node, per head:
 * graph attention's {@code alpha_ij = softmax_j(e_ij)} over {@code j in N(i)} (Velickovic et al.,
 * ICLR 2018; PyTorch Geometric's {@code softmax(src, index)}), with I-BERT's integer exponential
 * (Kim et al., "I-BERT: Integer-only BERT Quantization", ICML 2021, section 3.4 and
 * {@code IntSoftmax} of {@code quant_modules.py}): max subtraction, then {@code exp} by shift
 * decomposition {@code exp(x) = 2^-q exp(r)}, {@code x = -q ln 2 + r}, {@code r in (-ln 2, 0]},
 * with the second-order polynomial {@code exp(r) ~= 0.35815147 r^2 + 0.96963238 r + 1}; its
 * output codes have the fixed scale {@code 2^-k}.
 *
 * <p>For the logit {@code x_e} (any integer zero point: it cancels) of edge {@code e} into target
 * {@code i} and head {@code h}:
 * <pre>
 *   delta = x_e - max over edges into i of x                     <= 0, in units of the logit scale S
 *   u     = max(delta 2^p, 30 x0)                                  units of S' = S 2^-p; I-BERT's clamp at 30 x0
 *   q     = floor(u / x0),  r = u - x0 q                           q in [0, 30], r in (x0, 0]
 *   z     = (r + b) r + c                                          exp(r S') / (0.35815147 S'^2), in [1, 2^24]
 *   e     = z 2^(16 - q)                                           floor for q > 16;  e <= 2^40
 *   alpha = floor((e 2^k + sum/2) / sum),  sum = sum of e over edges into i     the nearest integer to 2^k e / sum, ties up
 * </pre>
 * I-BERT keeps {@code z 2^(30 - q)} in float tensors and normalises with two floors
 * ({@code floor(2^32 / sum)}, then {@code floor(e factor / 2^(32 - k))}); here {@code e} keeps 16
 * bits below the polynomial (terms with {@code q > 16} lose at most one unit of {@code 2^40}, far
 * below the output step {@code 2^-14}), and the division rounds once, to nearest. The
 * codes of one target and head sum to {@code 2^k} up to the roundings (within {@code d/2}).
 *
 * <p>Overflow bounds: {@code |delta| <= 2^33} and {@code |delta 2^p| <= 2^57} in a long;
 * {@code z <= 2^24} ({@link EdgeSoftmaxParams}) so {@code e <= 2^40}; the sum over an in-degree
 * {@code d <= }{@value #MAX_IN_DEGREE} stays below {@code 2^63}, checked on every run;
 * {@code e 2^k <= 2^54}.
 */
public final class EdgeSoftmax {

    /** Fraction bits kept below the polynomial in the exponential {@code e = z 2^(16 - q)}. */
    public static final int EXP_FRACTION_BITS = 16;
    /** I-BERT's clamp: {@code u >= 30 x0}, so {@code q <= 30}. */
    public static final int MAX_HALVINGS = 30;
    /** Largest in-degree whose sum of exponentials ({@code <= 2^40} each) stays below {@code 2^63}. */
    public static final int MAX_IN_DEGREE = (1 << 23) - 1;

    private EdgeSoftmax() {
    }

    /**
     * I-BERT's integer exponential of a non-positive logit difference.
     *
     * @param p parameters
     * @param delta {@code x - max <= 0}, in units of the logit scale, {@code >= -2^33}
     * @return {@code e = z 2^(16 - q)}, proportional to {@code exp(delta S)} with the factor
     *     {@code 0.35815147 S'^2 2^-16}, in {@code [0, 2^40]}
     */
    public static long exp(EdgeSoftmaxParams p, long delta) {
        long u = p.inputShift() >= 0 ? delta << p.inputShift() : delta >> -p.inputShift();
        long x0 = p.x0();
        u = Math.max(u, MAX_HALVINGS * x0);
        int q = (int) (u / x0); // u <= 0 and x0 < 0: the quotient is >= 0, so truncation is floor; q <= 30
        long r = u - x0 * q; // in (x0, 0]
        long z = EdgeSoftmaxParams.polynomial(p.b(), p.c(), r); // [1, 2^24]
        return q <= EXP_FRACTION_BITS ? z << (EXP_FRACTION_BITS - q) : z >> (q - EXP_FRACTION_BITS);
    }

    /**
     * @param p parameters
     * @param what the op, for messages
     * @param logits {@code [E, H]} logit codes
     * @param target checked target nodes, {@code E} values in {@code [0, nodes)}
     * @param nodes {@code N}
     * @param out {@code [E, H]} codes {@code alpha 2^k} in {@code [0, 2^k]}, written
     * @throws InputDataException if a node's in-degree exceeds {@link #MAX_IN_DEGREE}
     */
    public static void run(EdgeSoftmaxParams p, String what, int[] logits, int[] target, int nodes, int[] out) {
        int heads = p.heads();
        int edges = target.length;
        KernelChecks.checkLength(logits, (long) edges * heads, "logits");
        KernelChecks.checkLength(out, (long) edges * heads, "output");
        int[] degree = EdgeIndex.counts(target, nodes);
        for (int i = 0; i < nodes; i++) {
            if (degree[i] > MAX_IN_DEGREE) {
                throw new InputDataException(what + ": node " + i + " has in-degree " + degree[i] + "; the 64-bit sum of its"
                        + " exponentials (each <= 2^40) allows at most " + MAX_IN_DEGREE);
            }
        }
        int[] max = new int[nodes * heads];
        java.util.Arrays.fill(max, Integer.MIN_VALUE);
        for (int e = 0; e < edges; e++) {
            for (int h = 0; h < heads; h++) {
                int k = target[e] * heads + h;
                max[k] = Math.max(max[k], logits[e * heads + h]);
            }
        }
        long[] exp = new long[edges * heads];
        long[] sum = new long[nodes * heads];
        for (int e = 0; e < edges; e++) {
            for (int h = 0; h < heads; h++) {
                int k = target[e] * heads + h;
                long v = exp(p, (long) logits[e * heads + h] - max[k]); // the zero point cancels
                exp[e * heads + h] = v;
                sum[k] += v; // <= 2^40 d < 2^63
            }
        }
        int bits = p.fractionBits();
        for (int e = 0; e < edges; e++) {
            for (int h = 0; h < heads; h++) {
                long s = sum[target[e] * heads + h]; // >= e of the maximum, z(0) 2^16 >= 2^16
                out[e * heads + h] = (int) (((exp[e * heads + h] << bits) + s / 2) / s); // <= 2^k
            }
        }
    }
}
