package io.qat4j.training.config;

import io.qat4j.training.config.binding.ConfigChoice;

/**
 * Optimizer family, mapped onto the DL4J updaters by the trainer.
 */
public enum OptimizerType implements ConfigChoice {
    /** Adam (Kingma and Ba, ICLR 2015); weight decay is L2 added to the gradient. */
    ADAM("adam"),
    /** Stochastic gradient descent, optionally with heavy-ball momentum. */
    SGD("sgd"),
    /** SGD with Nesterov momentum (DL4J {@code Nesterovs}). */
    NESTEROVS("nesterovs"),
    /** Adam with decoupled weight decay (Loshchilov and Hutter, ICLR 2019). */
    ADAMW("adamw");

    private final String yamlName;

    OptimizerType(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
