package io.qat4j.quant.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The selection of {@link Percentiles} returns exactly the values at the nearest ranks of the
 * sorted tensor, on the shapes of data that defeat a sampled threshold: ties at the percentile
 * (ReLU outputs, codes), constant tensors, sorted and reverse-sorted tensors whose evenly spaced
 * sample is exact, heavy tails, and sizes around the point where the selection takes over.
 */
class PercentilesTest {

    private static final double[] PS = {0.0, 0.001, 0.01, 0.05, 0.1, 0.3, 0.49};

    private static void agreesWithSort(String what, int n, IntToDoubleFunction value) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) value.applyAsDouble(i);
        }
        for (double p : PS) {
            double[] sorted = new double[n];
            for (int i = 0; i < n; i++) {
                sorted[i] = v[i];
            }
            double[] expected = Percentiles.sortedLowHigh(sorted, p);
            assertArrayEquals(expected, Percentiles.lowHigh(v.clone(), n, p), 0.0, what + ", n " + n + ", p " + p);
            INDArray x = Nd4j.createFromArray(v).reshape(n / 8, 8);
            assertArrayEquals(expected, Percentiles.lowHigh(x, p), 0.0, what + " as a FLOAT tensor, p " + p);
            assertArrayEquals(expected, Percentiles.lowHigh(x.castTo(DataType.DOUBLE), p), 0.0, what + " as DOUBLE, p " + p);
        }
    }

    @Test
    void selectionEqualsTheSortedRanks() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n : new int[] {8, 8 * 1023, 16 * Percentiles.SAMPLE, 16 * Percentiles.SAMPLE + 8, 100_000, 400_000}) {
            double[] gauss = new double[n];
            for (int i = 0; i < n; i++) {
                gauss[i] = r.nextGaussian();
            }
            agreesWithSort("gaussian", n, i -> gauss[i]);
            agreesWithSort("relu of gaussian (half zeros)", n, i -> Math.max(0, gauss[i]));
            agreesWithSort("8-bit codes (ties everywhere)", n, i -> Math.rint(gauss[i] * 20));
            agreesWithSort("constant", n, i -> 1.5);
            agreesWithSort("sorted", n, i -> i);
            agreesWithSort("reverse sorted", n, i -> -i);
            agreesWithSort("heavy tail", n, i -> Math.pow(Math.abs(gauss[i]), 6) * Math.signum(gauss[i]));
            agreesWithSort("one huge outlier per block", n, i -> i % 4096 == 17 ? 1e6 : gauss[i]);
        }
    }

    @Test
    void aSampleThatMissesTheTailFallsBackToTheSort() {
        // the evenly spaced sample (stride n / 4096) sees only the large values, the small ones sit
        // between the sample positions: the threshold is far above the 0.001 rank, and the result is
        // still the sorted one
        int n = 4096 * 64;
        float[] v = new float[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 64 == 0 ? 1000f + i : (float) (-i);
            // and the other way round: the sample sees only the smallest values, so too few lie below
            // the threshold
            w[i] = i % 64 == 0 ? -1000f - i : (float) i;
        }
        for (float[] a : new float[][] {v, w}) {
            float[] copy = a.clone();
            Arrays.sort(copy);
            int lo = (int) Math.round(0.001 * (n - 1));
            int hi = (int) Math.round(0.999 * (n - 1));
            assertArrayEquals(new double[] {copy[lo], copy[hi]}, Percentiles.lowHigh(a, n, 0.001), 0.0);
        }
    }

    @Test
    void noValuesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Percentiles.lowHigh(new float[0], 0, 0.01));
        assertArrayEquals(new double[] {0, 0}, Percentiles.lowHigh(Nd4j.create(DataType.FLOAT, 0), 0.01), 0.0);
    }
}
