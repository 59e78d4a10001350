package io.qat4j.training.config;

import io.qat4j.training.config.binding.ConfigChoice;

/**
 * Learning-rate schedule family; see {@link LrScheduleConfig}.
 */
public enum LrScheduleType implements ConfigChoice {
    /** The optimizer's learning rate throughout. */
    CONSTANT("constant"),
    /**
     * Cosine annealing from the learning rate to a minimum over all training steps (Loshchilov
     * and Hutter, ICLR 2017, without restarts).
     */
    COSINE("cosine"),
    /** Multiply by {@code gamma} every {@code stepSize} steps or {@code stepEpochs} epochs (PyTorch {@code StepLR}). */
    STEP("step");

    private final String yamlName;

    LrScheduleType(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
