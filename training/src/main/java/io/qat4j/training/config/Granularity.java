package io.qat4j.training.config;

/**
 * How many scales a weight tensor gets (DESIGN.md section 3; PyTorch
 * {@code per_tensor_symmetric} / {@code per_channel_symmetric}; Krishnamoorthi 2018, section 3.1).
 */
public enum Granularity implements ConfigChoice {
    /** One scale for the whole tensor. */
    PER_TENSOR("per-tensor"),
    /** One scale per output channel (convolution filter or dense output unit). */
    PER_CHANNEL("per-channel");

    private final String yamlName;

    Granularity(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
