package io.qat4j.executor.kernel;

/**
 * Flatten and reshape: no-ops on the buffer. A row-major ("c" order) tensor keeps its element
 * order under any reshape with the same element count, so flattening an NCHW image
 * {@code [N, C, H, W]} to {@code [N, C * H * W]} reuses the same {@code byte[]} unchanged; the
 * order is {@code c * H * W + h * W + w}, that of DL4J's {@code CnnToFeedForwardPreProcessor}
 * (NCHW, 'c' order) and PyTorch's {@code flatten(1)}. Scale and zero point are unchanged; nothing
 * is copied or computed. A model exported from NHWC data would need a transpose instead, which is
 * not a reshape. These methods only check the element counts and return the same array.
 */
public final class Reshape {

    private Reshape() {
    }

    /**
     * @param shape dimensions, each >= 1
     * @return the product of the dimensions
     * @throws IllegalArgumentException if a dimension is below 1 or the product overflows an array
     */
    public static int elementCount(int... shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("empty shape");
        }
        for (int d : shape) {
            KernelChecks.checkPositive(d, "dimension");
        }
        return KernelChecks.checkedSize("shape", shape);
    }

    /**
     * Reinterprets {@code data} of shape {@code from} as shape {@code to}.
     *
     * @param data the buffer, at least {@code elementCount(from)} elements
     * @param from current shape
     * @param to new shape, same element count
     * @return {@code data} itself
     * @throws IllegalArgumentException if the element counts differ or the buffer is too small
     */
    public static byte[] view(byte[] data, int[] from, int[] to) {
        int n = elementCount(from);
        if (elementCount(to) != n) {
            throw new IllegalArgumentException("cannot reshape " + n + " elements to " + elementCount(to));
        }
        KernelChecks.checkLength(data, n, "data");
        return data;
    }

    /**
     * Flattens {@code [N, C, H, W]} to {@code [N, C * H * W]}: returns {@code data} itself.
     *
     * @return {@code data}
     */
    public static byte[] flattenNchw(byte[] data, int batches, int channels, int height, int width) {
        return view(data, new int[] {batches, channels, height, width},
                new int[] {batches, elementCount(channels, height, width)});
    }
}
