package io.qat4j.executor.kernel;

/**
 * Scatter-add with int32 accumulation and requantization: the sum aggregation of message
 * passing (PyTorch Geometric's {@code scatter(msg, index, reduce="sum")}; the GIN and GCN
 * aggregate of Degree-Quant, Tailor et al., ICLR 2021), on int8 codes:
 *
 * <pre>
 *   acc[i, f] = sum over edges e with target[e] = i of (m[e, f] - Z_in)
 *             = (sum of m[e, f]) - d_i Z_in                       (zero-point expansion, gemmlowp low-precision.md)
 *   y[i, f]   = clamp(multiplyByQuantizedMultiplier(acc[i, f], M, shift) + Z_out)    M 2^(shift-31) ~= S_in / S_out
 * </pre>
 *
 * A node without incoming messages gets {@code acc = 0}, i.e. {@code Z_out}, the real 0.
 *
 * <p>Overflow bound ({@link ScatterAddParams#maxInDegree()}): {@code |sum of m| <= 128 d_i},
 * {@code |d_i Z_in| <= 128 d_i} and {@code |acc| <= 255 d_i}; the requantization needs
 * {@code 255 d_i 2^max(shift, 0) <= 2^31 - 1}. Every run counts the in-degrees first and rejects a
 * graph whose largest in-degree exceeds the bound before anything is summed.
 */
public final class ScatterAdd {

    private ScatterAdd() {
    }

    /**
     * @param p parameters
     * @param what the op, for messages
     * @param messages {@code [E, F]} int8 codes
     * @param target checked target nodes, {@code E} values in {@code [0, nodes)}
     * @param nodes {@code N}
     * @param out {@code [N, F]} int8 codes, written
     * @throws InputDataException if a node's in-degree exceeds {@link ScatterAddParams#maxInDegree()}
     */
    public static void run(ScatterAddParams p, String what, byte[] messages, int[] target, int nodes, byte[] out) {
        run(p, what, messages, null, target, nodes, out);
    }

    /**
     * As {@link #run(ScatterAddParams, String, byte[], int[], int, byte[])} with the gather of
     * message passing fused in: edge {@code e} carries row {@code rows[e]} of a table of codes
     * (a node's features sent along each of its out-edges), not a row of its own.
     *
     * @param p parameters
     * @param what the op, for messages
     * @param table {@code [R, F]} int8 codes
     * @param rows per edge its row of {@code table}, each in {@code [0, R)}; null: edge {@code e} carries row {@code e}
     * @param target checked target nodes, {@code E} values in {@code [0, nodes)}
     * @param nodes {@code N}
     * @param out {@code [N, F]} int8 codes, written
     * @throws InputDataException if a node's in-degree exceeds {@link ScatterAddParams#maxInDegree()}
     * @throws IllegalArgumentException if a row lies outside the table
     */
    public static void run(ScatterAddParams p, String what, byte[] table, int[] rows, int[] target, int nodes, byte[] out) {
        int f = p.features();
        if (rows == null) {
            KernelChecks.checkLength(table, (long) target.length * f, "messages");
        } else {
            KernelChecks.checkLength(rows, target.length, "rows");
            int tableRows = table.length / f;
            for (int e = 0; e < rows.length; e++) {
                if (rows[e] < 0 || rows[e] >= tableRows) {
                    throw new IllegalArgumentException(what + ": edge " + e + " carries row " + rows[e] + " of a table of "
                            + tableRows + " rows");
                }
            }
        }
        KernelChecks.checkLength(out, (long) nodes * f, "output");
        int[] degree = EdgeIndex.counts(target, nodes);
        long bound = p.maxInDegree();
        for (int i = 0; i < nodes; i++) {
            if (degree[i] > bound) {
                throw new InputDataException(what + ": node " + i + " receives " + degree[i] + " messages; the int32 accumulator"
                        + " bound 255 x in-degree x 2^" + p.requantization().maxLeftShift() + " <= 2^31 - 1 allows at most " + bound);
            }
        }
        int[] acc = new int[nodes * f];
        for (int e = 0; e < target.length; e++) {
            int base = target[e] * f;
            int from = (rows == null ? e : rows[e]) * f;
            for (int k = 0; k < f; k++) {
                acc[base + k] += table[from + k]; // |sum| <= 128 d_i
            }
        }
        int z = p.inputZeroPoint();
        for (int i = 0; i < nodes; i++) {
            int offset = degree[i] * z; // |d_i Z_in| <= 128 d_i
            for (int k = 0; k < f; k++) {
                acc[i * f + k] -= offset; // r = S_in (sum of (m - Z_in)); |acc| <= 255 d_i
            }
        }
        Requantization r = p.requantization();
        OutputStage.requantize(acc, 0, acc.length, r.multiplierArray()[0], r.shiftArray()[0], r.outputZeroPoint(),
                r.activation().min(), r.activation().max(), out, 0);
    }
}
