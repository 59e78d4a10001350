package io.qat4j.executor.kernel;

/**
 * Parameters of {@link SegmentPool}: the reduction, the feature count, the input zero point and
 * the output stage (one multiplier; see {@link Reduction} for what it scales).
 *
 * <p>Accumulator bounds, checked here where they do not depend on the data: {@link Reduction#MAX}
 * requantizes {@code |max - Z_in| <= 255}; {@link Reduction#MEAN} requantizes the mean with
 * {@value SegmentPool#MEAN_FRACTION_BITS} fraction bits, {@code |mean| <= 255 * 2^16}; both times
 * {@code 2^max(shift, 0)} must stay within {@code 2^31 - 1}. {@link Reduction#SUM} holds
 * {@code |sum| <= 255 n} for a graph of {@code n} nodes, checked on every run against
 * {@link #maxGraphSize()}.
 *
 * @param reduction sum, mean or max
 * @param features {@code F}
 * @param inputZeroPoint {@code Z_in}, int8
 * @param requantization one channel
 */
public record SegmentPoolParams(Reduction reduction, int features, int inputZeroPoint, Requantization requantization) {

    /** The reduction over the nodes of a graph, with its attribute code. */
    public enum Reduction {
        /** {@code sum (q - Z_in)}, requantized by {@code S_in / S_out}. */
        SUM,
        /** {@code sum (q - Z_in) / n} with 16 fraction bits, requantized by {@code S_in / (S_out 2^16)}. */
        MEAN,
        /** {@code max q - Z_in}, requantized by {@code S_in / S_out}. */
        MAX;

        /** @return the code stored in the {@code mode} attribute: 0, 1, 2 */
        public int code() {
            return ordinal();
        }

        /**
         * @param code 0, 1 or 2
         * @return the reduction
         * @throws IllegalArgumentException on another code
         */
        public static Reduction ofCode(int code) {
            if (code < 0 || code >= values().length) {
                throw new IllegalArgumentException("reduction code " + code + " is not 0 (sum), 1 (mean) or 2 (max)");
            }
            return values()[code];
        }
    }

    /** @throws IllegalArgumentException on bad sizes, several channels, or a bound over 2^31 - 1 */
    public SegmentPoolParams {
        if (reduction == null) {
            throw new IllegalArgumentException("reduction is required");
        }
        KernelChecks.checkPositive(features, "features");
        KernelChecks.checkInt8(inputZeroPoint, "input zero point");
        KernelChecks.checkSingleMultiplier(requantization, "graph pooling");
        long perGraph = reduction == Reduction.MEAN ? (long) KernelChecks.MAX_ABS_INPUT_OFFSET << SegmentPool.MEAN_FRACTION_BITS
                : KernelChecks.MAX_ABS_INPUT_OFFSET;
        KernelChecks.checkShifted(perGraph, requantization.maxLeftShift(), "graph " + reduction.name().toLowerCase(java.util.Locale.ROOT)
                + " pooling");
    }

    /** @return the most nodes a graph may have for its {@link Reduction#SUM} to fit (unbounded for mean and max) */
    public long maxGraphSize() {
        return reduction == Reduction.SUM ? KernelChecks.maxTerms(KernelChecks.MAX_ABS_INPUT_OFFSET, requantization.maxLeftShift())
                : Integer.MAX_VALUE;
    }
}
