package io.qat4j.training.distributed;

import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.ObserverSpec;

/**
 * How the observer states {@code [min, max, batchesSeen]} ({@link RangeObserver}) of one quantizer
 * on N workers become one state, chosen by the observer's spec ({@link #of(ObserverSpec)}).
 *
 * <p>Common to every rule: only workers whose observer has seen data ({@code batchesSeen > 0})
 * take part, so an uninitialised observer, which holds {@code [0, 0, 0]}, never pulls a merged
 * range towards 0; when no worker's observer has seen data the merged state is the uninitialised
 * {@code [0, 0, 0]}. {@code batchesSeen} merges to the maximum over workers (see
 * {@link WorkerStateMerge} for why).
 */
public enum ObserverMergeRule {

    /**
     * Minimum of the minima and maximum of the maxima, for running min/max and percentile
     * observers: both keep the running extremes of per-batch values (the batch's minimum and
     * maximum, or its two percentiles), and min and max are associative and commutative, so the
     * merged range is exactly the one a single observer would hold after seeing every worker's
     * batches.
     */
    EXTREMES {
        @Override
        double mergeMin(double a, double b) {
            return Math.min(a, b);
        }

        @Override
        double mergeMax(double a, double b) {
            return Math.max(a, b);
        }

        @Override
        double finish(double merged, int workers) {
            return merged;
        }
    },

    /**
     * Mean of the minima and mean of the maxima, for EMA observers ({@code r <- r + m (r_batch -
     * r)}). The update is linear: N workers starting from the same broadcast state and applying
     * the same number of updates end, on average, exactly where one EMA with the same momentum
     * would end that was fed at each step the mean over workers of the batch ranges. The mean is
     * summed in double and rounded to the parameter type once.
     */
    MEAN {
        @Override
        double mergeMin(double a, double b) {
            return a + b;
        }

        @Override
        double mergeMax(double a, double b) {
            return a + b;
        }

        @Override
        double finish(double merged, int workers) {
            return merged / workers;
        }
    };

    abstract double mergeMin(double a, double b);

    abstract double mergeMax(double a, double b);

    abstract double finish(double merged, int workers);

    /**
     * @param spec an observer spec, from a layer's {@link io.qat4j.quant.layers.QuantizedLayer#activationQuantizers()}
     * @return the rule for its kind (exhaustive: a new observer kind does not compile without a rule)
     */
    public static ObserverMergeRule of(ObserverSpec spec) {
        return switch (spec.kind()) {
            case MIN_MAX, PERCENTILE -> EXTREMES;
            case EMA_MIN_MAX -> MEAN;
        };
    }

    /**
     * Merges the workers' states of one observer.
     *
     * @param states each worker's {@code [min, max, batchesSeen]}, in worker order
     * @return the merged {@code [min, max, batchesSeen]}
     */
    public double[] merge(double[][] states) {
        double min = 0;
        double max = 0;
        double seen = 0;
        int initialized = 0;
        for (double[] s : states) {
            if (s.length != RangeObserver.STATE_SIZE) {
                throw new IllegalArgumentException("observer state must have " + RangeObserver.STATE_SIZE
                        + " values [min, max, batchesSeen], got " + s.length);
            }
            if (!(s[RangeObserver.COUNT] > 0)) {
                continue;
            }
            min = initialized == 0 ? s[RangeObserver.MIN] : mergeMin(min, s[RangeObserver.MIN]);
            max = initialized == 0 ? s[RangeObserver.MAX] : mergeMax(max, s[RangeObserver.MAX]);
            seen = Math.max(seen, s[RangeObserver.COUNT]);
            initialized++;
        }
        if (initialized == 0) {
            return new double[RangeObserver.STATE_SIZE];
        }
        return new double[] {finish(min, initialized), finish(max, initialized), seen};
    }
}
