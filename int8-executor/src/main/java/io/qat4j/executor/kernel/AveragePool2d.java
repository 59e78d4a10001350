package io.qat4j.executor.kernel;

import io.qat4j.executor.arith.FixedPoint;

/**
 * Quantized 2-D average pooling, NCHW (TFLite {@code reference_integer_ops::AveragePool},
 * {@code pooling.h}).
 *
 * <p>{@link #run}: output has the input's scale and zero point;
 * <pre>
 *   sum = sum of the codes x over the window (padded positions: Z_in if countIncludePad, else skipped)
 *   y   = clamp(roundHalfAwayFromZero(sum / count), actMin, actMax)
 *       = clamp(sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count)   (Java / truncates)
 * </pre>
 * As in TFLite, the rounding applies to the average of the codes, not of the real values
 * {@code x - Z_in}: at an exact tie the two differ when {@code Z_in != 0} and the signs differ
 * (e.g. codes averaging {@code 0.5} with {@code Z_in = 1} give 1, whereas rounding the real
 * {@code -0.5 S} away from zero would give code 0).
 *
 * <p>{@link #runRequantized}: output has its own scale and zero point, so that a following
 * quantizer is fused;
 * <pre>
 *   sum = sum of (x - Z_in) over the window (padded positions contribute 0)
 *   y   = clamp(multiplyByQuantizedMultiplier(sum, m[count-1], shift[count-1]) + Z_out, actMin, actMax)
 * </pre>
 * with {@code m[count-1] ~= S_in / (S_out * count)}.
 *
 * <p>Accumulator bounds: {@code |sum| <= 128 * KH * KW} (plain) and {@code 255 * KH * KW}
 * (requantized), checked by {@link AveragePool2dParams} and {@link AveragePoolRequantization}.
 */
public final class AveragePool2d {

    private AveragePool2d() {
    }

    /**
     * Averages with the input's scale and zero point.
     *
     * @param p parameters
     * @param batches {@code N}, >= 1
     * @param input {@code [N, C, H, W]} int8
     * @param output {@code [N, C, OH, OW]} int8, written
     */
    public static void run(AveragePool2dParams p, int batches, byte[] input, byte[] output) {
        pool(p, null, batches, input, output);
    }

    /**
     * Averages and requantizes to the output scale and zero point.
     *
     * @param p parameters
     * @param rq multipliers by count; must cover {@code KH * KW} positions
     * @param batches {@code N}, >= 1
     * @param input {@code [N, C, H, W]} int8
     * @param output {@code [N, C, OH, OW]} int8, written
     */
    public static void runRequantized(AveragePool2dParams p, AveragePoolRequantization rq, int batches, byte[] input,
            byte[] output) {
        checkRequantization(p, rq);
        pool(p, rq, batches, input, output);
    }

    /**
     * The checks {@link #runRequantized} makes on its parameters, for a loader to make them once.
     *
     * @param p parameters
     * @param rq multipliers by count
     * @throws IllegalArgumentException if {@code rq} is missing or covers fewer than {@code KH * KW} positions
     */
    public static void checkRequantization(AveragePool2dParams p, AveragePoolRequantization rq) {
        if (rq == null) {
            throw new IllegalArgumentException("requantization is required");
        }
        if (rq.maxCount() < p.window().size()) {
            throw new IllegalArgumentException("requantization covers " + rq.maxCount()
                    + " positions, the window has " + p.window().size());
        }
    }

    private static void pool(AveragePool2dParams p, AveragePoolRequantization rq, int batches, byte[] input,
            byte[] output) {
        int inH = p.inHeight();
        int inW = p.inWidth();
        int outH = p.outHeight();
        int outW = p.outWidth();
        int planes = KernelChecks.batchSize(batches, p.channels(), "planes");
        KernelChecks.checkLength(input, KernelChecks.batchSize(planes, inH * inW, "input"), "input");
        KernelChecks.checkLength(output, KernelChecks.batchSize(planes, outH * outW, "output"), "output");
        Window2d win = p.window();
        int kH = win.kernelHeight();
        int kW = win.kernelWidth();
        int windowSize = win.size();
        boolean includePad = p.countIncludePad();
        // plain: sum the codes, padded positions are Z_in; requantized: sum x - Z_in, padding is 0
        int offset = rq == null ? 0 : p.inputZeroPoint();
        int padCode = rq == null ? p.inputZeroPoint() : 0;
        int actMin = p.activation().min();
        int actMax = p.activation().max();
        for (int plane = 0; plane < planes; plane++) { // plane = n * C + c
            int inBase = plane * inH * inW;
            int outBase = plane * outH * outW;
            for (int oy = 0; oy < outH; oy++) {
                int iyOrigin = oy * win.strideHeight() - win.padTop();
                for (int ox = 0; ox < outW; ox++) {
                    int ixOrigin = ox * win.strideWidth() - win.padLeft();
                    int sum = 0;
                    int inside = 0;
                    for (int ky = 0; ky < kH; ky++) {
                        int iy = iyOrigin + ky * win.dilationHeight();
                        if (iy < 0 || iy >= inH) {
                            continue;
                        }
                        for (int kx = 0; kx < kW; kx++) {
                            int ix = ixOrigin + kx * win.dilationWidth();
                            if (ix >= 0 && ix < inW) {
                                sum += input[inBase + iy * inW + ix] - offset; // |sum| <= 255*KH*KW
                                inside++;
                            }
                        }
                    }
                    int count = inside;
                    if (includePad) {
                        sum += padCode * (windowSize - inside);
                        count = windowSize;
                    }
                    int q;
                    if (rq == null) {
                        // round half away from zero (TFLite pooling.h); / truncates toward zero
                        q = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
                    } else {
                        // q_y = Z_out + sum * S_in / (S_out * count)
                        q = FixedPoint.multiplyByQuantizedMultiplier(sum, rq.multiplierArray()[count - 1],
                                rq.shiftArray()[count - 1]) + rq.outputZeroPoint();
                    }
                    output[outBase + oy * outW + ox] = (byte) Math.max(actMin, Math.min(actMax, q));
                }
            }
        }
    }
}
