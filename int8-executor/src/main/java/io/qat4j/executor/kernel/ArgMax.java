package io.qat4j.executor.kernel;

/**
 * Index of the largest value along the last dimension of a row-major {@code [rows, cols]} tensor
 * (TFLite {@code ARG_MAX} over the last axis; the prediction of a classifier). The first maximum
 * wins on ties, as TFLite's {@code ArgMinMax}, NumPy's and PyTorch's {@code argmax}. Works on
 * int8 codes (monotonic in the real value for a positive scale) and on the int32 accumulators of
 * {@link FullyConnected#accumulators} (whose real scale {@code S_in S_w[o]} must then be the same
 * for every output, i.e. per-tensor weight scale, for the index to be the real argmax).
 */
public final class ArgMax {

    private ArgMax() {
    }

    /**
     * @param data {@code [rows, cols]} int8
     * @param rows number of rows, >= 1
     * @param cols number of columns, >= 1
     * @param output {@code [rows]}, written with indices in {@code [0, cols)}
     */
    public static void rows(byte[] data, int rows, int cols, int[] output) {
        check(rows, cols, data == null ? -1 : data.length, output);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int best = 0;
            int bestValue = data[base];
            for (int c = 1; c < cols; c++) {
                if (data[base + c] > bestValue) { // strict: the first maximum wins
                    bestValue = data[base + c];
                    best = c;
                }
            }
            output[r] = best;
        }
    }

    /**
     * @param data {@code [rows, cols]} int32
     * @param rows number of rows, >= 1
     * @param cols number of columns, >= 1
     * @param output {@code [rows]}, written with indices in {@code [0, cols)}
     */
    public static void rows(int[] data, int rows, int cols, int[] output) {
        check(rows, cols, data == null ? -1 : data.length, output);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int best = 0;
            int bestValue = data[base];
            for (int c = 1; c < cols; c++) {
                if (data[base + c] > bestValue) { // strict: the first maximum wins
                    bestValue = data[base + c];
                    best = c;
                }
            }
            output[r] = best;
        }
    }

    private static void check(int rows, int cols, int dataLength, int[] output) {
        KernelChecks.checkPositive(rows, "rows");
        KernelChecks.checkPositive(cols, "cols");
        if (dataLength < 0) {
            throw new IllegalArgumentException("data is null");
        }
        long needed = (long) rows * cols;
        if (dataLength < needed) {
            throw new IllegalArgumentException("data has " + dataLength + " elements, need " + needed);
        }
        KernelChecks.checkLength(output, rows, "output");
    }
}
