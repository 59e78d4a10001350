package io.qat4j.quant.spec;

/**
 * How the real range of a tensor is estimated.
 */
public enum ObserverKind {
    /**
     * Running minimum and maximum over all observed batches; for weights, the minimum and maximum
     * of the current tensor.
     */
    MIN_MAX,
    /**
     * Exponential moving average of per-batch minimum and maximum,
     * {@code r <- r + momentum * (r_batch - r)} (Jacob et al., CVPR 2018, section 3.1;
     * PyTorch {@code MovingAverageMinMaxObserver}).
     */
    EMA_MIN_MAX,
    /**
     * Per-batch lower and upper percentiles, kept as a running minimum and maximum (Degree-Quant,
     * Tailor et al., ICLR 2021, section 4: percentiles 0.001 for INT8, 0.01 for INT4).
     */
    PERCENTILE
}
