package io.qat4j.quant.math;

import io.qat4j.quant.spec.ObserverSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Updates an observed real range from a batch, for the observers of {@link ObserverSpec}.
 *
 * <p>The state is a 3-element view {@code [min, max, batchesSeen]} inside a layer's parameter
 * vector, so that checkpoints and Spark parameter averaging carry it (DESIGN.md section 6).
 * Until a first batch has been seen the state holds {@code [0, 0, 0]}.
 */
public final class RangeObserver {

    /** Index of the observed minimum in the state view. */
    public static final int MIN = 0;
    /** Index of the observed maximum in the state view. */
    public static final int MAX = 1;
    /** Index of the number of batches seen in the state view. */
    public static final int COUNT = 2;
    /** Size of the state view. */
    public static final int STATE_SIZE = 3;

    private RangeObserver() {
    }

    /**
     * Observes one batch and updates the state in place.
     *
     * @param spec the observer
     * @param x the batch (any shape)
     * @param state {@code [min, max, batchesSeen]}, updated in place
     */
    public static void observe(ObserverSpec spec, INDArray x, INDArray state) {
        observeRange(spec, batchRange(spec, x), state);
    }

    /**
     * Updates the state with a batch range already computed by {@link #batchRange} (or, for
     * min/max and EMA observers, by any pass that found the batch's minimum and maximum).
     *
     * @param spec the observer
     * @param batch {@code {low, high}} of the batch
     * @param state {@code [min, max, batchesSeen]}, updated in place
     */
    public static void observeRange(ObserverSpec spec, double[] batch, INDArray state) {
        double count = state.getDouble(COUNT);
        double min = state.getDouble(MIN);
        double max = state.getDouble(MAX);
        if (count == 0) {
            min = batch[0];
            max = batch[1];
        } else {
            switch (spec.kind()) {
                case MIN_MAX, PERCENTILE -> {
                    min = Math.min(min, batch[0]);
                    max = Math.max(max, batch[1]);
                }
                case EMA_MIN_MAX -> {
                    min += spec.momentum() * (batch[0] - min);
                    max += spec.momentum() * (batch[1] - max);
                }
                default -> throw new IllegalStateException("unknown observer " + spec.kind());
            }
        }
        state.putScalar(MIN, min);
        state.putScalar(MAX, max);
        state.putScalar(COUNT, count + 1);
    }

    /**
     * The range of one batch as the observer sees it: min and max, or the two percentiles unless
     * they coincide ({@link #percentileRange}).
     *
     * @param spec the observer
     * @param x the batch
     * @return {@code {low, high}}
     */
    public static double[] batchRange(ObserverSpec spec, INDArray x) {
        if (needsTensor(spec)) {
            double[] percentiles = Percentiles.lowHigh(x, spec.percentile());
            if (percentiles[0] < percentiles[1]) {
                return percentiles;
            }
        }
        return new double[] {x.minNumber().doubleValue(), x.maxNumber().doubleValue()};
    }

    /**
     * The batch range of a percentile observer from its two percentiles and the batch's minimum and
     * maximum: the percentiles, unless they coincide. Percentiles that coincide leave no range to
     * quantize into: a tensor that holds one value in more than {@code 1 - 2p} of its entries loses
     * every other value to the clamp. Sparse node features are such tensors: Cora's bag-of-words
     * features are 98.7% zeros, so both 1% percentiles are 0 and every feature would quantize to 0.
     * The batch's minimum and maximum are taken then, as a min/max observer would.
     *
     * @param percentiles {@code {low, high}} percentiles of the batch
     * @param minMax {@code {min, max}} of the batch
     * @return {@code percentiles} when {@code low < high}, else {@code minMax}
     */
    public static double[] percentileRange(double[] percentiles, double[] minMax) {
        return percentiles[0] < percentiles[1] ? percentiles : minMax;
    }

    /**
     * @param spec the observer
     * @return whether the batch range needs the whole tensor (percentiles) rather than its min and max
     */
    public static boolean needsTensor(ObserverSpec spec) {
        return spec.kind() == io.qat4j.quant.spec.ObserverKind.PERCENTILE && spec.percentile() > 0;
    }

    /**
     * @param state observer state
     * @return whether at least one batch has been observed
     */
    public static boolean initialized(INDArray state) {
        return state.getDouble(COUNT) > 0;
    }
}
