package io.qat4j.graph.layers.impl;

import io.qat4j.graph.layers.MessagePassing;
import io.qat4j.quant.layers.impl.ActivationQuantization;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.quant.spec.SteMode;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Degree-Quant's split quantization of a node or edge tensor (camlsys/degree-quant
 * {@code dq/multi_quant.py}: {@code out[mask] = high(x[mask]); out[~mask] = low(x[~mask])} with an
 * identity high-precision quantizer): the rows of protected nodes (or of edges leaving them) pass
 * unchanged, forward and backward; the other rows are observed and fake-quantized by
 * {@link ActivationQuantization}, so the observer's range comes from them alone. FLOAT tensors take
 * a path on the heap (the unprotected rows copied into one buffer and back); other types go through
 * ND4J operations.
 */
final class RowMaskedQuantization {

    private RowMaskedQuantization() {
    }

    /**
     * @param x {@code [rows, C]}
     * @param protectedRows per row whether it is protected; null when none is
     * @param spec the activation spec
     * @param schedule the schedule
     * @param state the observer state {@code [min, max, batchesSeen]}
     * @param step the iteration
     * @param training training mode
     * @param observe whether the observer updates from these rows (in training)
     * @return the values, the gradient mask (null: all ones) and the clipped fraction of the quantized rows
     */
    static ActivationQuantization.Result apply(INDArray x, boolean[] protectedRows, QuantSpec spec,
                                               QuantSchedule schedule, INDArray state, long step, boolean training,
                                               boolean observe) {
        if (protectedRows == null) {
            return ActivationQuantization.apply(x, spec, schedule, state, step, training, observe);
        }
        int rows = (int) x.size(0);
        int[] quantized = unprotected(protectedRows);
        if (quantized.length == 0) {
            return new ActivationQuantization.Result(x, null, Double.NaN);
        }
        if (x.dataType() == DataType.FLOAT) {
            return applyFloat(x, quantized, spec, schedule, state, step, training, observe);
        }
        ActivationQuantization.Result r = ActivationQuantization.apply(MessagePassing.gatherRows(x, quantized), spec,
                schedule, state, step, training, observe);
        INDArray keep = keepColumn(protectedRows, x);
        // protected rows: x * 1 + 0; quantized rows: x * 0 + q (the indices are distinct, the sum is exact)
        INDArray values = x.mulColumnVector(keep).addi(MessagePassing.scatterAddRows(r.values(), quantized, rows));
        INDArray mask = r.gradMask() == null ? null
                : MessagePassing.scatterAddRows(r.gradMask(), quantized, rows).addiColumnVector(keep);
        return new ActivationQuantization.Result(values, mask, r.clippedFraction());
    }

    /**
     * The FLOAT path on the heap: the unprotected rows copied into one buffer (their minimum and
     * maximum found on the way), fake-quantized there by {@link ActivationQuantization#applyFused},
     * and copied back; protected rows keep their values and a gradient mask of 1.
     */
    private static ActivationQuantization.Result applyFloat(INDArray x, int[] quantized, QuantSpec spec,
                                                            QuantSchedule schedule, INDArray state, long step,
                                                            boolean training, boolean observe) {
        int f = (int) x.size(1);
        float[] v = HeapArrays.floats(x);
        float[] q = new float[quantized.length * f];
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < quantized.length; k++) {
            System.arraycopy(v, quantized[k] * f, q, k * f, f);
            for (int c = k * f; c < (k + 1) * f; c++) {
                min = Math.min(min, q[c]);
                max = Math.max(max, q[c]);
            }
        }
        boolean clipped = spec.ste() == SteMode.CLIPPED;
        float[] qMask = clipped ? new float[q.length] : null;
        if (qMask != null) {
            Arrays.fill(qMask, 1f);
        }
        double clippedFraction = ActivationQuantization.applyFused(q, q.length, new double[] {min, max}, qMask, spec,
                schedule, state, step, training, observe);
        if (!RangeObserver.initialized(state) || !schedule.quantizing(step)) {
            return new ActivationQuantization.Result(x, null, clippedFraction);
        }
        float[] mask = qMask == null ? null : new float[v.length];
        if (mask != null) {
            Arrays.fill(mask, 1f);
        }
        for (int k = 0; k < quantized.length; k++) {
            System.arraycopy(q, k * f, v, quantized[k] * f, f);
            if (mask != null) {
                System.arraycopy(qMask, k * f, mask, quantized[k] * f, f);
            }
        }
        return new ActivationQuantization.Result(HeapArrays.matrix(v, x.size(0), f),
                mask == null ? null : HeapArrays.matrix(mask, x.size(0), f), clippedFraction);
    }

    /**
     * @param protectedNodes per node whether it is protected, or null
     * @param src source node of each edge
     * @return per edge whether its source is protected (edges follow their source), or null
     */
    static boolean[] ofSources(boolean[] protectedNodes, int[] src) {
        if (protectedNodes == null) {
            return null;
        }
        boolean[] out = new boolean[src.length];
        for (int e = 0; e < src.length; e++) {
            out[e] = protectedNodes[src[e]];
        }
        return out;
    }

    private static int[] unprotected(boolean[] protectedRows) {
        int n = 0;
        for (boolean p : protectedRows) {
            n += p ? 0 : 1;
        }
        int[] idx = new int[n];
        int k = 0;
        for (int i = 0; i < protectedRows.length; i++) {
            if (!protectedRows[i]) {
                idx[k++] = i;
            }
        }
        return idx;
    }

    private static INDArray keepColumn(boolean[] protectedRows, INDArray like) {
        double[] v = new double[protectedRows.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = protectedRows[i] ? 1 : 0;
        }
        return HeapArrays.column(v, like.dataType());
    }
}
