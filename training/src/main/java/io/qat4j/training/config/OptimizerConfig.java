package io.qat4j.training.config;

import java.util.Objects;

/**
 * {@code training.optimizer}. May also be written as just the type, {@code optimizer: sgd}.
 *
 * @param type optimizer family (default {@code adam})
 * @param learningRate base learning rate, {@code > 0} (default 0.001)
 * @param weightDecay weight decay, {@code >= 0} (default 0, and 0.01 for {@code adamw} as in
 *     PyTorch)
 * @param momentum momentum in {@code [0, 1)} for {@code sgd} (default 0) and {@code nesterovs}
 *     (default 0.9, as DL4J's {@code Nesterovs}); always 0 for {@code adam} and {@code adamw},
 *     where setting it is an error (Adam keeps its own moment estimates)
 */
public record OptimizerConfig(OptimizerType type, double learningRate, double weightDecay,
        double momentum) {

    /** Default learning rate. */
    public static final double DEFAULT_LEARNING_RATE = 0.001;

    /** Adam with learning rate 0.001 and no weight decay. */
    public static final OptimizerConfig DEFAULT =
            new OptimizerConfig(OptimizerType.ADAM, DEFAULT_LEARNING_RATE, 0.0, 0.0);

    /** Checks that the type is present. */
    public OptimizerConfig {
        Objects.requireNonNull(type, "type");
    }

    /**
     * @param type an optimizer
     * @return whether {@code momentum} applies to it
     */
    public static boolean usesMomentum(OptimizerType type) {
        return type == OptimizerType.SGD || type == OptimizerType.NESTEROVS;
    }

    /**
     * @param type an optimizer
     * @return its default {@code momentum}
     */
    public static double defaultMomentum(OptimizerType type) {
        return type == OptimizerType.NESTEROVS ? 0.9 : 0.0;
    }

    /**
     * @param type an optimizer
     * @return its default {@code weightDecay}
     */
    public static double defaultWeightDecay(OptimizerType type) {
        return type == OptimizerType.ADAMW ? 0.01 : 0.0;
    }
}
