package io.qat4j.training.config;

/**
 * {@code training.lrSchedule}: how the learning rate changes over the optimizer steps of a run.
 * Written as {@code {type: constant}}, {@code {type: cosine, minLearningRate: 1e-5}} or
 * {@code {type: step, stepSize: 1000, gamma: 0.1}} (or {@code stepEpochs: 50} instead of
 * {@code stepSize}), or as just the type,
 * {@code lrSchedule: cosine}.
 */
public sealed interface LrScheduleConfig
        permits LrScheduleConfig.Constant, LrScheduleConfig.Cosine, LrScheduleConfig.Step {

    /** @return the schedule type, the YAML {@code type} value */
    LrScheduleType type();

    /** The learning rate of the optimizer throughout (the default). */
    record Constant() implements LrScheduleConfig {
        @Override
        public LrScheduleType type() {
            return LrScheduleType.CONSTANT;
        }
    }

    /**
     * Cosine annealing from the optimizer's learning rate down to {@code minLearningRate} at the
     * last step (SGDR without restarts, Loshchilov and Hutter, ICLR 2017; PyTorch
     * {@code CosineAnnealingLR} with {@code T_max} = all steps).
     *
     * @param minLearningRate final learning rate, {@code >= 0} and not above the initial one
     *     (default 0)
     */
    record Cosine(double minLearningRate) implements LrScheduleConfig {
        @Override
        public LrScheduleType type() {
            return LrScheduleType.COSINE;
        }
    }

    /**
     * Step decay: the learning rate is multiplied by {@code gamma} every {@code every} optimizer
     * steps or epochs (PyTorch {@code StepLR}; camlsys/degree-quant halves it every 50 epochs).
     * An interval in epochs becomes steps with the data's batches per epoch
     * ({@link #intervalSteps(int)}), so the decay falls on epoch boundaries.
     *
     * @param every steps or epochs between decays, {@code >= 1} ({@code stepSize} or
     *     {@code stepEpochs}, exactly one required)
     * @param inEpochs whether {@code every} counts epochs ({@code stepEpochs}) rather than steps
     * @param gamma decay factor in {@code (0, 1]} (default 0.1)
     */
    record Step(long every, boolean inEpochs, double gamma) implements LrScheduleConfig {

        /** Default decay factor. */
        public static final double DEFAULT_GAMMA = 0.1;

        /**
         * A decay every {@code stepSize} optimizer steps.
         *
         * @param stepSize steps between decays
         * @param gamma decay factor
         */
        public Step(long stepSize, double gamma) {
            this(stepSize, false, gamma);
        }

        /**
         * @param stepEpochs epochs between decays
         * @param gamma decay factor
         * @return a decay every {@code stepEpochs} epochs
         */
        public static Step everyEpochs(long stepEpochs, double gamma) {
            return new Step(stepEpochs, true, gamma);
        }

        /**
         * @param batchesPerEpoch optimizer steps per epoch of the run's data
         * @return optimizer steps between decays
         */
        public long intervalSteps(int batchesPerEpoch) {
            return inEpochs ? every * Math.max(1, batchesPerEpoch) : every;
        }

        @Override
        public LrScheduleType type() {
            return LrScheduleType.STEP;
        }
    }
}
