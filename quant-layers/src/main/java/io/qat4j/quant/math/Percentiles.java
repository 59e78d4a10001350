package io.qat4j.quant.math;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Lower and upper percentiles of a tensor, as Degree-Quant's percentile range tracking uses them
 * (camlsys/degree-quant {@code dq/quantization.py}, {@code torch.kthvalue} on the flattened tensor).
 *
 * <p>The ranks are exact (nearest rank, no interpolation). FLOAT tensors of at least
 * {@code 16 * SAMPLE} values (smaller ones are sorted, as fast at that size) take a selection in one
 * pass instead of a sort (Floyd and Rivest, CACM 18(3), 1975, algorithm SELECT's idea): a sorted
 * sample of {@value #SAMPLE} evenly spaced elements gives a threshold below which the lower rank
 * lies with high probability; one pass counts the elements below and equal to it and collects the
 * few below, and only those are sorted (the same for the upper tail). When the sample misleads
 * (the counts show the rank is not where the threshold says), the whole tensor is sorted, so the
 * result is always the one of {@link #sortedLowHigh}. Degree-Quant's percentiles 0.001 and 0.01 of
 * a message tensor of 8 million values (REDDIT-BINARY, batch 128, hidden 64) take milliseconds this
 * way instead of the second a sort takes.
 */
public final class Percentiles {

    /** Size of the evenly spaced sample that places the tail thresholds. */
    static final int SAMPLE = 4096;

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
        if (x.length() == 0) {
            return new double[] {0, 0};
        }
        if (x.dataType() == DataType.FLOAT && x.length() < Integer.MAX_VALUE) {
            float[] v = FloatKernels.read(FloatKernels.contiguous(x));
            return lowHigh(v, v.length, p);
        }
        return sortedLowHigh(x.dup().data().asDouble(), p);
    }

    /**
     * The values at ranks {@code round(p * (n-1))} and {@code round((1-p) * (n-1))} of the sorted
     * first {@code n} elements of {@code v}.
     *
     * @param v values; the first {@code n} may be reordered
     * @param n number of values, at least 1
     * @param p lower tail fraction in {@code [0, 0.5)}
     * @return {@code {low, high}}
     */
    public static double[] lowHigh(float[] v, int n, double p) {
        if (n < 1) {
            throw new IllegalArgumentException("percentiles of no values");
        }
        int lo = (int) Math.round(p * (n - 1));
        int hi = (int) Math.round((1 - p) * (n - 1));
        if (lo == 0 && hi == n - 1) {
            float min = v[0];
            float max = v[0];
            for (int i = 1; i < n; i++) {
                min = Math.min(min, v[i]);
                max = Math.max(max, v[i]);
            }
            return new double[] {min, max};
        }
        if (n >= 16 * SAMPLE && 8L * (lo + 1) < n && 8L * (n - hi) < n) {
            double[] tails = tails(v, n, lo, hi);
            if (tails != null) {
                return tails;
            }
        }
        Arrays.sort(v, 0, n);
        return new double[] {v[lo], v[hi]};
    }

    /**
     * Reference: sorts the values.
     *
     * @param v values, sorted in place
     * @param p lower tail fraction
     * @return {@code {low, high}} at the nearest ranks
     */
    static double[] sortedLowHigh(double[] v, double p) {
        Arrays.sort(v);
        int n = v.length;
        int lo = (int) Math.round(p * (n - 1));
        int hi = (int) Math.round((1 - p) * (n - 1));
        return new double[] {v[lo], v[hi]};
    }

    /**
     * The tail selection: thresholds from a sorted sample, one counting and collecting pass, a sort
     * of the collected values.
     *
     * @return {@code {low, high}}, or null when a threshold missed its rank
     */
    private static double[] tails(float[] v, int n, int lo, int hi) {
        float[] sample = new float[SAMPLE];
        long stride = n / SAMPLE;
        for (int i = 0; i < SAMPLE; i++) {
            sample[i] = v[(int) (i * stride)];
        }
        Arrays.sort(sample);
        // expected sample ranks of the wanted ranks, widened so the wanted element lies beyond the
        // threshold unless the sample is off by many standard deviations (Poisson: ~sqrt(mean))
        double qLo = (lo + 1.0) * SAMPLE / n;
        double qHi = (n - hi) * (double) SAMPLE / n;
        float tLow = sample[Math.min(SAMPLE - 1, (int) Math.ceil(2 * qLo + 10))];
        float tHigh = sample[Math.max(0, SAMPLE - 1 - (int) Math.ceil(2 * qHi + 10))];
        if (!(tLow < tHigh)) {
            return null;
        }
        int cap = (int) Math.min(n / 4, 16L * (lo + 1 + n - hi) + 4 * (long) SAMPLE);
        float[] below = new float[cap];
        float[] above = new float[cap];
        int nBelow = 0;
        int nAbove = 0;
        int eqLow = 0;
        int eqHigh = 0;
        for (int i = 0; i < n; i++) {
            float x = v[i];
            // ties at a threshold are common (ReLU zeros): counted without a branch
            eqLow += x == tLow ? 1 : 0;
            eqHigh += x == tHigh ? 1 : 0;
            if (x < tLow || x > tHigh) { // rare: the tails beyond the thresholds
                if (x < tLow) {
                    if (nBelow == cap) {
                        return null;
                    }
                    below[nBelow++] = x;
                } else {
                    if (nAbove == cap) {
                        return null;
                    }
                    above[nAbove++] = x;
                }
            }
        }
        double low;
        if (lo < nBelow) {
            Arrays.sort(below, 0, nBelow);
            low = below[lo];
        } else if (lo < nBelow + eqLow) {
            low = tLow;
        } else {
            return null;
        }
        int fromTop = n - 1 - hi;
        double high;
        if (fromTop < nAbove) {
            Arrays.sort(above, 0, nAbove);
            high = above[nAbove - 1 - fromTop];
        } else if (fromTop < nAbove + eqHigh) {
            high = tHigh;
        } else {
            return null;
        }
        return new double[] {low, high};
    }
}
