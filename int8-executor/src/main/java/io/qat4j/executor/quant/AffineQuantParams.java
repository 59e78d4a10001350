package io.qat4j.executor.quant;

/**
 * Scale and zero point of the affine scheme {@code r = S * (q - Z)} (Jacob et al., CVPR 2018, eq. 1).
 *
 * <p>The real range is always widened to contain zero, so that zero is exactly representable
 * (padding and ReLU rely on it). Asymmetric parameters follow PyTorch's and Degree-Quant's
 * {@code calculate_qparams}: {@code S = (max - min) / (qMax - qMin)},
 * {@code Z = clamp(qMin - round(min / S))}; symmetric ones have {@code Z = 0} and
 * {@code S = max(|min|, |max|) / qMax}.
 *
 * @param scale {@code S > 0}
 * @param zeroPoint {@code Z}, inside the integer range
 * @param range the integer range
 */
public record AffineQuantParams(double scale, int zeroPoint, QuantRange range) {

    /**
     * Smallest scale ever produced; a tensor that is all zeros gets this scale (PyTorch uses
     * {@code float32 eps} the same way).
     */
    public static final double MIN_SCALE = 1.1920928955078125e-7;

    /** @throws IllegalArgumentException if the scale is not positive and finite or Z is out of range */
    public AffineQuantParams {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
        }
        if (zeroPoint < range.qMin() || zeroPoint > range.qMax()) {
            throw new IllegalArgumentException("zero point " + zeroPoint + " outside " + range);
        }
    }

    /**
     * Asymmetric parameters for an observed real range.
     *
     * @param min observed minimum (may be positive; the range is widened to contain 0)
     * @param max observed maximum (may be negative)
     * @param range integer range
     * @return the parameters
     */
    public static AffineQuantParams asymmetric(double min, double max, QuantRange range) {
        double lo = Math.min(min, 0.0);
        double hi = Math.max(max, 0.0);
        double scale = Math.max((hi - lo) / range.levels(), MIN_SCALE);
        long zp = range.qMin() - Rounding.toLongHalfAwayFromZero(lo / scale);
        return new AffineQuantParams(scale, range.clamp(zp), range);
    }

    /**
     * Symmetric parameters ({@code Z = 0}) for an observed real range.
     *
     * @param min observed minimum
     * @param max observed maximum
     * @param range a signed integer range, normally narrow
     * @return the parameters
     */
    public static AffineQuantParams symmetric(double min, double max, QuantRange range) {
        double absMax = Math.max(Math.abs(min), Math.abs(max));
        return new AffineQuantParams(Math.max(absMax / range.qMax(), MIN_SCALE), 0, range);
    }

    /**
     * Quantizes one real value: {@code q = clamp(round(r / S) + Z)}.
     *
     * @param r a real value
     * @return its integer code
     */
    public int quantize(double r) {
        return range.clamp(Rounding.toLongHalfAwayFromZero(r / scale) + zeroPoint);
    }

    /**
     * @param q an integer code
     * @return {@code S * (q - Z)}
     */
    public double dequantize(int q) {
        return scale * (q - zeroPoint);
    }
}
