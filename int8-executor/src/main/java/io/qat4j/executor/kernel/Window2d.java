package io.qat4j.executor.kernel;

/**
 * The sliding-window geometry shared by convolution and pooling: kernel size, stride, dilation
 * and explicit padding (top, left, bottom, right), plus the static helpers that compute output
 * sizes and TensorFlow / DL4J "SAME" padding.
 *
 * <p>Output size along one axis (TensorFlow, PyTorch and DL4J "truncate" / explicit mode):
 * <pre>
 *   effectiveKernel = (k - 1) * dilation + 1
 *   out = floor((in + padBefore + padAfter - effectiveKernel) / stride) + 1
 * </pre>
 * "SAME" (TensorFlow {@code padding="SAME"}, DL4J {@code ConvolutionMode.Same}):
 * <pre>
 *   out   = ceil(in / stride)
 *   total = max((out - 1) * stride + effectiveKernel - in, 0)
 *   before = total / 2 (top, left), after = total - before (bottom, right)
 * </pre>
 * so an odd total puts the extra row/column at the bottom/right (TensorFlow
 * {@code GetWindowedOutputSizeVerbose}, {@code tensorflow/core/framework/kernel_shape_util.cc};
 * TFLite {@code ComputePaddingHeightWidth}, {@code kernels/padding.h}; DL4J
 * {@code ConvolutionUtils.getSameModeTopLeftPadding}).
 *
 * <p>Window {@code (oy, ox)} reads input rows {@code oy * strideHeight - padTop + ky * dilationHeight}
 * for {@code ky} in {@code [0, kernelHeight)}, and likewise for columns; positions outside the
 * input are padding.
 *
 * @param kernelHeight KH, >= 1
 * @param kernelWidth KW, >= 1
 * @param strideHeight >= 1
 * @param strideWidth >= 1
 * @param dilationHeight >= 1
 * @param dilationWidth >= 1
 * @param padTop >= 0
 * @param padLeft >= 0
 * @param padBottom >= 0
 * @param padRight >= 0
 */
public record Window2d(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
        int dilationHeight, int dilationWidth, int padTop, int padLeft, int padBottom, int padRight) {

    /** @throws IllegalArgumentException on a non-positive size, stride or dilation, or a negative pad */
    public Window2d {
        KernelChecks.checkPositive(kernelHeight, "kernel height");
        KernelChecks.checkPositive(kernelWidth, "kernel width");
        KernelChecks.checkPositive(strideHeight, "stride height");
        KernelChecks.checkPositive(strideWidth, "stride width");
        KernelChecks.checkPositive(dilationHeight, "dilation height");
        KernelChecks.checkPositive(dilationWidth, "dilation width");
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got top " + padTop + ", left " + padLeft
                    + ", bottom " + padBottom + ", right " + padRight);
        }
        KernelChecks.checkedSize("window", kernelHeight, kernelWidth);
        effectiveKernelSize(kernelHeight, dilationHeight);
        effectiveKernelSize(kernelWidth, dilationWidth);
    }

    /**
     * A window without padding or dilation ("VALID").
     *
     * @return the window
     */
    public static Window2d valid(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth) {
        return new Window2d(kernelHeight, kernelWidth, strideHeight, strideWidth, 1, 1, 0, 0, 0, 0);
    }

    /**
     * A window with TensorFlow / DL4J "SAME" padding for the given input size.
     *
     * @return the window, whose output size is {@code ceil(in / stride)} on each axis
     */
    public static Window2d same(int inHeight, int inWidth, int kernelHeight, int kernelWidth,
            int strideHeight, int strideWidth, int dilationHeight, int dilationWidth) {
        int totalH = samePaddingTotal(inHeight, kernelHeight, strideHeight, dilationHeight);
        int totalW = samePaddingTotal(inWidth, kernelWidth, strideWidth, dilationWidth);
        return new Window2d(kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth,
                totalH / 2, totalW / 2, totalH - totalH / 2, totalW - totalW / 2);
    }

    /**
     * @return {@code (k - 1) * dilation + 1}
     * @throws IllegalArgumentException if it does not fit an int
     */
    public static int effectiveKernelSize(int kernel, int dilation) {
        KernelChecks.checkPositive(kernel, "kernel size");
        KernelChecks.checkPositive(dilation, "dilation");
        long e = (long) (kernel - 1) * dilation + 1;
        if (e > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dilated kernel size " + e + " does not fit an int");
        }
        return (int) e;
    }

    /**
     * Output size along one axis with explicit padding:
     * {@code floor((in + padBefore + padAfter - ((k - 1) * dilation + 1)) / stride) + 1}.
     *
     * @return the output size, >= 1
     * @throws IllegalArgumentException if the padded input is smaller than the dilated kernel
     */
    public static int outputSize(int in, int kernel, int stride, int dilation, int padBefore, int padAfter) {
        KernelChecks.checkPositive(in, "input size");
        KernelChecks.checkPositive(stride, "stride");
        long padded = (long) in + padBefore + padAfter;
        int effective = effectiveKernelSize(kernel, dilation);
        if (padded < effective) {
            throw new IllegalArgumentException("padded input size " + padded + " is smaller than the dilated kernel "
                    + effective);
        }
        return (int) ((padded - effective) / stride + 1);
    }

    /**
     * Output size along one axis under "SAME" padding: {@code ceil(in / stride)}.
     *
     * @return the output size
     */
    public static int sameOutputSize(int in, int stride) {
        KernelChecks.checkPositive(in, "input size");
        KernelChecks.checkPositive(stride, "stride");
        return (int) (((long) in + stride - 1) / stride);
    }

    /**
     * Total "SAME" padding along one axis:
     * {@code max((ceil(in / stride) - 1) * stride + (k - 1) * dilation + 1 - in, 0)}; the
     * before side gets {@code total / 2}, the after side the rest.
     *
     * @return the total padding, >= 0
     */
    public static int samePaddingTotal(int in, int kernel, int stride, int dilation) {
        long out = sameOutputSize(in, stride);
        long total = Math.max((out - 1) * stride + effectiveKernelSize(kernel, dilation) - in, 0);
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("SAME padding " + total + " does not fit an int");
        }
        return (int) total;
    }

    /** @return "SAME" padding before (top / left): {@code total / 2} */
    public static int samePaddingBefore(int in, int kernel, int stride, int dilation) {
        return samePaddingTotal(in, kernel, stride, dilation) / 2;
    }

    /** @return "SAME" padding after (bottom / right): {@code total - total / 2} */
    public static int samePaddingAfter(int in, int kernel, int stride, int dilation) {
        int total = samePaddingTotal(in, kernel, stride, dilation);
        return total - total / 2;
    }

    /** @return output height for input height {@code inHeight} */
    public int outputHeight(int inHeight) {
        return outputSize(inHeight, kernelHeight, strideHeight, dilationHeight, padTop, padBottom);
    }

    /** @return output width for input width {@code inWidth} */
    public int outputWidth(int inWidth) {
        return outputSize(inWidth, kernelWidth, strideWidth, dilationWidth, padLeft, padRight);
    }

    /** @return number of positions in a window, {@code KH * KW} */
    public int size() {
        return kernelHeight * kernelWidth;
    }

    /**
     * True when every output window overlaps the input in at least one position (a window lying
     * entirely in the padding has no maximum and no average of input values).
     *
     * @return whether no window is empty
     */
    public boolean everyWindowTouchesInput(int inHeight, int inWidth) {
        return axisCovered(inHeight, kernelHeight, strideHeight, dilationHeight, padTop, outputHeight(inHeight))
                && axisCovered(inWidth, kernelWidth, strideWidth, dilationWidth, padLeft, outputWidth(inWidth));
    }

    private static boolean axisCovered(int in, int kernel, int stride, int dilation, int padBefore, int out) {
        for (int o = 0; o < out; o++) {
            long origin = (long) o * stride - padBefore;
            boolean touches = false;
            for (int k = 0; k < kernel && !touches; k++) {
                long i = origin + (long) k * dilation;
                touches = i >= 0 && i < in;
            }
            if (!touches) {
                return false;
            }
        }
        return true;
    }
}
