package io.qat4j.executor.kernel;

/**
 * Parameters of {@link BiasRequantize}: {@code channels} int8 codes per row with zero point
 * {@code Z_in}, a per-channel int32 bias in units of {@code S_in 2^-f}, and one multiplier of
 * {@code S_in 2^-f / S_out}.
 *
 * @param channels {@code C}, codes per row
 * @param inputZeroPoint {@code Z_in}, int8
 * @param biasShift {@code f} in {@code [0, }{@value #MAX_BIAS_SHIFT}{@code ]}
 * @param bias {@code C} int32 values
 * @param requantization one channel: the multiplier, {@code Z_out}, clamp
 */
public record BiasRequantizeParams(int channels, int inputZeroPoint, int biasShift, int[] bias, Requantization requantization) {

    /** The largest {@code f}: {@code 255 2^f} must leave room in an int32. */
    public static final int MAX_BIAS_SHIFT = 22;

    /**
     * @throws IllegalArgumentException on bad sizes or zero points, several multipliers, or a
     *     channel whose accumulator bound {@code (255 2^f + |bias[c]|) 2^max(shift, 0)} exceeds {@code 2^31 - 1}
     */
    public BiasRequantizeParams {
        KernelChecks.checkPositive(channels, "channels");
        KernelChecks.checkInt8(inputZeroPoint, "input zero point");
        if (biasShift < 0 || biasShift > MAX_BIAS_SHIFT) {
            throw new IllegalArgumentException("bias shift must be in [0, " + MAX_BIAS_SHIFT + "], got " + biasShift);
        }
        KernelChecks.checkSingleMultiplier(requantization, "bias requantize");
        if (bias == null || bias.length != channels) {
            throw new IllegalArgumentException("bias must have " + channels + " values, got " + (bias == null ? "none" : bias.length));
        }
        bias = bias.clone();
        int leftShift = requantization.maxLeftShift();
        for (int c = 0; c < channels; c++) {
            long bound = ((long) KernelChecks.MAX_ABS_INPUT_OFFSET << biasShift) + Math.abs((long) bias[c]);
            KernelChecks.checkShifted(bound, leftShift, "bias requantize, bias[" + c + "] = " + bias[c] + " with bias shift " + biasShift);
        }
    }

    /** @return a copy of the bias */
    @Override
    public int[] bias() {
        return bias.clone();
    }

    /** The internal array, for the kernel (never modified). */
    int[] biasArray() {
        return bias;
    }
}
