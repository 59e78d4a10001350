package io.qat4j.quant.math;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverKind;
import io.qat4j.quant.spec.QuantSpec;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Symmetric weight quantization of a weight matrix viewed as {@code [outputRows, K]}: one scale
 * per tensor, per output row (channel), or per contiguous group of rows (Q-BERT group-wise
 * quantization, Shen et al., AAAI 2020, section 3.2).
 *
 * <p>Scales come from the current weights, as Brevitas' parameter-statistics scaling does:
 * {@code S = max(|w|) / qMax} over the rows sharing the scale (min/max observer), or the larger
 * absolute value of the lower and upper percentile (percentile observer). Weights therefore carry
 * no observer state; the exporter recomputes the same scales from the trained weights.
 */
public final class WeightFakeQuant {

    private WeightFakeQuant() {
    }

    /**
     * One scale per row, as a column vector {@code [rows, 1]} of the weights' data type; rows that
     * share a scale (per tensor, per group) hold the same value.
     *
     * @param w2d weights as {@code [rows, K]} (any strides)
     * @param spec a symmetric weight spec
     * @return the scales
     */
    public static INDArray rowScales(INDArray w2d, QuantSpec spec) {
        if (!spec.symmetric()) {
            throw new IllegalArgumentException("weight quantization is symmetric; got an asymmetric spec " + spec);
        }
        int rows = (int) w2d.size(0);
        double[] absMax = rowAbsMax(w2d, spec);
        int groups = switch (spec.granularity()) {
            case PER_TENSOR -> 1;
            case PER_CHANNEL -> rows;
            case PER_GROUP -> spec.groups();
        };
        if (groups > rows) {
            throw new IllegalArgumentException("cannot split " + rows + " rows into " + groups + " groups");
        }
        QuantRange range = spec.range();
        double[] scales = new double[rows];
        for (int g = 0; g < groups; g++) {
            int from = groupStart(g, groups, rows);
            int to = groupStart(g + 1, groups, rows);
            double m = 0;
            for (int r = from; r < to; r++) {
                m = Math.max(m, absMax[r]);
            }
            double s = AffineQuantParams.symmetric(-m, m, range).scale();
            for (int r = from; r < to; r++) {
                scales[r] = s;
            }
        }
        return Nd4j.createFromArray(scales).castTo(w2d.dataType()).reshape(rows, 1);
    }

    /**
     * First row of group {@code g} when {@code rows} rows are split into {@code groups} contiguous
     * groups of (nearly) equal size.
     *
     * @param g group index, 0..groups
     * @param groups number of groups
     * @param rows number of rows
     * @return the first row of the group ({@code rows} for {@code g == groups})
     */
    public static int groupStart(int g, int groups, int rows) {
        return (int) ((long) g * rows / groups);
    }

    /**
     * Fake-quantizes weights viewed as {@code [rows, K]}.
     *
     * @param w2d weights
     * @param spec weight spec
     * @param withMask also compute the clipped-STE mask
     * @return fake-quantized weights {@code [rows, K]} and the optional mask
     */
    public static FakeQuant.Masked apply(INDArray w2d, QuantSpec spec, boolean withMask) {
        return apply(w2d, rowScales(w2d, spec), spec, withMask);
    }

    /**
     * Fake-quantizes weights viewed as {@code [rows, K]} with scales already computed.
     *
     * @param w2d weights
     * @param scales {@link #rowScales} of {@code w2d} and {@code spec}
     * @param spec weight spec
     * @param withMask also compute the clipped-STE mask
     * @return fake-quantized weights {@code [rows, K]} and the optional mask
     */
    public static FakeQuant.Masked apply(INDArray w2d, INDArray scales, QuantSpec spec, boolean withMask) {
        QuantRange r = spec.range();
        return FakeQuant.applyPerRow(w2d, scales, r.qMin(), r.qMax(), withMask);
    }

    private static double[] rowAbsMax(INDArray w2d, QuantSpec spec) {
        int rows = (int) w2d.size(0);
        double[] out = new double[rows];
        if (spec.observer().kind() == ObserverKind.PERCENTILE && spec.observer().percentile() > 0) {
            if (spec.granularity() == Granularity.PER_TENSOR) {
                double[] lh = Percentiles.lowHigh(w2d, spec.observer().percentile());
                java.util.Arrays.fill(out, Math.max(Math.abs(lh[0]), Math.abs(lh[1])));
                return out;
            }
            for (int r = 0; r < rows; r++) {
                double[] lh = Percentiles.lowHigh(w2d.getRow(r), spec.observer().percentile());
                out[r] = Math.max(Math.abs(lh[0]), Math.abs(lh[1]));
            }
            return out;
        }
        INDArray m = Transforms.abs(w2d, true).max(1);
        return m.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
    }
}
