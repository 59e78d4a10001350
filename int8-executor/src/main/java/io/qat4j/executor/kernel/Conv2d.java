package io.qat4j.executor.kernel;

/**
 * Quantized 2-D convolution, NCHW, per-output-channel requantization (TFLite
 * {@code reference_integer_ops::ConvPerChannel}, {@code conv.h}, and
 * {@code DepthwiseConvPerChannel}, {@code depthwise_conv.h}, rewritten for NCHW and general
 * groups):
 *
 * <pre>
 *   acc[n][o][oy][ox] = bias[o] + sum_{ic, ky, kx} w[o][ic][ky][kx] * (x[n][g*Cg + ic][iy][ix] - Z_in)
 *     iy = oy * strideH - padTop + ky * dilationH,  ix = ox * strideW - padLeft + kx * dilationW
 *   y = clamp(multiplyByQuantizedMultiplier(acc, m[o], shift[o]) + Z_out, actMin, actMax)
 * </pre>
 *
 * with {@code Cg = C_in / groups} and {@code g = o / (C_out / groups)}. Padded positions
 * ({@code iy} or {@code ix} outside the image) hold the real value 0, i.e. the code {@code Z_in},
 * and contribute {@code w * (Z_in - Z_in) = 0}.
 *
 * <p>These static entry points prepare the weights for one call and delegate to
 * {@link PreparedConv2d} (an {@code im2col} matrix product by {@link io.qat4j.executor.kernel.gemm.IntGemm}, the
 * same int32 accumulators); code that runs a layer repeatedly should keep a
 * {@link PreparedConv2d}.
 *
 * <p>Layouts: input {@code [N, C_in, H, W]}, weights {@code [C_out, C_in / groups, KH, KW]}
 * (int8, or packed 4-bit, see {@link PackedInt4}), bias {@code [C_out]} int32 with scale
 * {@code S_in * S_w[o]} or {@code null}, output {@code [N, C_out, OH, OW]}.
 *
 * <p>Accumulator bound: {@code |acc| <= 128 * 255 * K + |bias[o]| <= 2^31 - 1} with
 * {@code K = Cg * KH * KW}; checked by {@link Conv2dParams} and, for the bias, at each call.
 */
public final class Conv2d {

    private Conv2d() {
    }

    /**
     * Runs the convolution with int8 weights.
     *
     * @param p parameters
     * @param batches {@code N}, >= 1
     * @param input {@code [N, C_in, H, W]} int8
     * @param weights {@code [C_out, C_in / groups, KH, KW]} int8
     * @param bias {@code [C_out]} int32, or null
     * @param output {@code [N, C_out, OH, OW]} int8, written
     */
    public static void run(Conv2dParams p, int batches, byte[] input, byte[] weights, int[] bias, byte[] output) {
        PreparedConv2d.of(p, weights, bias).runOnce(batches, input, output);
    }

    /**
     * {@link #run} with 4-bit packed weights: the weights are unpacked to int8 and go through the
     * same product, so the result is identical to {@code run} on the unpacked weights.
     *
     * @param packedWeights {@code [C_out, C_in / groups, KH, KW]} packed with {@link PackedInt4}
     */
    public static void runPacked4(Conv2dParams p, int batches, byte[] input, byte[] packedWeights, int[] bias,
            byte[] output) {
        PreparedConv2d.ofPacked4(p, packedWeights, bias).runOnce(batches, input, output);
    }
}
