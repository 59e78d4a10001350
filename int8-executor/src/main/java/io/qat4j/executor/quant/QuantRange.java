package io.qat4j.executor.quant;

/**
 * The integer range {@code [qMin, qMax]} of a quantized tensor.
 *
 * <p>Signed ranges are {@code [-2^(b-1), 2^(b-1)-1]}; narrow signed ranges drop the most negative
 * value, {@code [-(2^(b-1)-1), 2^(b-1)-1]}, so that symmetric weights have a range symmetric around
 * zero (TFLite's int8 quantization specification). Unsigned ranges are {@code [0, 2^b-1]}.
 *
 * @param qMin the smallest representable integer
 * @param qMax the largest representable integer
 */
public record QuantRange(int qMin, int qMax) {

    /** Smallest supported bit width. */
    public static final int MIN_BITS = 2;
    /** Largest supported bit width. */
    public static final int MAX_BITS = 8;

    /**
     * @throws IllegalArgumentException if the range is empty
     */
    public QuantRange {
        if (qMin >= qMax) {
            throw new IllegalArgumentException("empty integer range [" + qMin + ", " + qMax + "]");
        }
    }

    /**
     * The range of a {@code bits}-wide integer.
     *
     * @param bits bit width, 2 to 8
     * @param signed two's complement if true, unsigned otherwise
     * @param narrow drop the most negative signed value (ignored when unsigned)
     * @return the range
     * @throws IllegalArgumentException if {@code bits} is outside 2..8
     */
    public static QuantRange of(int bits, boolean signed, boolean narrow) {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new IllegalArgumentException("bit width must be between " + MIN_BITS + " and " + MAX_BITS + ", got " + bits);
        }
        if (!signed) {
            return new QuantRange(0, (1 << bits) - 1);
        }
        int max = (1 << (bits - 1)) - 1;
        return new QuantRange(narrow ? -max : -max - 1, max);
    }

    /** @return the number of representable values minus one, {@code qMax - qMin} */
    public int levels() {
        return qMax - qMin;
    }

    /**
     * Clamps an integer to this range.
     *
     * @param q any integer
     * @return {@code min(max(q, qMin), qMax)}
     */
    public int clamp(long q) {
        return (int) Math.min(Math.max(q, qMin), qMax);
    }
}
