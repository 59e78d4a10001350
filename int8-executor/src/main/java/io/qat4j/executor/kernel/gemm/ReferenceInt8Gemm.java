package io.qat4j.executor.kernel.gemm;

/**
 * {@link Int8Gemm} as its definition, in plain Java loops over the packed layouts: the exact
 * reference that the tests compare the native kernels with.
 */
final class ReferenceInt8Gemm extends Int8Gemm {

    static final ReferenceInt8Gemm INSTANCE = new ReferenceInt8Gemm();

    private ReferenceInt8Gemm() {
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    protected void weightsTimesCodesUnchecked(int m, int n, int depth, byte[] w, int wOffset, byte[] b, int bOffset, int ldb,
                                              int[] c, int cOffset, int ldc) {
        int kp = paddedDepth(depth);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int s = 0;
                for (int k = 0; k < depth; k++) {
                    s += w[wOffset + i * kp + k] * ((b[bOffset + k * ldb + j] ^ 0x80) & 0xFF);
                }
                c[cOffset + i * ldc + j] += s;
            }
        }
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
}
