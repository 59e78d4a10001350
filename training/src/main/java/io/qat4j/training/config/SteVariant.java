package io.qat4j.training.config;

/**
 * Straight-through estimator used for the gradient of fake quantization (Bengio et al. 2013;
 * DESIGN.md section 4).
 */
public enum SteVariant implements ConfigChoice {
    /** Identity gradient everywhere. */
    PLAIN("plain"),
    /** Identity gradient inside the quantization range, zero outside (PyTorch FakeQuantize). */
    CLIPPED("clipped");

    private final String yamlName;

    SteVariant(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
