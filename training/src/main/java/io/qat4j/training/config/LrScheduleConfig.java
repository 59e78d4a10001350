package io.qat4j.training.config;

/**
 * {@code training.lrSchedule}: how the learning rate changes over the optimizer steps of a run.
 * Written as {@code {type: constant}}, {@code {type: cosine, minLearningRate: 1e-5}} or
 * {@code {type: step, stepSize: 1000, gamma: 0.1}}, or as just the type,
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
     * Step decay: the learning rate is multiplied by {@code gamma} every {@code stepSize} optimizer
     * steps (PyTorch {@code StepLR}, counted in steps rather than epochs).
     *
     * @param stepSize steps between decays, {@code >= 1} (required)
     * @param gamma decay factor in {@code (0, 1]} (default 0.1)
     */
    record Step(long stepSize, double gamma) implements LrScheduleConfig {

        /** Default decay factor. */
        public static final double DEFAULT_GAMMA = 0.1;

        @Override
        public LrScheduleType type() {
            return LrScheduleType.STEP;
        }
    }
}
