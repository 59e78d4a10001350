package io.qat4j.training.family.cnn;

import io.qat4j.training.config.binding.ConfigChoice;

/**
 * How a convolution pads its input; see {@link Padding}.
 */
public enum PaddingMode implements ConfigChoice {
    /**
     * Pad so that the output has {@code ceil(input / stride)} rows and columns (TensorFlow
     * {@code SAME}, DL4J {@code ConvolutionMode.Same}).
     */
    SAME("same"),
    /** No padding; the kernel only visits full windows (TensorFlow {@code VALID}). */
    VALID("valid"),
    /** A fixed number of zero rows/columns on every side (PyTorch {@code padding=p}). */
    EXPLICIT("explicit");

    private final String yamlName;

    PaddingMode(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
