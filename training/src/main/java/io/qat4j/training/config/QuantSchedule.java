package io.qat4j.training.config;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * {@code quantization.schedule}: when, in optimizer steps counted from 0, the phases of
 * quantization-aware training begin (Krishnamoorthi 2018, section 3.2; Jacob et al. 2018,
 * section 3.2; PyTorch's {@code disable_observer} / {@code freeze_bn_stats}).
 *
 * @param fp32WarmupSteps fake quantization is off before this step; observers already observe
 *     (default 0)
 * @param freezeObserversStep from this step on, observer ranges no longer change; empty for never.
 *     Not before {@code fp32WarmupSteps}
 * @param freezeBatchNormStep from this step on, batch-norm statistics are frozen and folded into
 *     the weights; empty for never
 */
public record QuantSchedule(long fp32WarmupSteps, OptionalLong freezeObserversStep,
        OptionalLong freezeBatchNormStep) {

    /** Defaults: no warm-up, never freeze. */
    public static final QuantSchedule DEFAULT =
            new QuantSchedule(0, OptionalLong.empty(), OptionalLong.empty());

    /** Checks that all components are present. */
    public QuantSchedule {
        Objects.requireNonNull(freezeObserversStep, "freezeObserversStep");
        Objects.requireNonNull(freezeBatchNormStep, "freezeBatchNormStep");
    }
}
