package io.qat4j.graph.layers;

import io.qat4j.graph.layers.impl.HeapArrays;
import io.qat4j.quant.math.FloatKernels;
import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The message-passing primitives of the graph layers over index arrays, never a dense
 * {@code N x N} matrix (PyTorch Geometric's {@code index_select} and {@code scatter_add}; Gilmer et
 * al., "Neural Message Passing for Quantum Chemistry", ICML 2017): gather rows by index, scatter-add
 * rows into an index, and the two fused ({@code out[to[e]] += w[e] x[from[e]]}, a sparse matrix
 * product). Each is the adjoint of the other: the gradient of {@link #gatherRows} is
 * {@link #scatterAddRows} on the same index, and the gradient of {@link #gatherScatterAdd} is
 * itself with {@code from} and {@code to} swapped.
 *
 * <p>Flat Java loops, chosen over ND4J's {@code pullRows} and {@code unsorted_segment_sum} by
 * measurement on REDDIT-BINARY's batch size (55,000 nodes, 128,000 directed edges, 64 channels,
 * FLOAT; {@code MessagePassingSpeedTest}, medians of 15 runs, two runs, on the project's 2-core
 * machine with ND4J on 2 threads and load about 1.4; under heavier load the loops' lead grows):
 * <pre>
 *                          Java loops   ND4J
 *   gather [E, 64]          11-13 ms    17 ms    (pullRows)
 *   scatter-add [N, 64]     11-14 ms   166 ms    (unsorted_segment_sum, INT indices)
 *   fused gather + scatter  21-24 ms   177 ms    (the two ops above)
 * </pre>
 * Gather and the fused form copy their input to the heap once (a bulk copy), loop there and write
 * the result back in bulk; scatter-add reads the rows one by one from their off-heap buffer and
 * sums on the heap, where the JIT vectorizes the inner loop over the channels; the fused form never
 * materializes the {@code [E, F]} messages.
 */
public final class MessagePassing {

    private MessagePassing() {
    }

    /**
     * {@code out[e] = x[index[e]]}.
     *
     * @param x {@code [N, F]} FLOAT or DOUBLE
     * @param index row of x for each output row, each in {@code [0, N)}
     * @return {@code [index.length, F]} of x's type
     */
    public static INDArray gatherRows(INDArray x, int[] index) {
        int f = width(x);
        int e = index.length;
        if (e == 0) {
            return Nd4j.create(x.dataType(), 0, f);
        }
        if (x.dataType() == DataType.FLOAT) {
            float[] in = HeapArrays.floats(x);
            float[] out = new float[e * f];
            for (int i = 0; i < e; i++) {
                System.arraycopy(in, index[i] * f, out, i * f, f);
            }
            return HeapArrays.matrix(out, e, f);
        }
        double[] in = HeapArrays.doubles(x);
        double[] out = new double[e * f];
        for (int i = 0; i < e; i++) {
            System.arraycopy(in, index[i] * f, out, i * f, f);
        }
        return HeapArrays.matrix(out, e, f, DataType.DOUBLE);
    }

    /**
     * {@code out[index[e]] += rows[e]}, {@code out} starting at zero.
     *
     * @param rows {@code [E, F]} FLOAT or DOUBLE
     * @param index target row of each row, each in {@code [0, numRows)}
     * @param numRows rows of the result
     * @return {@code [numRows, F]} of rows' type
     */
    public static INDArray scatterAddRows(INDArray rows, int[] index, int numRows) {
        int f = width(rows);
        if (rows.size(0) != index.length) {
            throw new IllegalArgumentException(rows.size(0) + " rows but " + index.length + " indices");
        }
        if (rows.dataType() == DataType.FLOAT) {
            // the rows are read one by one from their off-heap buffer (kept reachable until the last
            // read: the buffer alone does not stop ND4J from freeing it); the sums stay on the heap
            INDArray source = FloatKernels.contiguous(rows);
            float[] out = new float[numRows * f];
            try {
                FloatBuffer in = index.length == 0 ? null : FloatKernels.buffer(source);
                float[] row = new float[f];
                for (int i = 0; i < index.length; i++) {
                    in.get(i * f, row, 0, f);
                    int o = index[i] * f;
                    for (int c = 0; c < f; c++) {
                        out[o + c] += row[c];
                    }
                }
            } finally {
                Reference.reachabilityFence(source);
            }
            return HeapArrays.matrix(out, numRows, f);
        }
        double[] in = HeapArrays.doubles(rows);
        double[] out = new double[numRows * f];
        for (int i = 0; i < index.length; i++) {
            int o = index[i] * f;
            int s = i * f;
            for (int c = 0; c < f; c++) {
                out[o + c] += in[s + c];
            }
        }
        return HeapArrays.matrix(out, numRows, f, DataType.DOUBLE);
    }

    /**
     * {@code out[to[e]] += w[e] * x[from[e]]}, {@code out} starting at zero: gather and scatter-add
     * without the {@code [E, F]} messages in between.
     *
     * @param x {@code [N, F]} FLOAT or DOUBLE
     * @param from source row of each edge
     * @param to target row of each edge, each in {@code [0, numRows)}
     * @param weights per-edge factor, or null for 1
     * @param numRows rows of the result
     * @return {@code [numRows, F]} of x's type
     */
    public static INDArray gatherScatterAdd(INDArray x, int[] from, int[] to, double[] weights, int numRows) {
        int f = width(x);
        if (x.dataType() == DataType.FLOAT) {
            float[] in = HeapArrays.floats(x);
            float[] out = new float[numRows * f];
            for (int i = 0; i < from.length; i++) {
                int o = to[i] * f;
                int s = from[i] * f;
                if (weights == null) {
                    for (int c = 0; c < f; c++) {
                        out[o + c] += in[s + c];
                    }
                } else {
                    float w = (float) weights[i];
                    for (int c = 0; c < f; c++) {
                        out[o + c] += w * in[s + c];
                    }
                }
            }
            return HeapArrays.matrix(out, numRows, f);
        }
        double[] in = HeapArrays.doubles(x);
        double[] out = new double[numRows * f];
        for (int i = 0; i < from.length; i++) {
            int o = to[i] * f;
            int s = from[i] * f;
            double w = weights == null ? 1 : weights[i];
            for (int c = 0; c < f; c++) {
                out[o + c] += w * in[s + c];
            }
        }
        return HeapArrays.matrix(out, numRows, f, DataType.DOUBLE);
    }

    /**
     * @param x a 2-D FLOAT or DOUBLE array
     * @return its row width
     */
    private static int width(INDArray x) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("message passing needs [rows, channels], got " + Arrays.toString(x.shape()));
        }
        if (x.dataType() != DataType.FLOAT && x.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("message passing supports FLOAT and DOUBLE, got " + x.dataType());
        }
        if (x.length() >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("message passing over " + x.length() + " values: more than 2^31");
        }
        return (int) x.size(1);
    }
}
