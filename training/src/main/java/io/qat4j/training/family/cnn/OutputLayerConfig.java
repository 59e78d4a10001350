package io.qat4j.training.family.cnn;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * {@code type: output}: the classifier, a fully connected layer with softmax and cross-entropy
 * loss. It must be the last layer of {@code model.layers} and appear exactly once. A spatial input
 * is flattened first.
 *
 * @param classes number of classes, {@code >= 1}; must match the dataset's when it is known
 * @param weightBits this layer's weight bit width, 2..8, or empty for the global one
 */
public record OutputLayerConfig(int classes, OptionalInt weightBits) implements LayerConfig {

    /** Checks that {@code weightBits} is present (possibly empty). */
    public OutputLayerConfig {
        Objects.requireNonNull(weightBits, "weightBits");
    }

    @Override
    public LayerType type() {
        return LayerType.OUTPUT;
    }
}
