package io.qat4j.training.family.cnn;

import java.util.Objects;

/**
 * {@code type: maxpool}: max pooling over windows of {@code kernel}, moved by {@code stride},
 * without padding (windows that do not fit are dropped, TensorFlow {@code VALID}).
 *
 * @param kernel window height and width; must fit in the layer's input
 * @param stride step between windows (default: the kernel size)
 */
public record MaxPoolLayerConfig(Size2d kernel, Size2d stride) implements LayerConfig {

    /** Checks that all components are present. */
    public MaxPoolLayerConfig {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(stride, "stride");
    }

    @Override
    public LayerType type() {
        return LayerType.MAXPOOL;
    }
}
