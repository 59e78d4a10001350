package io.qat4j.training.config;

import java.util.Objects;

/**
 * The {@code training} section (all keys optional).
 *
 * @param epochs passes over the training set, {@code >= 1} (default 10)
 * @param batchSize examples per step, {@code >= 1} (default 64)
 * @param optimizer optimizer (default Adam, learning rate 0.001)
 * @param lrSchedule learning-rate schedule (default constant)
 * @param checkpointEverySteps steps between checkpoints, {@code >= 1} (default 500)
 * @param logEverySteps steps between progress log lines and scalar summaries, {@code >= 1}
 *     (default 50)
 * @param evaluateEveryEpochs epochs between evaluations, {@code >= 1} (default 1)
 */
public record TrainingConfig(int epochs, int batchSize, OptimizerConfig optimizer,
        LrScheduleConfig lrSchedule, int checkpointEverySteps, int logEverySteps,
        int evaluateEveryEpochs) {

    /** All defaults. */
    public static final TrainingConfig DEFAULT = new TrainingConfig(10, 64,
            OptimizerConfig.DEFAULT, new LrScheduleConfig.Constant(), 500, 50, 1);

    /** Checks that all components are present. */
    public TrainingConfig {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(lrSchedule, "lrSchedule");
    }
}
