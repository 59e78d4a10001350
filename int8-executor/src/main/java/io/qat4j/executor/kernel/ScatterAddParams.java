package io.qat4j.executor.kernel;

/**
 * Parameters of {@link ScatterAdd}: messages of {@code features} int8 codes with zero point
 * {@code Z_in}, summed per target node and requantized by one multiplier {@code S_in / S_out}.
 *
 * <p>Accumulator bound: a node with in-degree {@code d} sums {@code d} terms {@code q - Z_in} of
 * magnitude at most 255, so {@code |acc| <= 255 d}, and the requantization needs
 * {@code 255 d 2^max(shift, 0) <= 2^31 - 1}: {@code d <= }{@link #maxInDegree()} (8,421,504 for a
 * multiplier below one). The in-degree is data, so {@link ScatterAdd#run} checks it on every run;
 * this record checks that one message fits.
 *
 * @param features {@code F}, codes per message
 * @param inputZeroPoint {@code Z_in}, int8
 * @param requantization one channel: the multiplier of {@code S_in / S_out}, {@code Z_out}, clamp
 */
public record ScatterAddParams(int features, int inputZeroPoint, Requantization requantization) {

    /** @throws IllegalArgumentException on bad sizes, several channels, or a multiplier whose left shift leaves no room for one message */
    public ScatterAddParams {
        KernelChecks.checkPositive(features, "features");
        KernelChecks.checkInt8(inputZeroPoint, "input zero point");
        KernelChecks.checkSingleMultiplier(requantization, "scatter-add");
        KernelChecks.checkShifted(KernelChecks.MAX_ABS_INPUT_OFFSET, requantization.maxLeftShift(), "scatter-add of one message");
    }

    /** @return the largest in-degree whose sum the int32 accumulator and the requantization hold */
    public long maxInDegree() {
        return KernelChecks.maxTerms(KernelChecks.MAX_ABS_INPUT_OFFSET, requantization.maxLeftShift());
    }
}
