package io.qat4j.executor.kernel;

/**
 * Parameters of {@link AveragePool2d}.
 *
 * <p>Divisor: with {@code countIncludePad == false} (TFLite, TensorFlow, DL4J's default
 * {@code avgPoolIncludePadInDivisor(false)}) a window averages only its in-image positions; with
 * {@code true} (PyTorch's default {@code count_include_pad=True}) it divides by {@code KH * KW}
 * and padded positions hold the real value 0 (code {@code Z_in}).
 *
 * <p>Accumulator bound, checked here: {@code |sum of x| <= 128 * KH * KW} (plain variant) and
 * {@code |sum of (x - Z_in)| <= 255 * KH * KW} (requantized variant, with the left shift checked
 * by {@link AveragePoolRequantization}) must be at most {@code 2^31 - 1}.
 *
 * @param channels {@code C}
 * @param inHeight {@code H}
 * @param inWidth {@code W}
 * @param window kernel, stride, dilation, padding; every window must overlap the input
 * @param countIncludePad whether padded positions count in the divisor
 * @param inputZeroPoint {@code Z_in}, int8: the code of padded positions and the offset of the
 *     requantized variant
 * @param activation clamp of the output codes
 */
public record AveragePool2dParams(int channels, int inHeight, int inWidth, Window2d window, boolean countIncludePad,
        int inputZeroPoint, ActivationClamp activation) {

    /** @throws IllegalArgumentException on bad sizes, an empty window or an accumulator bound over 2^31 - 1 */
    public AveragePool2dParams {
        KernelChecks.checkPositive(channels, "channels");
        KernelChecks.checkPositive(inHeight, "input height");
        KernelChecks.checkPositive(inWidth, "input width");
        if (window == null || activation == null) {
            throw new IllegalArgumentException("window and activation are required");
        }
        KernelChecks.checkInt8(inputZeroPoint, "input zero point");
        KernelChecks.checkedSize("input", channels, inHeight, inWidth);
        KernelChecks.checkedSize("output", channels, window.outputHeight(inHeight), window.outputWidth(inWidth));
        if (!window.everyWindowTouchesInput(inHeight, inWidth)) {
            throw new IllegalArgumentException("some pooling window lies entirely in the padding: " + window);
        }
        KernelChecks.checkShifted((long) KernelChecks.MAX_ABS_INPUT_OFFSET * window.size(), 0, "average pool window");
    }

    /** @return output height */
    public int outHeight() {
        return window.outputHeight(inHeight);
    }

    /** @return output width */
    public int outWidth() {
        return window.outputWidth(inWidth);
    }
}
