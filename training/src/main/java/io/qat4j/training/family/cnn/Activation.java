package io.qat4j.training.family.cnn;

import io.qat4j.training.config.binding.ConfigChoice;

/**
 * Activation function after a convolution or dense layer. All three have an exact integer-only
 * form (a clamp of the quantized value, DESIGN.md section 3; Jacob et al., CVPR 2018, section 2.4).
 */
public enum Activation implements ConfigChoice {
    /** No activation. */
    IDENTITY("identity"),
    /** {@code max(0, x)}. */
    RELU("relu"),
    /** {@code min(max(0, x), 6)} (MobileNet, Howard et al. 2017). */
    RELU6("relu6");

    private final String yamlName;

    Activation(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** @return DL4J's activation of the same function */
    public org.nd4j.linalg.activations.Activation dl4j() {
        return switch (this) {
            case IDENTITY -> org.nd4j.linalg.activations.Activation.IDENTITY;
            case RELU -> org.nd4j.linalg.activations.Activation.RELU;
            case RELU6 -> org.nd4j.linalg.activations.Activation.RELU6;
        };
    }
}
