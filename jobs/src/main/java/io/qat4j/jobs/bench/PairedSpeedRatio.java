package io.qat4j.jobs.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The speed ratio of two engines measured in alternating rounds in one process, for noisy machines:
 * JMH times one benchmark after another, so a slow minute of a shared host lands on one engine
 * only and the ratio of two medians moves with it (on the 2-vCPU development machines the same
 * executor benchmark gave medians from 7 to 12 ms at batch 64 in different runs). Here each round
 * times engine A for a fixed span, then engine B for the same span, after warm-up rounds; the ratio
 * of the two per-call medians is taken per round, and its median and quartiles over the rounds are
 * reported: a paired design in which a drift of the host cancels out.
 *
 * @param rounds measured rounds
 * @param roundMillis time per engine per round
 * @param warmupRounds rounds run first and discarded (JIT, caches)
 */
public record PairedSpeedRatio(int rounds, int roundMillis, int warmupRounds) {

    /** @throws IllegalArgumentException on a count below 1 or a negative warm-up */
    public PairedSpeedRatio {
        if (rounds < 1 || roundMillis < 1 || warmupRounds < 0) {
            throw new IllegalArgumentException("rounds and round time must be >= 1 and warm-up rounds >= 0, got " + rounds + ", "
                    + roundMillis + ", " + warmupRounds);
        }
    }

    /**
     * The outcome: per-call medians of each engine (medians over the rounds) and the ratio
     * {@code median(B) / median(A)} per round: how many times faster A is than B.
     *
     * @param millisA median over the rounds of A's per-call median, ms
     * @param millisB the same for B
     * @param speedOfA median over the rounds of {@code B / A}
     * @param lowerQuartile its lower quartile over the rounds
     * @param upperQuartile its upper quartile
     */
    public record Result(double millisA, double millisB, double speedOfA, double lowerQuartile, double upperQuartile) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f ms vs %.3f ms, speed ratio %.2f (quartiles %.2f-%.2f)", millisA, millisB, speedOfA,
                    lowerQuartile, upperQuartile);
        }
    }

    /**
     * @param a engine A, one call
     * @param b engine B, one call
     * @return the ratio of their speeds
     * @throws Exception what a call throws
     */
    public Result measure(Callable<?> a, Callable<?> b) throws Exception {
        double[] ma = new double[rounds];
        double[] mb = new double[rounds];
        double[] ratio = new double[rounds];
        for (int k = -warmupRounds; k < rounds; k++) {
            double ta = medianMillis(a);
            double tb = medianMillis(b);
            if (k >= 0) {
                ma[k] = ta;
                mb[k] = tb;
                ratio[k] = tb / ta;
            }
        }
        return new Result(median(ma), median(mb), median(ratio), quantile(ratio, 0.25), quantile(ratio, 0.75));
    }

    /** Calls {@code f} for {@link #roundMillis} (at least three times) and returns the median call, ms. */
    private double medianMillis(Callable<?> f) throws Exception {
        double[] t = new double[64];
        int n = 0;
        long end = System.nanoTime() + roundMillis * 1_000_000L;
        while (n < 3 || System.nanoTime() < end) {
            long t0 = System.nanoTime();
            Object sink = f.call();
            t0 = System.nanoTime() - t0;
            if (sink == null) {
                throw new IllegalStateException("an engine returned nothing");
            }
            if (n == t.length) {
                t = Arrays.copyOf(t, 2 * n);
            }
            t[n++] = t0 / 1e6;
        }
        return median(Arrays.copyOf(t, n));
    }

    static double median(double[] values) {
        return quantile(values, 0.5);
    }

    /** The value at rank {@code floor(q * (n - 1))} of the sorted values (the lower median for even counts). */
    static double quantile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[(int) Math.floor(q * (s.length - 1))];
    }
}
