package io.qat4j.quant.layers;

import java.util.Set;

/**
 * Parameter keys of the quantized layers.
 */
public final class QuantParams {

    private QuantParams() {
    }

    /** Weights (trained). */
    public static final String WEIGHT = "W";
    /** Bias (trained), absent when batch norm is folded. */
    public static final String BIAS = "b";
    /** Batch-norm scale gamma (trained). */
    public static final String GAMMA = "gamma";
    /** Batch-norm shift beta (trained). */
    public static final String BETA = "beta";
    /** Batch-norm running mean (state). */
    public static final String RUNNING_MEAN = "runMean";
    /** Batch-norm running variance (state). */
    public static final String RUNNING_VAR = "runVar";
    /** Output observer state {@code [min, max, batchesSeen]}. */
    public static final String OUTPUT_RANGE = "outRange";

    /** Keys of state that is not trained by gradients and gets a no-op updater. */
    public static final Set<String> STATE = Set.of(RUNNING_MEAN, RUNNING_VAR, OUTPUT_RANGE);

    /**
     * @param key a parameter key
     * @return whether the parameter is observer or batch-norm state rather than a trained value
     */
    public static boolean isState(String key) {
        return STATE.contains(key);
    }
}
