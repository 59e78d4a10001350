package io.qat4j.executor.kernel;

/**
 * Parameters of {@link EdgeSoftmax}: the integer constants of I-BERT's exponential (Kim et al.,
 * ICML 2021, {@code IntSoftmax.int_exp} of {@code quant_modules.py}) for the fine input scale
 * {@code S' = S 2^-inputShift}, computed offline ({@code io.qat4j.executor.prep.GraphOpParams}):
 * {@code x0 = floor(-ln 2 / S')}, {@code b = floor((0.96963238 / 0.35815147) / S')},
 * {@code c = floor((1 / 0.35815147) / S'^2)}.
 *
 * <p>Checked here, so that no intermediate overflows for any input: the polynomial
 * {@code z(r) = (r + b) r + c} stays in {@code [1, 2^24]} on the whole remainder range
 * {@code r = x0 + 1 .. 0} (it is a parabola, so its extremes are at the two ends and at the integer
 * points next to {@code -b/2}); then the exponential {@code z 2^(16 - q)} is at most {@code 2^40},
 * a target's sum of them at most {@code 2^40} times its in-degree (below {@code 2^63} for in-degrees
 * up to {@link EdgeSoftmax#MAX_IN_DEGREE}), and {@code e 2^k <= 2^54}.
 *
 * @param heads {@code H}, attention heads (logits per edge)
 * @param inputShift {@code p}: the fine logit difference is {@code delta 2^p} (a right shift, rounding down, for {@code p < 0}), in {@code [-31, 24]}
 * @param x0 {@code floor(-ln 2 / S')}, in {@code [-2^24, -1]}
 * @param b the polynomial's linear coefficient in units of {@code S'}, {@code >= 0}
 * @param c the polynomial's constant in units of {@code S'^2}, {@code >= 1}
 * @param fractionBits {@code k}: output codes are {@code alpha 2^k}, scale {@code 2^-k}, in {@code [1, 14]}
 */
public record EdgeSoftmaxParams(int heads, int inputShift, int x0, int b, int c, int fractionBits) {

    /** Largest value of the exponential's polynomial. */
    public static final long MAX_POLYNOMIAL = 1L << 24;

    /** @throws IllegalArgumentException on a parameter out of range or a polynomial outside {@code [1, 2^24]} */
    public EdgeSoftmaxParams {
        KernelChecks.checkPositive(heads, "heads");
        if (inputShift < -31 || inputShift > 24) {
            throw new IllegalArgumentException("input shift must be in [-31, 24], got " + inputShift);
        }
        if (x0 < -(1 << 24) || x0 > -1) {
            throw new IllegalArgumentException("x0 = floor(-ln2 / S') must be in [-2^24, -1], got " + x0);
        }
        if (b < 0 || c < 1) {
            throw new IllegalArgumentException("polynomial coefficients must be b >= 0 and c >= 1, got b = " + b + ", c = " + c);
        }
        if (fractionBits < 1 || fractionBits > 14) {
            throw new IllegalArgumentException("output fraction bits must be in [1, 14], got " + fractionBits);
        }
        long lo = x0 + 1L;
        long vertexFloor = Math.floorDiv(-(long) b, 2);
        for (long r : new long[] {lo, 0, vertexFloor, vertexFloor + 1}) {
            if (r >= lo && r <= 0) {
                long z = polynomial(b, c, r);
                if (z < 1 || z > MAX_POLYNOMIAL) {
                    throw new IllegalArgumentException("the exponential's polynomial (r + " + b + ") r + " + c + " is " + z + " at r = " + r
                            + ", outside [1, 2^24] (remainders r run from x0 + 1 = " + lo + " to 0)");
                }
            }
        }
    }

    /** {@code (r + b) r + c} for {@code |r|, b < 2^27}: exact in a long. */
    static long polynomial(long b, long c, long r) {
        return (r + b) * r + c;
    }
}
