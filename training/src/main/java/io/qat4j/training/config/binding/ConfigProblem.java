package io.qat4j.training.config.binding;

import java.util.Objects;

/**
 * One problem found in an experiment configuration.
 *
 * @param location where the offending key or value is written (for a missing key: where its
 *     parent mapping is)
 * @param path the key path, e.g. {@code model.layers[2].filters}; {@code <root>} for the document
 *     itself
 * @param message what is wrong, e.g. {@code must be between 2 and 8, got 9}
 */
public record ConfigProblem(ConfigLocation location, String path, String message) {

    /** Checks that all components are present. */
    public ConfigProblem {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /**
     * @return e.g. {@code file.yaml:14:15: quantization.weights.bits: must be between 2 and 8,
     *     got 9}
     */
    @Override
    public String toString() {
        return location + ": " + path + ": " + message;
    }
}
