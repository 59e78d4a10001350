package io.qat4j.training.config;

import io.qat4j.quant.spec.SteMode;

/**
 * Straight-through estimator used for the gradient of fake quantization (Bengio et al. 2013;
 * DESIGN.md section 4).
 */
public enum SteVariant implements ConfigChoice {
    /** Identity gradient everywhere. */
    PLAIN("plain", SteMode.PLAIN),
    /** Identity gradient inside the quantization range, zero outside (PyTorch FakeQuantize). */
    CLIPPED("clipped", SteMode.CLIPPED);

    private final String yamlName;
    private final SteMode mode;

    SteVariant(String yamlName, SteMode mode) {
        this.yamlName = yamlName;
        this.mode = mode;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** @return the estimator as a quantizer parameter */
    public SteMode mode() {
        return mode;
    }
}
