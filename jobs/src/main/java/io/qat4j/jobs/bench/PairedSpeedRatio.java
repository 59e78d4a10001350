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
 * <p>Warm-up: after {@code warmupRounds} alternating rounds, each engine runs alone until it is
 * steady, its last {@value #STEADY_WINDOW} per-call medians within a factor {@value #STEADY_SPREAD}
 * of each other, for at most {@code maxWarmupRounds} rounds (the result says which engines got
 * there). A fixed warm-up was too short for the executor's Java path: until C2 has compiled its
 * Vector API kernels they run as Java fallbacks, hundreds of times slower (W8A8 CNN, batch 1, one
 * thread, windows of 500 ms: 677, 283, 56, 0.9, then 0.2 ms per call; with two threads 2.5 s
 * before 0.2 ms), and the five alternating rounds of 300 ms give it 1.5 s. A C2 compilation that
 * leaves a kernel slow for good is not a warm-up matter; it shows as a steady engine at that speed.
 *
 * @param rounds measured rounds
 * @param roundMillis time per engine per round
 * @param warmupRounds alternating rounds run first and discarded (JIT, caches)
 * @param maxWarmupRounds most rounds per engine of the warm-up until steady, then measured anyway
 */
public record PairedSpeedRatio(int rounds, int roundMillis, int warmupRounds, int maxWarmupRounds) {

    /** Per-call medians of consecutive rounds compared to call an engine steady. */
    public static final int STEADY_WINDOW = 3;
    /** Largest ratio of the largest to the smallest of those medians for a steady engine. */
    public static final double STEADY_SPREAD = 1.1;

    /** @throws IllegalArgumentException on a count below 1, a negative warm-up or fewer warm-up rounds until steady than {@link #STEADY_WINDOW} */
    public PairedSpeedRatio {
        if (rounds < 1 || roundMillis < 1 || warmupRounds < 0 || maxWarmupRounds < STEADY_WINDOW) {
            throw new IllegalArgumentException("rounds and round time must be >= 1, warm-up rounds >= 0 and the most warm-up rounds"
                    + " until steady >= " + STEADY_WINDOW + ", got " + rounds + ", " + roundMillis + ", " + warmupRounds + ", "
                    + maxWarmupRounds);
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
     * @param warmupA rounds A ran alone before it was steady, or -1 when it was not within the most allowed
     * @param warmupB the same for B
     */
    public record Result(double millisA, double millisB, double speedOfA, double lowerQuartile, double upperQuartile, int warmupA,
                         int warmupB) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f ms vs %.3f ms, speed ratio %.2f (quartiles %.2f-%.2f; %s, %s)", millisA, millisB,
                    speedOfA, lowerQuartile, upperQuartile, steadiness("A", warmupA), steadiness("B", warmupB));
        }

        private static String steadiness(String engine, int rounds) {
            return rounds < 0 ? engine + " NOT steady after its warm-up" : engine + " steady after " + rounds + " rounds alone";
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
        for (int k = 0; k < warmupRounds; k++) {
            medianMillis(a);
            medianMillis(b);
        }
        int warmupA = warmUntilSteady(a);
        int warmupB = warmUntilSteady(b);
        for (int k = 0; k < rounds; k++) {
            double ta = medianMillis(a);
            double tb = medianMillis(b);
            ma[k] = ta;
            mb[k] = tb;
            ratio[k] = tb / ta;
        }
        return new Result(median(ma), median(mb), median(ratio), quantile(ratio, 0.25), quantile(ratio, 0.75), warmupA, warmupB);
    }

    /**
     * Runs rounds of {@code f} alone until its last {@link #STEADY_WINDOW} per-call medians are
     * within {@link #STEADY_SPREAD} of each other.
     *
     * @return the rounds it took, or -1 when {@link #maxWarmupRounds} were not enough
     */
    private int warmUntilSteady(Callable<?> f) throws Exception {
        double[] last = new double[STEADY_WINDOW];
        for (int r = 0; r < maxWarmupRounds; r++) {
            last[r % STEADY_WINDOW] = medianMillis(f);
            if (r + 1 >= STEADY_WINDOW && steady(last)) {
                return r + 1;
            }
        }
        return -1;
    }

    /** @return whether the largest of the medians is at most {@link #STEADY_SPREAD} times the smallest */
    static boolean steady(double[] medians) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double m : medians) {
            min = Math.min(min, m);
            max = Math.max(max, m);
        }
        return max <= STEADY_SPREAD * min;
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
