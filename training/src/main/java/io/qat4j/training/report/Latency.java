package io.qat4j.training.report;

import java.util.Arrays;

/**
 * The latency of one task over many timed runs after a warm-up: the median and, as its spread, the
 * 10th and 90th percentiles (nearest rank: the {@code ceil(p n)}-th smallest time). A single timing
 * on a shared machine can be off by an order of magnitude; the median of many is not, and the
 * spread shows how noisy the machine was (JMH reports percentiles the same way).
 *
 * @param p10 10th percentile, milliseconds
 * @param median 50th percentile, milliseconds
 * @param p90 90th percentile, milliseconds
 * @param runs timed runs
 */
public record Latency(double p10, double median, double p90, int runs) {

    /**
     * @param millis the times of the runs, in any order
     * @return their percentiles
     * @throws IllegalArgumentException without any time
     */
    public static Latency of(double[] millis) {
        if (millis.length == 0) {
            throw new IllegalArgumentException("no timed runs");
        }
        double[] t = millis.clone();
        Arrays.sort(t);
        return new Latency(nearestRank(t, 0.1), nearestRank(t, 0.5), nearestRank(t, 0.9), t.length);
    }

    private static double nearestRank(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    /**
     * Times two tasks alternately, so that a change of the machine's load affects both alike and
     * their ratio stays meaningful: {@code warmups} untimed runs of each, then {@code runs} timed
     * runs of each, {@code a} then {@code b}.
     *
     * @param a first task
     * @param b second task
     * @param warmups untimed runs of each first (JIT compilation, caches, allocation)
     * @param runs timed runs of each, at least 1
     * @return the latency of {@code a}, then of {@code b}
     */
    public static Latency[] interleaved(Runnable a, Runnable b, int warmups, int runs) {
        for (int i = 0; i < warmups; i++) {
            a.run();
            b.run();
        }
        double[] ta = new double[runs];
        double[] tb = new double[runs];
        for (int i = 0; i < runs; i++) {
            ta[i] = millis(a);
            tb[i] = millis(b);
        }
        return new Latency[] {of(ta), of(tb)};
    }

    /**
     * {@link #interleaved} with as many runs as fit a time budget, between {@code minRuns} and
     * {@code maxRuns}: one run of each, timed, sets the count (and is the first warm-up); a tenth
     * as many warm-ups follow. Large inputs (a whole graph per run) then take seconds, not minutes,
     * while small ones keep {@code maxRuns}.
     *
     * @param a first task
     * @param b second task
     * @param minRuns fewest timed runs of each, at least 1
     * @param maxRuns most timed runs of each
     * @param budgetMillis the time the timed runs of both should take together
     * @return the latency of {@code a}, then of {@code b}
     */
    public static Latency[] interleavedWithin(Runnable a, Runnable b, int minRuns, int maxRuns, double budgetMillis) {
        double pair = millis(a) + millis(b);
        int runs = (int) Math.max(minRuns, Math.min(maxRuns, Math.floor(budgetMillis / Math.max(pair, 1e-6))));
        return interleaved(a, b, Math.max(0, runs / 10 - 1), runs);
    }

    private static double millis(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    /** @return e.g. {@code "0.412 ms (p10-p90 0.398-0.471)"} */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "%8.3f ms (p10-p90 %.3f-%.3f)", median, p10, p90);
    }
}
