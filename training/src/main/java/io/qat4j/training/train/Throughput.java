package io.qat4j.training.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * The throughput of a run's training steps, for its summary line and for benchmarks: examples over
 * the wall time of the runner's {@code fit} calls (no data loading, listeners, checkpoints,
 * evaluation or export), and the median over rounds of each round's examples per second, which
 * leaves out the slow first rounds (JIT compilation, a Spark executor loading ND4J and building its
 * network) and pauses that a short benchmark run would otherwise average in.
 */
final class Throughput {

    private long examples;
    private double seconds;
    private double[] roundRates = new double[64];
    private int rounds;

    /**
     * @param roundExamples examples of one round's steps
     * @param roundSeconds its wall time
     */
    void addRound(long roundExamples, double roundSeconds) {
        examples += roundExamples;
        seconds += roundSeconds;
        if (roundSeconds > 0) {
            if (rounds == roundRates.length) {
                roundRates = Arrays.copyOf(roundRates, rounds * 2);
            }
            roundRates[rounds++] = roundExamples / roundSeconds;
        }
    }

    /** @return the median of the rounds' examples per second, 0 without rounds */
    double medianRoundRate() {
        if (rounds == 0) {
            return 0;
        }
        double[] r = Arrays.copyOf(roundRates, rounds);
        Arrays.sort(r);
        return rounds % 2 == 1 ? r[rounds / 2] : (r[rounds / 2 - 1] + r[rounds / 2]) / 2;
    }

    /**
     * @return the summary's last line, {@code throughput: 1234.5 examples/s (N examples in S s of
     *     training steps; median round 1300.2 examples/s)}, which benchmarks parse
     */
    String line() {
        return String.format(Locale.ROOT, "throughput: %.1f examples/s (%d examples in %.3f s of training steps;"
                + " median round %.1f examples/s)", seconds > 0 ? examples / seconds : 0.0, examples, seconds,
                medianRoundRate());
    }
}
