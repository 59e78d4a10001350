package io.qat4j.executor.kernel;

import io.qat4j.executor.arith.FixedPoint;

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
 * and contribute {@code w * (Z_in - Z_in) = 0}: they are skipped.
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
        check(p, batches, input, bias, output);
        int filterSize = p.filterSize();
        KernelChecks.checkLength(weights, (long) p.outChannels() * filterSize, "weights");
        int[] x = offsetInput(p, batches, input);
        int[] acc = new int[p.outHeight() * p.outWidth()];
        for (int n = 0; n < batches; n++) {
            for (int o = 0; o < p.outChannels(); o++) {
                outputPlane(p, n, o, x, weights, o * filterSize, bias, output, acc);
            }
        }
    }

    /** {@code x - Z_in} for the whole input, so the inner loops only multiply and add. */
    private static int[] offsetInput(Conv2dParams p, int batches, byte[] input) {
        int len = batches * p.inputImageSize();
        int[] x = new int[len];
        int zIn = p.inputZeroPoint();
        for (int i = 0; i < len; i++) {
            x[i] = input[i] - zIn; // |x - Z_in| <= 255
        }
        return x;
    }

    /**
     * {@link #run} with 4-bit packed weights: each filter is unpacked once into a scratch int8
     * buffer and goes through the same loop, so the result is identical to {@code run} on the
     * unpacked weights.
     *
     * @param packedWeights {@code [C_out, C_in / groups, KH, KW]} packed with {@link PackedInt4}
     */
    public static void runPacked4(Conv2dParams p, int batches, byte[] input, byte[] packedWeights, int[] bias,
            byte[] output) {
        check(p, batches, input, bias, output);
        int filterSize = p.filterSize();
        KernelChecks.checkLength(packedWeights, PackedInt4.packedLength(p.outChannels() * filterSize),
                "packed weights");
        byte[] filter = new byte[filterSize];
        int[] x = offsetInput(p, batches, input);
        int[] acc = new int[p.outHeight() * p.outWidth()];
        for (int o = 0; o < p.outChannels(); o++) {
            PackedInt4.unpack(packedWeights, (long) o * filterSize, filterSize, filter, 0);
            for (int n = 0; n < batches; n++) {
                outputPlane(p, n, o, x, filter, 0, bias, output, acc);
            }
        }
    }

    /**
     * Computes output plane {@code (n, o)} from the filter at {@code filter[filterOffset ...]}.
     * Loop order: for each filter tap, add {@code w * (x - Z_in)} to the whole accumulator plane
     * over the output positions whose input lies inside the image (padding contributes 0), so the
     * innermost loop runs over consecutive output columns.
     */
    private static void outputPlane(Conv2dParams p, int n, int o, int[] x, byte[] filter, int filterOffset,
            int[] bias, byte[] output, int[] acc) {
        Window2d win = p.window();
        int inC = p.inChannels();
        int inH = p.inHeight();
        int inW = p.inWidth();
        int outC = p.outChannels();
        int outH = p.outHeight();
        int outW = p.outWidth();
        int kH = win.kernelHeight();
        int kW = win.kernelWidth();
        int strideH = win.strideHeight();
        int strideW = win.strideWidth();
        int dilH = win.dilationHeight();
        int dilW = win.dilationWidth();
        int padTop = win.padTop();
        int padLeft = win.padLeft();
        int groupIn = inC / p.groups();
        int firstInChannel = (o / (outC / p.groups())) * groupIn;
        Requantization rq = p.requantization();
        int multiplier = rq.multiplierArray()[o];
        int shift = rq.shiftArray()[o];
        int zOut = rq.outputZeroPoint();
        int actMin = rq.activation().min();
        int actMax = rq.activation().max();
        java.util.Arrays.fill(acc, 0, outH * outW, bias == null ? 0 : bias[o]);
        for (int ic = 0; ic < groupIn; ic++) {
            int inPlane = (n * inC + firstInChannel + ic) * inH * inW;
            int filterPlane = filterOffset + ic * kH * kW;
            for (int ky = 0; ky < kH; ky++) {
                // output rows whose input row iy = oy * strideH - padTop + ky * dilH lies in [0, inH)
                int rowShift = ky * dilH - padTop;
                int oyMin = Math.max(0, ceilDiv(-rowShift, strideH));
                int oyMax = Math.min(outH - 1, Math.floorDiv(inH - 1 - rowShift, strideH));
                for (int kx = 0; kx < kW; kx++) {
                    int w = filter[filterPlane + ky * kW + kx];
                    if (w == 0) {
                        continue;
                    }
                    int colShift = kx * dilW - padLeft;
                    int oxMin = Math.max(0, ceilDiv(-colShift, strideW));
                    int oxMax = Math.min(outW - 1, Math.floorDiv(inW - 1 - colShift, strideW));
                    for (int oy = oyMin; oy <= oyMax; oy++) {
                        int inRow = inPlane + (oy * strideH + rowShift) * inW + colShift;
                        int accRow = oy * outW;
                        // r = S(q - Z); |w * (x - Z_in)| <= 128*255
                        if (strideW == 1) {
                            for (int ox = oxMin; ox <= oxMax; ox++) {
                                acc[accRow + ox] += w * x[inRow + ox];
                            }
                        } else {
                            for (int ox = oxMin; ox <= oxMax; ox++) {
                                acc[accRow + ox] += w * x[inRow + ox * strideW];
                            }
                        }
                    }
                }
            }
        }
        // |acc| <= 128*255*K + |bias[o]| < 2^31 (Conv2dParams; bias checked at the call)
        int outBase = (n * outC + o) * outH * outW;
        for (int i = 0; i < outH * outW; i++) {
            // q_y = Z_out + acc * S_in * S_w[o] / S_out
            int q = FixedPoint.multiplyByQuantizedMultiplier(acc[i], multiplier, shift) + zOut;
            output[outBase + i] = (byte) Math.max(actMin, Math.min(actMax, q));
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private static void check(Conv2dParams p, int batches, byte[] input, int[] bias, byte[] output) {
        KernelChecks.checkLength(input, KernelChecks.batchSize(batches, p.inputImageSize(), "input"), "input");
        KernelChecks.checkLength(output, KernelChecks.batchSize(batches, p.outputImageSize(), "output"), "output");
        KernelChecks.checkBias(bias, p.outChannels(), p.productBound(), p.requantization().shiftArray());
    }
}
