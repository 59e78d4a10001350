package io.qat4j.quant.spec;

/**
 * When quantization switches on and when its statistics freeze, in training iterations (the
 * network's iteration count, which checkpoints carry).
 *
 * <p>Follows the QAT recipe of Jacob et al. (CVPR 2018, section 3) and Krishnamoorthi
 * (arXiv:1806.08342, section 3.3): train in float first, then fake-quantize; freeze the observers
 * and the batch-norm statistics late in training so that the final steps train against the
 * scales that will be exported.
 *
 * @param fp32WarmupSteps fake quantization is off before this step; observers observe already
 * @param freezeObserversStep observer ranges stop updating from this step; negative: never
 * @param freezeBatchNormStep batch norm uses its running statistics (folded form) from this
 *     step; negative: never during training
 */
public record QuantSchedule(long fp32WarmupSteps, long freezeObserversStep, long freezeBatchNormStep) {

    /** Where a step is in the schedule, for progress displays and run summaries. */
    public enum Phase {
        /** Fake quantization is off; observers already observe. */
        FLOAT_WARMUP,
        /** Fake quantization is on and observers still update. */
        QUANTIZING,
        /** Fake quantization is on and observer ranges are frozen. */
        FROZEN
    }

    /** Quantize from the first step, never freeze. */
    public static final QuantSchedule ALWAYS = new QuantSchedule(0, -1, -1);
    /** Never quantize: the float baseline and the gradient check use it. */
    public static final QuantSchedule NEVER = new QuantSchedule(Long.MAX_VALUE, -1, -1);

    /** @throws IllegalArgumentException if the warm-up is negative */
    public QuantSchedule {
        if (fp32WarmupSteps < 0) {
            throw new IllegalArgumentException("fp32WarmupSteps must be >= 0, got " + fp32WarmupSteps);
        }
    }

    /**
     * @param step iteration
     * @return whether fake quantization is applied at that step
     */
    public boolean quantizing(long step) {
        return step >= fp32WarmupSteps;
    }

    /**
     * @param step iteration
     * @return {@link Phase#FLOAT_WARMUP} before the warm-up ends, then {@link Phase#QUANTIZING}
     *     while observers update, then {@link Phase#FROZEN}
     */
    public Phase phase(long step) {
        if (!quantizing(step)) {
            return Phase.FLOAT_WARMUP;
        }
        return observing(step) ? Phase.QUANTIZING : Phase.FROZEN;
    }

    /**
     * @param step iteration
     * @return whether observers still update at that step
     */
    public boolean observing(long step) {
        return freezeObserversStep < 0 || step < freezeObserversStep;
    }

    /**
     * @param step iteration
     * @return whether batch-norm statistics are frozen at that step
     */
    public boolean batchNormFrozen(long step) {
        return freezeBatchNormStep >= 0 && step >= freezeBatchNormStep;
    }
}
