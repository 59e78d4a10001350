package io.qat4j.executor.arith;

/**
 * Scalar int32 fixed-point primitives, bit-exact ports of gemmlowp {@code fixedpoint/fixedpoint.h}
 * and TensorFlow Lite {@code kernels/internal/common.h} ({@code MultiplyByQuantizedMultiplier} in
 * both of its builds).
 *
 * <p>Kernel code: this class uses integer arithmetic only (a test checks that its source holds no
 * floating-point type). Preconditions are checked with {@code assert}, as gemmlowp does; with
 * assertions disabled a violated precondition gives the same wrapped two's complement result a
 * C build without sanitizers would.
 *
 * <p>Which requantization the kernels use: {@link #multiplyByQuantizedMultiplier}, TFLite's
 * single-rounding build ({@code TFLITE_SINGLE_ROUNDING}): one rounding of the exact 64-bit
 * product, so the result is the nearest integer to {@code acc * M} for the Q31 multiplier
 * {@code M}. The default TFLite build, {@link #multiplyByQuantizedMultiplierDoubleRounding}
 * (gemmlowp's {@code SaturatingRoundingDoublingHighMul} then {@code RoundingDivideByPOT}),
 * rounds twice; its intermediate keeps only {@code -shift} fractional bits of the output, so for
 * small accumulators it lands one code away from {@code round(acc * M)} far more often than the
 * training-time quantizer's float rounding does. Measured on the W4A8 Fashion-MNIST CNN
 * (10,000 test images): with double rounding 3.0% of the first convolution's int8 outputs
 * differed from the fake-quantized model and 21 predictions disagreed; with single rounding
 * 0.23% and 13. Both are kept and tested; the double-rounding port serves as the reference for
 * TFLite's default build.
 *
 * <p>Rounding directions, which differ on purpose and must not be "unified":
 * <ul>
 *   <li>{@link #saturatingRoundingDoublingHighMul}: nearest, ties toward +infinity (as ARM NEON
 *       {@code VQRDMULH});</li>
 *   <li>{@link #roundingDivideByPOT}: nearest, ties away from zero;</li>
 *   <li>{@link #multiplyByQuantizedMultiplier}: nearest, ties toward +infinity (TFLite adds
 *       {@code 2^(totalShift - 1)} and shifts right arithmetically).</li>
 * </ul>
 */
public final class FixedPoint {

    private FixedPoint() {
    }

    /**
     * gemmlowp {@code SaturatingRoundingDoublingHighMul} for int32: the product of two Q0.31
     * values, {@code a * b / 2^31}, rounded to the nearest integer with ties toward +infinity,
     * saturated to the int32 range.
     *
     * <p>Contract:
     * <ul>
     *   <li>pre: none, every pair of ints is valid;</li>
     *   <li>post: result {@code == floor(a * b / 2^31 + 1/2)} computed exactly, except
     *       {@code a == b == Integer.MIN_VALUE} (exact value {@code 2^31}) which saturates to
     *       {@code Integer.MAX_VALUE}; this is the only saturating input.</li>
     * </ul>
     *
     * <p>The nudge is {@code 2^30} for a non-negative product and {@code 1 - 2^30} for a negative
     * one, followed by a division that truncates toward zero (Java {@code /}, C {@code /}); an
     * arithmetic shift {@code >>} (floor) would give a different result for negative products,
     * e.g. {@code (-1, 1)} gives 0 here but -1 with {@code >>}.
     *
     * @param a first factor, read as {@code a / 2^31}
     * @param b second factor, read as {@code b / 2^31}
     * @return {@code round(a * b / 2^31)}, ties toward +infinity, saturated
     */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE; // (-1) * (-1) = 1 is not in [-1, 1)
        }
        // |a * b| <= 2^62, exact in a long
        long ab = (long) a * b;
        int nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
        // truncating division, not >>: for ab < 0 trunc((ab + 1 - 2^30) / 2^31) == floor((ab + 2^30) / 2^31)
        return (int) ((ab + nudge) / (1L << 31));
    }

    /**
     * gemmlowp {@code RoundingDivideByPOT} (a rounding arithmetic right shift): {@code x / 2^exponent}
     * rounded to the nearest integer, ties away from zero.
     *
     * <p>Contract:
     * <ul>
     *   <li>pre: {@code 0 <= exponent <= 31} (asserted);</li>
     *   <li>post: result {@code == sign(x) * floor(|x| / 2^exponent + 1/2)} computed exactly;
     *       never overflows; {@code exponent == 0} returns {@code x}.</li>
     * </ul>
     * Examples: {@code (3, 1) -> 2}, {@code (-3, 1) -> -2}, {@code (-5, 2) -> -1},
     * {@code (6, 2) -> 2}, {@code (-6, 2) -> -2}.
     *
     * @param x dividend
     * @param exponent power of two of the divisor, in {@code [0, 31]}
     * @return {@code x / 2^exponent}, rounded to nearest, ties away from zero
     */
    public static int roundingDivideByPOT(int x, int exponent) {
        assert exponent >= 0 && exponent <= 31 : "exponent out of [0, 31]: " + exponent;
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        // x >> exponent floors; add one when the remainder exceeds half the divisor, or equals
        // it and x is non-negative (ties away from zero)
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /**
     * TensorFlow Lite {@code MultiplyByQuantizedMultiplier(int32_t, int32_t, int)}, single-rounding
     * build ({@code TFLITE_SINGLE_ROUNDING}): {@code x * quantizedMultiplier * 2^(shift - 31)}
     * rounded once, computed as
     * {@code (x * quantizedMultiplier + 2^(totalShift - 1)) >> totalShift} in 64 bits with
     * {@code totalShift = 31 - shift}. Positive {@code shift} is a left shift. The output stage of
     * every kernel.
     *
     * <p>Contract:
     * <ul>
     *   <li>pre: {@code quantizedMultiplier >= 0} and {@code -31 <= shift <= 30} (asserted; TFLite
     *       DCHECKs the same), so {@code 1 <= totalShift <= 62} and the 64-bit sum cannot
     *       overflow ({@code |x * m| <= 2^62}, plus at most {@code 2^61});</li>
     *   <li>pre: the result fits in an int32 (asserted; TFLite DCHECKs it). Kernels guarantee it
     *       by keeping {@code |acc| * 2^max(shift, 0) <= 2^31 - 1}, since the Q31 mantissa is
     *       below 1;</li>
     *   <li>post: result {@code == floor(x * quantizedMultiplier * 2^(shift - 31) + 1/2)}
     *       exactly: the nearest integer, ties toward +infinity; within 1/2 of the exact
     *       product.</li>
     * </ul>
     *
     * @param x the value to scale, typically an int32 accumulator
     * @param quantizedMultiplier Q31 multiplier, normally in {@code [2^30, 2^31)} or 0
     * @param shift power-of-two exponent, positive = left shift, in {@code [-31, 30]}
     * @return {@code x * quantizedMultiplier * 2^(shift - 31)}, rounded to nearest, ties up
     */
    public static int multiplyByQuantizedMultiplier(int x, int quantizedMultiplier, int shift) {
        assert quantizedMultiplier >= 0 : "negative quantized multiplier: " + quantizedMultiplier;
        assert shift >= -31 && shift <= 30 : "shift out of [-31, 30]: " + shift;
        int totalShift = 31 - shift;
        // |x * m| <= 2^31 * (2^31 - 1) < 2^62; adding 2^(totalShift - 1) <= 2^61 stays below 2^63
        long result = ((long) x * quantizedMultiplier + (1L << (totalShift - 1))) >> totalShift;
        assert result >= Integer.MIN_VALUE && result <= Integer.MAX_VALUE
                : "x * M = " + result + " overflows int32, x = " + x;
        return (int) result;
    }

    /**
     * TensorFlow Lite {@code MultiplyByQuantizedMultiplier(int32_t, int32_t, int)}, default
     * double-rounding build: {@code x * quantizedMultiplier * 2^(shift - 31)}, computed as
     * {@code roundingDivideByPOT(saturatingRoundingDoublingHighMul(x * 2^max(shift, 0),
     * quantizedMultiplier), max(-shift, 0))}. Positive {@code shift} is a left shift.
     *
     * <p>Contract:
     * <ul>
     *   <li>pre: {@code quantizedMultiplier >= 0} and {@code -31 <= shift <= 30}, the ranges
     *       {@link QuantizedMultiplier#of} produces for real multipliers below {@code 2^30}
     *       (TFLite DCHECKs the same ranges in its single-rounding and int64 variants) (asserted);</li>
     *   <li>pre: {@code x * 2^max(shift, 0)} fits in an int32 (asserted). TFLite writes
     *       {@code x * (1 << left_shift)} and builds the function with
     *       {@code TFLITE_NO_SANITIZE_INTEGER_OVERFLOW}, i.e. lets it wrap; here the caller
     *       guarantees it does not happen (a kernel documents why its accumulator is small
     *       enough). With assertions off the product wraps, as in TFLite;</li>
     *   <li>post: the result is the two-step rounding above, bit for bit. It is within 1 of the
     *       exact value {@code x * quantizedMultiplier * 2^(shift - 31)} (first rounding error
     *       at most 1/2 before the division, second at most 1/2), except where the high
     *       multiplication saturates (only {@code x * 2^leftShift == quantizedMultiplier ==
     *       Integer.MIN_VALUE}, excluded by the preconditions).</li>
     * </ul>
     *
     * @param x the value to scale, typically an int32 accumulator
     * @param quantizedMultiplier Q31 multiplier, normally in {@code [2^30, 2^31)} or 0
     * @param shift power-of-two exponent, positive = left shift, in {@code [-31, 30]}
     * @return {@code x * quantizedMultiplier * 2^(shift - 31)}, rounded twice as described
     */
    public static int multiplyByQuantizedMultiplierDoubleRounding(int x, int quantizedMultiplier, int shift) {
        assert quantizedMultiplier >= 0 : "negative quantized multiplier: " + quantizedMultiplier;
        assert shift >= -31 && shift <= 30 : "shift out of [-31, 30]: " + shift;
        int leftShift = Math.max(shift, 0);
        int rightShift = Math.max(-shift, 0);
        assert leftShiftFits(x, leftShift) : "x * 2^" + leftShift + " overflows int32, x = " + x;
        return roundingDivideByPOT(
                saturatingRoundingDoublingHighMul(x * (1 << leftShift), quantizedMultiplier), rightShift);
    }

    /** True when {@code x * 2^leftShift} is representable as an int ({@code 0 <= leftShift <= 30}). */
    private static boolean leftShiftFits(int x, int leftShift) {
        long shifted = (long) x << leftShift; // |x| * 2^30 < 2^62: exact
        return shifted >= Integer.MIN_VALUE && shifted <= Integer.MAX_VALUE;
    }
}
