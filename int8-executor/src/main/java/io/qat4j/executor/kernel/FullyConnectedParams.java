package io.qat4j.executor.kernel;

/**
 * Parameters of {@link FullyConnected}: a dense layer {@code y = W x + b} with weights
 * {@code [outputDepth, inputDepth]}.
 *
 * <p>Accumulator bound, checked here: {@code |acc| <= 128 * 255 * K} before the bias, with
 * {@code K = inputDepth}; construction fails unless that bound, times
 * {@code 2^maxLeftShift} of the requantization, is at most {@code 2^31 - 1}
 * ({@code K <= 65793} without left shift). The bias is checked at each call against the same
 * bound.
 *
 * @param inputDepth {@code K}, the number of input features, >= 1
 * @param outputDepth {@code O}, the number of output features, >= 1
 * @param inputZeroPoint {@code Z_in}, int8 (TFLite's {@code input_offset} is {@code -Z_in})
 * @param requantization the per-output-channel output stage with {@code outputDepth} channels,
 *     or {@code null} for a layer whose output is only read as raw int32 accumulators
 *     ({@link FullyConnected#accumulators}, e.g. the final logits)
 */
public record FullyConnectedParams(int inputDepth, int outputDepth, int inputZeroPoint, Requantization requantization) {

    /** @throws IllegalArgumentException on bad sizes, zero point, channel count or accumulator bound */
    public FullyConnectedParams {
        KernelChecks.checkPositive(inputDepth, "input depth");
        KernelChecks.checkPositive(outputDepth, "output depth");
        KernelChecks.checkedSize("weights", outputDepth, inputDepth);
        KernelChecks.checkInt8(inputZeroPoint, "input zero point");
        if (requantization != null && requantization.channels() != outputDepth) {
            throw new IllegalArgumentException("requantization has " + requantization.channels()
                    + " channels, output depth is " + outputDepth);
        }
        KernelChecks.checkProductSum(inputDepth, requantization == null ? 0 : requantization.maxLeftShift(),
                "fully connected");
    }

    /** @return {@code 128 * 255 * K}, the bound on {@code |acc|} before the bias */
    long productBound() {
        return KernelChecks.MAX_ABS_PRODUCT * inputDepth;
    }
}
