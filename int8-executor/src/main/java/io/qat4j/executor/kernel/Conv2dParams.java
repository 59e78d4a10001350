package io.qat4j.executor.kernel;

/**
 * Parameters of {@link Conv2d}: a grouped, strided, dilated, padded 2-D convolution over NCHW
 * int8 images with weights {@code [outChannels, inChannels / groups, KH, KW]}.
 *
 * <p>{@code groups} divides both channel counts; output channel {@code o} belongs to group
 * {@code g = o / (outChannels / groups)} and reads input channels
 * {@code [g * inChannels / groups, (g + 1) * inChannels / groups)} (PyTorch {@code Conv2d},
 * DL4J {@code Convolution2D}/{@code DepthwiseConvolution2D}, TFLite {@code depthwise_conv.h}).
 * Depthwise convolution is {@code groups == inChannels}, with channel multiplier
 * {@code outChannels / inChannels}.
 *
 * <p>Accumulator bound, checked here: with {@code K = (inChannels / groups) * KH * KW},
 * {@code |acc| <= 128 * 255 * K} before the bias, times {@code 2^maxLeftShift} of the
 * requantization, must be at most {@code 2^31 - 1} ({@code K <= 65793} without left shift).
 * Padded positions hold the input zero point and contribute exactly 0, so they only lower the
 * bound. The bias is checked at each call.
 *
 * @param inChannels {@code C_in}
 * @param inHeight {@code H}
 * @param inWidth {@code W}
 * @param outChannels {@code C_out}
 * @param groups number of groups, dividing {@code C_in} and {@code C_out}
 * @param window kernel size, stride, dilation and padding
 * @param inputZeroPoint {@code Z_in}, int8
 * @param requantization the per-output-channel output stage, {@code C_out} channels
 */
public record Conv2dParams(int inChannels, int inHeight, int inWidth, int outChannels, int groups, Window2d window,
        int inputZeroPoint, Requantization requantization) {

    /** @throws IllegalArgumentException on inconsistent shapes or an accumulator bound over 2^31 - 1 */
    public Conv2dParams {
        KernelChecks.checkPositive(inChannels, "input channels");
        KernelChecks.checkPositive(inHeight, "input height");
        KernelChecks.checkPositive(inWidth, "input width");
        KernelChecks.checkPositive(outChannels, "output channels");
        KernelChecks.checkPositive(groups, "groups");
        if (window == null || requantization == null) {
            throw new IllegalArgumentException("window and requantization are required");
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("groups = " + groups + " must divide input channels " + inChannels
                    + " and output channels " + outChannels);
        }
        KernelChecks.checkInt8(inputZeroPoint, "input zero point");
        if (requantization.channels() != outChannels) {
            throw new IllegalArgumentException("requantization has " + requantization.channels()
                    + " channels, output channels are " + outChannels);
        }
        int outH = window.outputHeight(inHeight);
        int outW = window.outputWidth(inWidth);
        KernelChecks.checkedSize("input", inChannels, inHeight, inWidth);
        KernelChecks.checkedSize("output", outChannels, outH, outW);
        KernelChecks.checkedSize("weights", outChannels, inChannels / groups, window.kernelHeight(),
                window.kernelWidth());
        KernelChecks.checkProductSum((long) (inChannels / groups) * window.kernelHeight() * window.kernelWidth(),
                requantization.maxLeftShift(), "conv2d");
    }

    /** @return output height */
    public int outHeight() {
        return window.outputHeight(inHeight);
    }

    /** @return output width */
    public int outWidth() {
        return window.outputWidth(inWidth);
    }

    /** @return {@code K = (C_in / groups) * KH * KW}, elements of one filter */
    public int filterSize() {
        return inChannels / groups * window.kernelHeight() * window.kernelWidth();
    }

    /** @return elements of one input image, {@code C_in * H * W} */
    public int inputImageSize() {
        return inChannels * inHeight * inWidth;
    }

    /** @return elements of one output image, {@code C_out * OH * OW} */
    public int outputImageSize() {
        return outChannels * outHeight() * outWidth();
    }

    /** @return {@code 128 * 255 * K} */
    long productBound() {
        return KernelChecks.MAX_ABS_PRODUCT * filterSize();
    }
}
