package io.qat4j.executor.kernel;

/**
 * Quantized 2-D max pooling, NCHW (TFLite {@code reference_integer_ops::MaxPool},
 * {@code pooling.h}): {@code y = clamp(max over the in-image window positions of x, actMin, actMax)}.
 * Padded positions are ignored, not treated as a value (TensorFlow, DL4J and PyTorch semantics).
 * Input and output share scale and zero point. No accumulator.
 *
 * <p>Layouts: input {@code [N, C, H, W]}, output {@code [N, C, OH, OW]}.
 */
public final class MaxPool2d {

    private MaxPool2d() {
    }

    /**
     * @param p parameters
     * @param batches {@code N}, >= 1
     * @param input {@code [N, C, H, W]} int8
     * @param output {@code [N, C, OH, OW]} int8, written
     */
    public static void run(MaxPool2dParams p, int batches, byte[] input, byte[] output) {
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
        int actMin = p.activation().min();
        int actMax = p.activation().max();
        for (int plane = 0; plane < planes; plane++) { // plane = n * C + c
            int inBase = plane * inH * inW;
            int outBase = plane * outH * outW;
            for (int oy = 0; oy < outH; oy++) {
                int iyOrigin = oy * win.strideHeight() - win.padTop();
                for (int ox = 0; ox < outW; ox++) {
                    int ixOrigin = ox * win.strideWidth() - win.padLeft();
                    int max = Byte.MIN_VALUE;
                    for (int ky = 0; ky < kH; ky++) {
                        int iy = iyOrigin + ky * win.dilationHeight();
                        if (iy < 0 || iy >= inH) {
                            continue; // padding is not a candidate
                        }
                        for (int kx = 0; kx < kW; kx++) {
                            int ix = ixOrigin + kx * win.dilationWidth();
                            if (ix >= 0 && ix < inW) {
                                max = Math.max(max, input[inBase + iy * inW + ix]);
                            }
                        }
                    }
                    output[outBase + oy * outW + ox] = (byte) Math.max(actMin, Math.min(actMax, max));
                }
            }
        }
    }
}
