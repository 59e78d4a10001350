package io.qat4j.training.family.cnn;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * {@code type: dense}: fully connected layer, then optionally batch normalization, then an
 * activation. A spatial input (after convolutions or pooling) is flattened first.
 *
 * @param units output features, {@code >= 1}
 * @param activation activation (default {@code relu})
 * @param batchNorm whether batch normalization follows (default false)
 * @param weightBits this layer's weight bit width, 2..8, or empty for the global one
 */
public record DenseLayerConfig(int units, Activation activation, boolean batchNorm,
        OptionalInt weightBits) implements LayerConfig {

    /** Checks that all components are present. */
    public DenseLayerConfig {
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(weightBits, "weightBits");
    }

    @Override
    public LayerType type() {
        return LayerType.DENSE;
    }
}
