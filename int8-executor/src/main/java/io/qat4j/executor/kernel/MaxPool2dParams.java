package io.qat4j.executor.kernel;

/**
 * Parameters of {@link MaxPool2d}. Input and output share scale and zero point (max commutes with
 * the monotonic map {@code q -> S(q - Z)}), so there is no requantization; the clamp can fuse a
 * following ReLU.
 *
 * @param channels {@code C}
 * @param inHeight {@code H}
 * @param inWidth {@code W}
 * @param window kernel, stride, dilation, padding; every window must overlap the input
 * @param activation output clamp ({@link ActivationClamp#INT8} for none)
 */
public record MaxPool2dParams(int channels, int inHeight, int inWidth, Window2d window, ActivationClamp activation) {

    /** @throws IllegalArgumentException on bad sizes or a window lying entirely in the padding */
    public MaxPool2dParams {
        KernelChecks.checkPositive(channels, "channels");
        KernelChecks.checkPositive(inHeight, "input height");
        KernelChecks.checkPositive(inWidth, "input width");
        if (window == null || activation == null) {
            throw new IllegalArgumentException("window and activation are required");
        }
        KernelChecks.checkedSize("input", channels, inHeight, inWidth);
        KernelChecks.checkedSize("output", channels, window.outputHeight(inHeight), window.outputWidth(inWidth));
        if (!window.everyWindowTouchesInput(inHeight, inWidth)) {
            throw new IllegalArgumentException("some pooling window lies entirely in the padding: " + window);
        }
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
