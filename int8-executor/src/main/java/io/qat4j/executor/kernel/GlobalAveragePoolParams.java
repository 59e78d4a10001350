package io.qat4j.executor.kernel;

/**
 * Parameters of {@link GlobalAveragePool}: the mean over the {@code H * W} positions of each
 * channel of an NCHW image, output {@code [N, C]}.
 *
 * <p>Accumulator bound, checked here: {@code |sum| <= 255 * H * W <= 2^31 - 1}
 * ({@code H * W <= 8421504}); the requantized variant also checks its multiplier's left shift.
 *
 * @param channels {@code C}
 * @param height {@code H}
 * @param width {@code W}
 * @param inputZeroPoint {@code Z_in}, int8 (offset of the requantized variant)
 * @param activation clamp of the output codes
 */
public record GlobalAveragePoolParams(int channels, int height, int width, int inputZeroPoint,
        ActivationClamp activation) {

    /** @throws IllegalArgumentException on bad sizes or an accumulator bound over 2^31 - 1 */
    public GlobalAveragePoolParams {
        KernelChecks.checkPositive(channels, "channels");
        KernelChecks.checkPositive(height, "height");
        KernelChecks.checkPositive(width, "width");
        if (activation == null) {
            throw new IllegalArgumentException("activation is required");
        }
        KernelChecks.checkInt8(inputZeroPoint, "input zero point");
        KernelChecks.checkedSize("input", channels, height, width);
        KernelChecks.checkShifted((long) KernelChecks.MAX_ABS_INPUT_OFFSET * height * width, 0,
                "global average pool over " + height + " x " + width);
    }

    /** @return {@code H * W}, the divisor */
    public int count() {
        return height * width;
    }
}
