package io.qat4j.training.config;

import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigLocation;
import io.qat4j.training.config.binding.ConfigProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code quantization.schedule} section: when fake quantization starts and when observers and
 * batch norm freeze, as {@link SchedulePoint points} of the run (steps, epochs or fractions), and
 * whether a run that never fake-quantizes is intended. {@link #resolve} turns it into the
 * {@link QuantSchedule} in steps that the quantized layers follow, once the number of batches per
 * epoch is known, and checks it against the run:
 * <ul>
 *   <li>fake quantization must start before the run ends (else the run would train in float
 *       without a word), unless {@link #allowFloatOnly()};</li>
 *   <li>a freeze that is set must happen during the run (write null for "never");</li>
 *   <li>observers and batch norm freeze at or after the start of fake quantization. Freezing batch
 *       norm earlier is an error rather than a defined behaviour: the QAT recipes this project
 *       follows (Jacob et al., CVPR 2018, section 3.2; Krishnamoorthi, arXiv:1806.08342, section
 *       3.3; PyTorch's QAT reference, which counts {@code num_batch_norm_update_epochs} on a model
 *       that is already fake-quantized) freeze the statistics of a network that trains quantized,
 *       so that its last steps learn against the folded weights the artifact will hold; statistics
 *       frozen during the float warm-up would be those of the float network, never re-estimated
 *       for the quantized one.</li>
 * </ul>
 *
 * @param fp32Warmup fake quantization is off before this point (default: the first step)
 * @param freezeObservers observer ranges stop updating from this point; null: never
 * @param freezeBatchNorm batch norm uses its running statistics (folded) from this point; null:
 *     never
 * @param allowFloatOnly whether a warm-up that lasts the whole run is intended (default false)
 */
public record ScheduleConfig(SchedulePoint fp32Warmup, SchedulePoint freezeObservers,
        SchedulePoint freezeBatchNorm, boolean allowFloatOnly) {

    /** Quantize from the first step, never freeze. */
    public static final ScheduleConfig ALWAYS = new ScheduleConfig(SchedulePoint.START, null, null, false);

    /** Names of the keys, for messages. */
    static final String WARMUP = "quantization.schedule.fp32Warmup";
    static final String FREEZE_OBSERVERS = "quantization.schedule.freezeObservers";
    static final String FREEZE_BATCH_NORM = "quantization.schedule.freezeBatchNorm";

    /** @throws NullPointerException if the warm-up is null */
    public ScheduleConfig {
        java.util.Objects.requireNonNull(fp32Warmup, "fp32Warmup");
    }

    /**
     * A schedule in steps, as the keys {@code fp32WarmupSteps}, {@code freezeObserversStep} and
     * {@code freezeBatchNormStep} write it.
     *
     * @param warmup warm-up steps
     * @param freezeObservers freeze step of the observers, negative for never
     * @param freezeBatchNorm freeze step of batch norm, negative for never
     * @return the schedule
     */
    public static ScheduleConfig steps(long warmup, long freezeObservers, long freezeBatchNorm) {
        return new ScheduleConfig(new SchedulePoint.Steps(warmup),
                freezeObservers < 0 ? null : new SchedulePoint.Steps(freezeObservers),
                freezeBatchNorm < 0 ? null : new SchedulePoint.Steps(freezeBatchNorm), false);
    }

    /**
     * Resolves the points against the run and checks the result (see the class comment).
     *
     * @param batchesPerEpoch optimizer steps per epoch, {@code >= 1}
     * @param totalSteps optimizer steps of the whole run
     * @param run how messages name the run and its length, e.g.
     *     {@code w4-quick (2 epochs x 469 batches = 938 steps)}
     * @return the schedule in steps
     * @throws ConfigException naming every problem, with the resolved numbers
     */
    public QuantSchedule resolve(long batchesPerEpoch, long totalSteps, String run) {
        long warmup = fp32Warmup.step(batchesPerEpoch, totalSteps);
        long observers = freezeObservers == null ? -1 : freezeObservers.step(batchesPerEpoch, totalSteps);
        long batchNorm = freezeBatchNorm == null ? -1 : freezeBatchNorm.step(batchesPerEpoch, totalSteps);
        ConfigLocation at = new ConfigLocation(run, 0, 0);
        List<ConfigProblem> problems = new ArrayList<>();
        if (warmup >= totalSteps && !allowFloatOnly) {
            problems.add(new ConfigProblem(at, WARMUP, "the float warm-up " + fp32Warmup.yaml()
                    + " ends at step " + warmup + ", but the run ends after step " + (totalSteps - 1)
                    + ": it would never fake-quantize. Shorten the warm-up (e.g. fp32Warmup: 0.25, a quarter"
                    + " of the run) or, for a float-only run, set quantization.schedule.allowFloatOnly: true"));
        }
        checkFreeze(at, FREEZE_OBSERVERS, freezeObservers, observers, warmup, totalSteps, "observers", problems);
        checkFreeze(at, FREEZE_BATCH_NORM, freezeBatchNorm, batchNorm, warmup, totalSteps, "batch norm", problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new QuantSchedule(warmup, observers, batchNorm);
    }

    private void checkFreeze(ConfigLocation at, String key, SchedulePoint point, long step, long warmup,
            long totalSteps, String what, List<ConfigProblem> problems) {
        if (point == null) {
            return;
        }
        if (step < warmup) {
            problems.add(new ConfigProblem(at, key, "resolves to step " + step + ", before " + WARMUP
                    + " ends at step " + warmup + " (" + point.yaml() + " vs " + fp32Warmup.yaml() + "): "
                    + what + " must freeze at or after the start of fake quantization"));
        } else if (step >= totalSteps && !(allowFloatOnly && warmup >= totalSteps)) {
            problems.add(new ConfigProblem(at, key, "resolves to step " + step + ", but the run ends after"
                    + " step " + (totalSteps - 1) + " (" + point.yaml() + "): " + what + " would never"
                    + " freeze. Freeze earlier, or write null for \"never\""));
        }
    }
}
