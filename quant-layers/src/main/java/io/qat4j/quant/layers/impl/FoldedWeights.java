package io.qat4j.quant.layers.impl;

import io.qat4j.executor.quant.QuantRange;
import io.qat4j.quant.math.FakeQuant;
import io.qat4j.quant.math.WeightFakeQuant;
import io.qat4j.quant.spec.QuantSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer's weights as the integer model uses them: symmetric integer codes per output row, the
 * row scales, and the float bias (batch norm folded in).
 *
 * @param codes integer codes {@code [rows][K]}
 * @param scales row scales
 * @param bias float bias per row
 * @param bits weight bit width
 */
public record FoldedWeights(int[][] codes, double[] scales, double[] bias, int bits) {

    /**
     * Quantizes weight rows with the same scales and rounding as {@link WeightFakeQuant#apply}.
     *
     * @param rows weights {@code [rows, K]}, batch norm already folded
     * @param spec weight spec
     * @param bias float bias per row
     * @return the folded weights
     */
    public static FoldedWeights of(INDArray rows, QuantSpec spec, INDArray bias) {
        INDArray scales = WeightFakeQuant.rowScales(rows, spec);
        QuantRange r = spec.range();
        INDArray codes = FakeQuant.codesPerRow(rows, scales, r.qMin(), r.qMax());
        int n = (int) codes.size(0);
        int[][] c = new int[n][];
        for (int i = 0; i < n; i++) {
            c[i] = codes.getRow(i).castTo(DataType.INT).toIntVector();
        }
        return new FoldedWeights(c, scales.castTo(DataType.DOUBLE).reshape(n).toDoubleVector(),
                bias.castTo(DataType.DOUBLE).reshape(bias.length()).toDoubleVector(), spec.bits());
    }
}
