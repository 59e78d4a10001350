package io.qat4j.training.config;

import java.util.Objects;

/**
 * The {@code training} section (all keys optional).
 *
 * @param epochs passes over the training set, 1 to {@value #MAX_EPOCHS} (default 10)
 * @param batchSize examples per step, 1 to {@value #MAX_BATCH_SIZE} (default 64)
 * @param optimizer optimizer (default Adam, learning rate 0.001)
 * @param lrSchedule learning-rate schedule (default constant)
 * @param checkpointEverySteps steps between checkpoints, {@code >= 1} (default 500)
 * @param logEverySteps steps between progress log lines and scalar summaries, {@code >= 1}
 *     (default 50)
 * @param evaluateEveryEpochs epochs between evaluations, {@code >= 1} (default 1; 1 with
 *     {@link ModelSelection#BEST_VALIDATION_LOSS})
 * @param select which epoch's parameters the run keeps (default {@link ModelSelection#LAST})
 */
public record TrainingConfig(int epochs, int batchSize, OptimizerConfig optimizer,
        LrScheduleConfig lrSchedule, int checkpointEverySteps, int logEverySteps,
        int evaluateEveryEpochs, ModelSelection select) {

    /** Most epochs of a run. */
    public static final int MAX_EPOCHS = 100_000;
    /**
     * Largest minibatch: 2^16 examples (with 2^28 activations per example at most, see the model
     * family's limits, the batch's activations still have a 64-bit length).
     */
    public static final int MAX_BATCH_SIZE = 1 << 16;
    /**
     * Most optimizer steps of a run, epochs times batches per epoch: the learning-rate schedules
     * of DL4J count iterations in an {@code int}.
     */
    public static final long MAX_STEPS = Integer.MAX_VALUE;

    /** All defaults. */
    public static final TrainingConfig DEFAULT = new TrainingConfig(10, 64,
            OptimizerConfig.DEFAULT, new LrScheduleConfig.Constant(), 500, 50, 1, ModelSelection.LAST);

    /** Checks that all components are present. */
    public TrainingConfig {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(lrSchedule, "lrSchedule");
        Objects.requireNonNull(select, "select");
    }

    /**
     * @param epochs another epoch count
     * @return this config with that many epochs
     */
    public TrainingConfig withEpochs(int epochs) {
        return new TrainingConfig(epochs, batchSize, optimizer, lrSchedule, checkpointEverySteps, logEverySteps,
                evaluateEveryEpochs, select);
    }
}
