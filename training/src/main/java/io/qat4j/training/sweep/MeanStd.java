package io.qat4j.training.sweep;

import java.util.List;

/**
 * Mean and sample standard deviation of a sweep's figure: {@code std = sqrt(sum (x - mean)^2 / (n - 1))}
 * (Bessel's correction, as {@code numpy.std(ddof=1)}; NaN for a single value).
 *
 * @param n values
 * @param mean their mean
 * @param std their sample standard deviation (n-1), NaN when {@code n < 2}
 */
public record MeanStd(int n, double mean, double std) {

    /** What {@link #std} is, as the sweep files say it. */
    public static final String DEFINITION = "sample standard deviation (n-1)";

    /**
     * @param values at least one value
     * @return their mean and sample standard deviation
     * @throws IllegalArgumentException for no values
     */
    public static MeanStd of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.size();
        if (values.size() < 2) {
            return new MeanStd(1, mean, Double.NaN);
        }
        double sq = 0;
        for (double v : values) {
            sq += (v - mean) * (v - mean);
        }
        return new MeanStd(values.size(), mean, Math.sqrt(sq / (values.size() - 1)));
    }
}
