package io.qat4j.executor.kernel;

import io.qat4j.executor.kernel.gemm.IntGemm;

/**
 * Quantized 2-D max pooling, NCHW (TFLite {@code reference_integer_ops::MaxPool},
 * {@code pooling.h}): {@code y = clamp(max over the in-image window positions of x, actMin, actMax)}.
 * Padded positions are ignored, not treated as a value (TensorFlow, DL4J and PyTorch semantics).
 * Input and output share scale and zero point. No accumulator.
 *
 * <p>Layouts: input {@code [N, C, H, W]}, output {@code [N, C, OH, OW]}.
 *
 * <p>The 2x2 / stride 2 pooling without padding runs on native kernels when they are present
 * ({@link ByteKernels#maxPool2x2}), else on the Java path's vectors when it has them
 * ({@link IntGemm#maxPool2x2}); the same bytes.
 */
public final class MaxPool2d {

    /** The window of {@link ByteKernels#maxPool2x2}. */
    private static final Window2d TWO_BY_TWO = Window2d.valid(2, 2, 2, 2);

    private MaxPool2d() {
    }

    /**
     * @param p parameters
     * @param batches {@code N}, >= 1
     * @param input {@code [N, C, H, W]} int8
     * @param output {@code [N, C, OH, OW]} int8, written
     */
    public static void run(MaxPool2dParams p, int batches, byte[] input, byte[] output) {
        int inPlane = p.inHeight() * p.inWidth();
        int outPlane = p.outHeight() * p.outWidth();
        int planes = KernelChecks.batchSize(batches, p.channels(), "planes");
        KernelChecks.checkLength(input, KernelChecks.batchSize(planes, inPlane, "input"), "input");
        KernelChecks.checkLength(output, KernelChecks.batchSize(planes, outPlane, "output"), "output");
        Window2d w = p.window();
        ByteKernels bytes = ByteKernels.selected();
        if (w.equals(TWO_BY_TWO)) {
            if (bytes != null) {
                bytes.maxPool2x2(planes, p.inHeight(), p.inWidth(), input, output, p.activation().min(), p.activation().max());
                return;
            }
            if (IntGemm.selected().maxPool2x2(planes, p.inHeight(), p.inWidth(), input, output, p.activation().min(),
                    p.activation().max())) {
                return;
            }
        }
        // outputs whose whole window lies inside the image: oy in [oyLo, oyHi), ox in [oxLo, oxHi)
        int[] y = inside(p.inHeight(), p.outHeight(), w.kernelHeight(), w.strideHeight(), w.dilationHeight(), w.padTop());
        int[] x = inside(p.inWidth(), p.outWidth(), w.kernelWidth(), w.strideWidth(), w.dilationWidth(), w.padLeft());
        int[] interior = {y[0], y[1], x[0], x[1]};
        for (int plane = 0; plane < planes; plane++) { // plane = n * C + c
            // one call per plane: a small method that the JIT compiles whole, not a long loop replaced on stack
            pool(p, interior, input, plane * inPlane, output, plane * outPlane);
        }
    }

    /**
     * Along one axis, the outputs {@code o} in {@code [lo, hi)} whose window
     * {@code o * stride - pad + k * dilation}, {@code k < kernel}, lies inside {@code [0, in)}.
     */
    private static int[] inside(int in, int out, int kernel, int stride, int dilation, int pad) {
        int lo = Math.min(out, -Math.floorDiv(-pad, stride));
        int hi = Math.max(lo, Math.min(out, Math.floorDiv(in - 1 - (kernel - 1) * dilation + pad, stride) + 1));
        return new int[] {lo, hi};
    }

    private static void pool(MaxPool2dParams p, int[] interior, byte[] input, int inBase, byte[] output, int outBase) {
        Window2d win = p.window();
        int inH = p.inHeight();
        int inW = p.inWidth();
        int outH = p.outHeight();
        int outW = p.outWidth();
        int kH = win.kernelHeight();
        int kW = win.kernelWidth();
        int sH = win.strideHeight();
        int sW = win.strideWidth();
        int dH = win.dilationHeight();
        int dW = win.dilationWidth();
        int actMin = p.activation().min();
        int actMax = p.activation().max();
        boolean twoByTwo = kH == 2 && kW == 2 && sH == 2 && sW == 2 && dH == 1 && dW == 1;
        for (int oy = 0; oy < outH; oy++) {
            int iyOrigin = oy * sH - win.padTop();
            int o = outBase + oy * outW;
            boolean rowInside = oy >= interior[0] && oy < interior[1];
            int oxLo = rowInside ? interior[2] : outW;
            int oxHi = rowInside ? interior[3] : outW;
            for (int ox = 0; ox < oxLo; ox++) {
                int max = borderMax(input, inBase, inH, inW, iyOrigin, ox * sW - win.padLeft(), kH, kW, dH, dW);
                output[o + ox] = (byte) Math.max(actMin, Math.min(actMax, max));
            }
            // the windows inside the image: no bounds to check
            int origin = inBase + iyOrigin * inW - win.padLeft();
            if (twoByTwo) {
                // the common 2x2 / stride 2 pooling written out: HotSpot compiles the general loops
                // below, whose trip counts it does not know, several times slower
                int r1 = origin + inW;
                for (int ox = oxLo; ox < oxHi; ox++) {
                    int x = 2 * ox;
                    int max = Math.max(Math.max(input[origin + x], input[origin + x + 1]), Math.max(input[r1 + x], input[r1 + x + 1]));
                    output[o + ox] = (byte) Math.max(actMin, Math.min(actMax, max));
                }
            } else {
                for (int ox = oxLo; ox < oxHi; ox++) {
                    int max = Byte.MIN_VALUE;
                    for (int ky = 0; ky < kH; ky++) {
                        int row = origin + ox * sW + ky * dH * inW;
                        for (int kx = 0; kx < kW; kx++) {
                            max = Math.max(max, input[row + kx * dW]);
                        }
                    }
                    output[o + ox] = (byte) Math.max(actMin, Math.min(actMax, max));
                }
            }
            for (int ox = Math.max(oxHi, oxLo); ox < outW; ox++) {
                int max = borderMax(input, inBase, inH, inW, iyOrigin, ox * sW - win.padLeft(), kH, kW, dH, dW);
                output[o + ox] = (byte) Math.max(actMin, Math.min(actMax, max));
            }
        }
    }

    /** The maximum over the in-image positions of a window that reaches into the padding. */
    private static int borderMax(byte[] input, int inBase, int inH, int inW, int iyOrigin, int ixOrigin, int kH, int kW, int dH,
            int dW) {
        int max = Byte.MIN_VALUE;
        for (int ky = 0; ky < kH; ky++) {
            int iy = iyOrigin + ky * dH;
            if (iy < 0 || iy >= inH) {
                continue; // padding is not a candidate
            }
            for (int kx = 0; kx < kW; kx++) {
                int ix = ixOrigin + kx * dW;
                if (ix >= 0 && ix < inW) {
                    max = Math.max(max, input[inBase + iy * inW + ix]);
                }
            }
        }
        return max;
    }
}
