package io.qat4j.executor.kernel.gemm;

/**
 * {@link IntGemm} in plain Java loops, the path where the Vector API is absent: per row of
 * {@code c}, {@code c[i][j] += a[i][k] * b[k][j]} over {@code k} (an inner loop over {@code j} that
 * HotSpot's C2 can vectorize); zeros of {@code a} (inputs at their zero point after a ReLU, zero
 * weights) skipped.
 */
final class ScalarIntGemm extends IntGemm {

    static final ScalarIntGemm INSTANCE = new ScalarIntGemm();

    private ScalarIntGemm() {
    }

    @Override
    public void multiplyAdd(int m, int n, int depth, int[] a, int aOffset, int lda, int[] b, int bOffset, int ldb,
                            int[] c, int cOffset, int ldc) {
        for (int i = 0; i < m; i++) {
            int cRow = cOffset + i * ldc;
            for (int k = 0; k < depth; k++) {
                int x = a[aOffset + i * lda + k];
                if (x == 0) {
                    continue;
                }
                int bRow = bOffset + k * ldb;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] += x * b[bRow + j];
                }
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
