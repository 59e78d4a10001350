package io.qat4j.executor.arith;

/**
 * A real multiplier {@code M} held as a Q31 integer and a power-of-two shift,
 * {@code M ~= multiplier * 2^(shift - 31)}, as produced by TensorFlow Lite
 * {@code QuantizeMultiplier} ({@code kernels/internal/quantization_util.cc}) and consumed by
 * {@link FixedPoint#multiplyByQuantizedMultiplier}. Jacob et al., CVPR 2018, section 2.2:
 * {@code M = 2^(-n) * M0} with {@code M0 = multiplier / 2^31} in {@code [0.5, 1)} and
 * {@code n = -shift}.
 *
 * <p>Invariant (checked by the constructor): either {@code multiplier == 0 && shift == 0} (the
 * representation of zero and of multipliers flushed to zero), or {@code multiplier} is
 * normalized, in {@code [2^30, 2^31 - 1]}, and {@code shift >= -31}.
 *
 * <p>This is offline, parameter-choosing code and may use floating point; kernels only see the
 * two ints.
 *
 * @param multiplier the Q31 mantissa, 0 or in {@code [2^30, 2^31 - 1]}
 * @param shift the power-of-two exponent, positive = left shift
 */
public record QuantizedMultiplier(int multiplier, int shift) {

    /** The multiplier of the real value 0. */
    public static final QuantizedMultiplier ZERO = new QuantizedMultiplier(0, 0);

    /** Checks the invariant stated in the class documentation. */
    public QuantizedMultiplier {
        if (multiplier == 0) {
            if (shift != 0) {
                throw new IllegalArgumentException("a zero multiplier has shift 0, got " + shift);
            }
        } else if (multiplier < (1 << 30)) {
            throw new IllegalArgumentException(
                    "multiplier must be 0 or in [2^30, 2^31 - 1], got " + multiplier);
        } else if (shift < -31) {
            throw new IllegalArgumentException("shift must be >= -31, got " + shift);
        }
    }

    /**
     * TensorFlow Lite {@code QuantizeMultiplier(double, int32_t*, int*)}, bit-exact.
     *
     * <ol>
     *   <li>{@code 0} (or {@code -0.0}) gives {@code (0, 0)};</li>
     *   <li>{@code frexp}: {@code real = q * 2^shift} with {@code q} in {@code [0.5, 1)}
     *       (subnormal inputs are normalized as C's {@code frexp} does);</li>
     *   <li>{@code qFixed = round(q * 2^31)}, half away from zero ({@code TfLiteRound}, i.e.
     *       {@code std::round}); computed here exactly on the 53-bit significand, which equals
     *       the C result because {@code q * 2^31} is exact in a double;</li>
     *   <li>if {@code qFixed == 2^31}: {@code qFixed /= 2, shift++};</li>
     *   <li>if {@code shift < -31}: {@code (0, 0)} (TFLite flushes multipliers below about
     *       {@code 2^-32} to zero rather than producing right shifts above 31).</li>
     * </ol>
     *
     * <p>Which TFLite build: both builds compute the same pair, except that the single-rounding
     * build ({@code TFLITE_SINGLE_ROUNDING}, whose {@code MultiplyByQuantizedMultiplier} the
     * kernels use, see {@link FixedPoint}) saturates {@code shift > 30} to {@code (2^31 - 1, 30)}.
     * This method does not saturate: a real multiplier {@code >= 2^30} yields a shift above 30,
     * which {@link FixedPoint#multiplyByQuantizedMultiplier} rejects. Requantization multipliers
     * {@code S_in * S_w / S_out} are far below that.
     *
     * <p>Differences from TFLite, all rejections of inputs TFLite does not define a use for:
     * negative multipliers (TFLite's default build would return a negative Q31 value; its
     * single-rounding build requires {@code >= 0}, and the arithmetic contract only has positive
     * scale ratios), NaN and infinities throw {@link IllegalArgumentException}.
     *
     * @param realMultiplier a finite value {@code >= 0}
     * @return the Q31 multiplier and shift
     * @throws IllegalArgumentException if {@code realMultiplier} is negative, NaN or infinite
     */
    public static QuantizedMultiplier of(double realMultiplier) {
        if (!(realMultiplier >= 0) || Double.isInfinite(realMultiplier)) {
            throw new IllegalArgumentException(
                    "real multiplier must be finite and >= 0, got " + realMultiplier);
        }
        if (realMultiplier == 0) {
            return ZERO;
        }
        Frexp f = frexp(realMultiplier);
        // q * 2^31 = significand / 2^53 * 2^31 = significand / 2^22; significand > 0, so half away
        // from zero is half up
        long qFixed = (f.significand() + (1L << 21)) >> 22; // in [2^30, 2^31]
        int shift = f.exponent();
        if (qFixed == (1L << 31)) {
            qFixed /= 2;
            shift++;
        }
        if (shift < -31) {
            return ZERO;
        }
        return new QuantizedMultiplier((int) qFixed, shift);
    }

    /**
     * The real value represented, {@code multiplier * 2^(shift - 31)}, for reports and tests.
     * Exact: the multiplier has at most 31 significant bits and {@code shift >= -31} keeps the
     * value in the normal double range; the only overflow is {@code of(x)} for {@code x} within
     * 2^-32 relative of {@code Double.MAX_VALUE} (shift 1025), which gives infinity.
     *
     * @return {@code multiplier * 2^(shift - 31)}
     */
    public double realValue() {
        return Math.scalb((double) multiplier, shift - 31);
    }

    /**
     * C {@code frexp} on a finite positive double, exactly: {@code x = significand * 2^(exponent - 53)}
     * with {@code significand} in {@code [2^52, 2^53)}, i.e. {@code x = q * 2^exponent} with
     * {@code q = significand / 2^53} in {@code [0.5, 1)}.
     */
    record Frexp(long significand, int exponent) {
    }

    /** {@link Frexp} of a finite {@code x > 0}, normal or subnormal. */
    static Frexp frexp(double x) {
        if (!(x > 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("frexp defined here for finite x > 0, got " + x);
        }
        long bits = Double.doubleToRawLongBits(x);
        int biasedExponent = (int) (bits >>> 52) & 0x7FF;
        long fraction = bits & ((1L << 52) - 1);
        if (biasedExponent == 0) {
            // subnormal: x = fraction * 2^-1074, fraction in [1, 2^52); normalize to bit 52
            int normalize = Long.numberOfLeadingZeros(fraction) - 11;
            return new Frexp(fraction << normalize, -1074 - normalize + 53);
        }
        // normal: x = (2^52 + fraction) * 2^(biasedExponent - 1075); Math.getExponent(x) + 1
        assert biasedExponent - 1022 == Math.getExponent(x) + 1;
        return new Frexp((1L << 52) | fraction, biasedExponent - 1022);
    }
}
