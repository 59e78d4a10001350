package io.qat4j.executor.quant;

/**
 * The rounding of the arithmetic contract: half away from zero, as TFLite's {@code TfLiteRound}
 * and C's {@code round()}.
 *
 * <p>Java's {@code Math.round} rounds half up ({@code Math.round(-2.5) == -2}) and {@code Math.rint}
 * half to even; neither is used for quantization anywhere in qat4j.
 */
public final class Rounding {

    private Rounding() {
    }

    /**
     * Rounds half away from zero.
     *
     * @param x a finite value
     * @return the nearest integer to {@code x}, ties away from zero, as a double
     */
    public static double halfAwayFromZero(double x) {
        double a = Math.abs(x);
        double r = Math.floor(a);
        // a - floor(a) is exact; floor(a + 0.5) is not (0.49999999999999994 + 0.5 == 1.0)
        if (a - r >= 0.5) {
            r += 1.0;
        }
        return Math.copySign(r, x);
    }

    /**
     * Quantizes one float as the training-time fake quantizer and the executor's input boundary
     * both do: {@code clamp(round(x / S) + Z, qMin, qMax)} with the division in float and rounding
     * half away from zero (ties detected exactly, see below).
     *
     * @param x the value
     * @param scale {@code S} as a float
     * @param zeroPoint {@code Z}
     * @param qMin smallest code
     * @param qMax largest code
     * @return the code when it lies in {@code [qMin, qMax]}; {@code qMin - 1} or {@code qMax + 1} when
     *     the value fell below or above the range (callers clamp, and can count what they clamped)
     */
    public static int quantizeFloat(float x, float scale, int zeroPoint, int qMin, int qMax) {
        float v = x / scale;
        float av = Math.abs(v);
        // nearest, ties to even; a tie rounded down to even goes up instead (away from zero). r - av is
        // exact (Sterbenz: r and av are within a factor of 2 when r > 0), and the branch is rarely taken,
        // so well predicted, unlike a test of the fraction on every value
        float r = (float) Math.rint(av);
        if (r - av == -0.5f) {
            r += 1f;
        }
        float code = Math.copySign(r, v) + zeroPoint;
        if (code < qMin) {
            return qMin - 1;
        }
        if (code > qMax) {
            return qMax + 1;
        }
        return (int) code;
    }

    /**
     * Rounds half away from zero to a {@code long}, saturating at the long range.
     *
     * @param x a finite value
     * @return the nearest long to {@code x}, ties away from zero
     */
    public static long toLongHalfAwayFromZero(double x) {
        return (long) halfAwayFromZero(x);
    }
}
