package io.qat4j.executor.kernel;

import io.qat4j.executor.kernel.gemm.IntGemm;

/**
 * {@link ByteKernels} as its definition, in plain Java loops (over the packed layouts for the
 * products): the exact reference that the tests compare the native kernels with.
 */
final class ReferenceByteKernels extends ByteKernels {

    static final ReferenceByteKernels INSTANCE = new ReferenceByteKernels();

    private ReferenceByteKernels() {
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    protected void codesTimesWeightsUnchecked(int m, int n, int depth, byte[] x, int xOffset, int ldx, byte[] packed, int[] c,
                                              int cOffset, int ldc) {
        int np = (n + COLUMN_ALIGN - 1) / COLUMN_ALIGN * COLUMN_ALIGN;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int s = 0;
                for (int k = 0; k < depth; k++) {
                    s += ((x[xOffset + i * ldx + k] ^ 0x80) & 0xFF) * packed[((k / GROUP) * np + j) * GROUP + k % GROUP];
                }
                c[cOffset + i * ldc + j] += s;
            }
        }
    }

    @Override
    protected void im2colUnchecked(int[] g, byte[] input, int inOffset, int images, byte[] col) {
        int inC = g[0], inH = g[1], inW = g[2], outH = g[3], outW = g[4], kH = g[5], kW = g[6];
        int columns = images * outH * outW;
        for (int c = 0; c < inC; c++) {
            for (int ky = 0; ky < kH; ky++) {
                for (int kx = 0; kx < kW; kx++) {
                    int row = ((c * kH + ky) * kW + kx) * columns;
                    for (int i = 0; i < images; i++) {
                        for (int oy = 0; oy < outH; oy++) {
                            int iy = oy * g[7] - g[11] + ky * g[9];
                            for (int ox = 0; ox < outW; ox++) {
                                int ix = ox * g[8] - g[12] + kx * g[10];
                                boolean inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
                                col[row + (i * outH + oy) * outW + ox] =
                                        inside ? input[inOffset + ((i * inC + c) * inH + iy) * inW + ix] : (byte) g[15];
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    protected void weightsTimesCodesRequantizedUnchecked(int m, int n, int depth, byte[] w, int wOffset, byte[] b, int bOffset,
                                                         int ldb, int[] bias, int[] multipliers, int[] shifts, int firstRow,
                                                         int zOut, int actMin, int actMax, byte[] out, int outOffset, int plane,
                                                         int imageStride) {
        int kp = paddedDepth(depth);
        int[] acc = new int[1];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int s = bias[firstRow + i];
                for (int k = 0; k < depth; k++) {
                    s += w[wOffset + i * kp + k] * ((b[bOffset + k * ldb + j] ^ 0x80) & 0xFF);
                }
                acc[0] = s;
                IntGemm.scalar().requantize(acc, 0, 1, multipliers[firstRow + i], shifts[firstRow + i], zOut, actMin, actMax,
                        out, outOffset + (j / plane) * imageStride + i * plane + j % plane);
            }
        }
    }

    @Override
    protected void maxPool2x2Unchecked(int planes, int inHeight, int inWidth, byte[] in, byte[] out, int actMin, int actMax) {
        int outH = inHeight / 2;
        int outW = inWidth / 2;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    int r0 = (p * inHeight + 2 * oy) * inWidth + 2 * ox;
                    int r1 = r0 + inWidth;
                    int max = Math.max(Math.max(in[r0], in[r0 + 1]), Math.max(in[r1], in[r1 + 1]));
                    out[(p * outH + oy) * outW + ox] = (byte) Math.max(actMin, Math.min(actMax, max));
                }
            }
        }
    }
}
