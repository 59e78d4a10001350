package io.qat4j.training.config;

import io.qat4j.training.config.binding.ConfigChoice;

/**
 * {@code quantization.method}: how a quantized model trains. Every family supports {@code qat};
 * {@code degree-quant} is for graph neural networks ({@code model.family: gnn}).
 */
public enum QuantMethod implements ConfigChoice {
    /** Plain quantization-aware training (Jacob et al., CVPR 2018): STE, observed ranges. */
    QAT("qat"),
    /**
     * Degree-Quant (Tailor, Fernandez-Marques, Lane, ICLR 2021): stochastic protection of
     * high-in-degree nodes during training, percentile ranges, clipped STE.
     */
    DEGREE_QUANT("degree-quant");

    private final String yamlName;

    QuantMethod(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
