package io.qat4j.quant.math;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Lower and upper percentiles of a tensor, as Degree-Quant's percentile range tracking uses them
 * (camlsys/degree-quant {@code dq/quantization.py}, {@code torch.kthvalue} on the flattened tensor).
 */
public final class Percentiles {

    private Percentiles() {
    }

    /**
     * The values at ranks {@code round(p * (n-1))} and {@code round((1-p) * (n-1))} of the sorted
     * elements (nearest rank, no interpolation).
     *
     * @param x any array
     * @param p lower tail fraction in {@code [0, 0.5)}
     * @return {@code {low, high}}
     */
    public static double[] lowHigh(INDArray x, double p) {
        double[] v = x.dup().data().asDouble();
        if (v.length == 0) {
            return new double[] {0, 0};
        }
        Arrays.sort(v);
        int n = v.length;
        int lo = (int) Math.round(p * (n - 1));
        int hi = (int) Math.round((1 - p) * (n - 1));
        return new double[] {v[lo], v[hi]};
    }
}
