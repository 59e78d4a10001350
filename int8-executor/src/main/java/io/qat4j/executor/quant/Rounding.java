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
     * Rounds half away from zero to a {@code long}, saturating at the long range.
     *
     * @param x a finite value
     * @return the nearest long to {@code x}, ties away from zero
     */
    public static long toLongHalfAwayFromZero(double x) {
        return (long) halfAwayFromZero(x);
    }
}
