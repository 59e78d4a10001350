package io.qat4j.graph.layers.impl;

import io.qat4j.executor.kernel.ScatterAdd;
import io.qat4j.executor.kernel.ScatterAddParams;
import io.qat4j.executor.kernel.SegmentPool;
import io.qat4j.executor.kernel.SegmentPoolParams;
import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.prep.GraphOpParams;
import io.qat4j.executor.quant.AffineQuantParams;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reductions over nodes whose inputs are int8 codes, computed in the fake-quantized forward pass
 * with the integer model's own kernels, so that they give its codes bit for bit: the sum
 * aggregation {@code Q_aggr(sum_{e: dst_e = i} m_e)} of messages on the grid of {@code Q_msg}
 * ({@code scatter_add}, the executor's {@link ScatterAdd}) and graph pooling
 * {@code Q_out(pool_{i in g} x_i)} of the previous vertex's codes ({@code segment_pool},
 * {@link SegmentPool}), each with the requantization the exporter writes.
 *
 * <p>Why not the float32 fake quantization of the float sum: a sum of values on one grid lies on
 * that grid, and the aggregate's observer takes its range from such sums, so its bounds are whole
 * multiples of {@code S_msg} and {@code S_aggr = (b - a) S_msg / (2^bits - 1)} a simple fraction of
 * {@code S_msg}, often exactly in float32 ({@code 2 S_msg} is). Then whole classes of sums fall on
 * a half code, or within the float32 rounding of the scales of one. The fake quantization rounds a
 * tie away from zero and decides a near-tie by float32 division errors; the integer model's
 * requantization (TFLite's single rounding, {@link io.qat4j.executor.arith.FixedPoint}) rounds ties
 * toward +infinity and resolves {@code S_msg / S_aggr} to {@code 2^-31}. Measured on a MUTAG GIN at
 * 4 bits (Degree-Quant, fold 4): {@code S_aggr = 2 S_msg} in float32 in the last layer, every odd
 * negative sum of message codes a tie rounded the other way, a quarter of the layer's aggregate
 * codes one apart; through the MLP 22.8% of the layer's output codes differed (up to 10) and one
 * test prediction in 19 changed. Computed from the codes, both round the same integer sum with the
 * same multiplier: bit-identical.
 *
 * <p>Graph pooling meets the same: the pooled output's observer sees sums (or maxima) of the
 * previous vertex's grid values; the mean's integer form rounds the mean once more, to 16 fraction
 * bits.
 *
 * <p>Only rows whose every input is on the grid take the integer codes: a protected node's row
 * (Degree-Quant keeps it in float) and a row that receives a protected message keep the float
 * fake quantization; pooling takes them in inference only (in training the previous vertex's
 * protected rows are float, which the pooling vertex cannot tell). The gradient mask and the
 * clipped fraction stay those of the float quantization (they differ from the integer codes' only
 * at ties on the range's edge). Applies to FLOAT networks, the ones the exporter reads (their
 * quantizers use float32 scales, as the artifact); other data types keep the float fake
 * quantization.
 */
final class IntegerReductions {

    private IntegerReductions() {
    }

    /**
     * @param quantized the float fake quantization of the float sums {@code [N, F]}
     * @param messages the summands' values: one row per edge, or per node when {@code sources} is given
     * @param sources per edge the row of {@code messages} it carries, or null (row {@code e})
     * @param targets per edge its target node
     * @param floatMessages per row of {@code messages} whether it is off the grid (protected), or null
     * @param protectedNodes per node whether its aggregate stays in float, or null
     * @param in {@code Q_msg}'s parameters with the float32 scale
     * @param out {@code Q_aggr}'s parameters with the float32 scale
     * @param where the vertex, for messages
     * @return the aggregate's values: integer codes dequantized on the rows whose summands are all on the grid
     */
    static INDArray aggregate(INDArray quantized, INDArray messages, int[] sources, int[] targets, boolean[] floatMessages,
                             boolean[] protectedNodes, AffineQuantParams in, AffineQuantParams out, String where) {
        if (quantized.dataType() != DataType.FLOAT || messages.dataType() != DataType.FLOAT) {
            return quantized;
        }
        int n = (int) quantized.size(0);
        int f = (int) quantized.size(1);
        boolean[] exact = new boolean[n];
        for (int i = 0; i < n; i++) {
            exact[i] = protectedNodes == null || !protectedNodes[i];
        }
        if (floatMessages != null) {
            for (int e = 0; e < targets.length; e++) {
                if (floatMessages[sources == null ? e : sources[e]]) {
                    exact[targets[e]] = false;
                }
            }
        }
        ScatterAddParams p = new ScatterAddParams(f, in.zeroPoint(),
                GraphOpParams.scatterAdd(in.scale(), out, ActivationClamps.none(out)));
        byte[] sums = new byte[n * f];
        ScatterAdd.run(p, where + " aggregate", codes(HeapArrays.floats(messages), in), sources, targets, n, sums);
        return dequantized(quantized, sums, exact, out);
    }

    /**
     * @param quantized the float fake quantization of the float pooling {@code [G, F]}
     * @param x the previous vertex's output {@code [N, F]}, every row on the grid of {@code in}
     * @param graphIds per node its graph, ascending
     * @param reduction sum, mean or max
     * @param in the previous vertex's output quantizer, with the float32 scale
     * @param out {@code Q_out}'s parameters with the float32 scale
     * @param where the vertex, for messages
     * @return the pooled values: the integer codes dequantized (FLOAT networks; others unchanged)
     */
    static INDArray pool(INDArray quantized, INDArray x, int[] graphIds, SegmentPoolParams.Reduction reduction,
                         AffineQuantParams in, AffineQuantParams out, String where) {
        if (quantized.dataType() != DataType.FLOAT || x.dataType() != DataType.FLOAT) {
            return quantized;
        }
        int graphs = (int) quantized.size(0);
        int f = (int) quantized.size(1);
        SegmentPoolParams p = new SegmentPoolParams(reduction, f, in.zeroPoint(),
                GraphOpParams.segmentPool(reduction, in.scale(), out, ActivationClamps.none(out)));
        byte[] pooled = new byte[graphs * f];
        SegmentPool.run(p, where, codes(HeapArrays.floats(x), in), graphIds, graphs, pooled);
        boolean[] all = new boolean[graphs];
        Arrays.fill(all, true);
        return dequantized(quantized, pooled, all, out);
    }

    /** {@code quantized} with the rows marked {@code exact} replaced by {@code S_out (code - Z_out)}, as FloatKernels.fakeQuant dequantizes. */
    static INDArray dequantized(INDArray quantized, byte[] codes, boolean[] exact, AffineQuantParams out) {
        int f = (int) quantized.size(1);
        float[] v = HeapArrays.floats(quantized);
        float s = (float) out.scale();
        int z = out.zeroPoint();
        for (int i = 0; i < exact.length; i++) {
            if (exact[i]) {
                for (int k = i * f; k < (i + 1) * f; k++) {
                    v[k] = (codes[k] - z) * s;
                }
            }
        }
        return HeapArrays.matrix(v, exact.length, f);
    }

    /**
     * The int8 codes of values on the grid of {@code p}: {@code v / S} is within float32 rounding of
     * a whole number there, which any rounding finds; off-grid rows (protected, not used) get the
     * nearest codes, clamped to int8.
     */
    static byte[] codes(float[] values, AffineQuantParams p) {
        byte[] c = new byte[values.length];
        float inverse = 1f / (float) p.scale();
        int z = p.zeroPoint();
        for (int k = 0; k < values.length; k++) {
            c[k] = (byte) Math.max(-128, Math.min(127, Math.round(values[k] * inverse) + z));
        }
        return c;
    }
}
