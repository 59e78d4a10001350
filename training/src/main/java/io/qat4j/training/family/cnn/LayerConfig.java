package io.qat4j.training.family.cnn;

import io.qat4j.training.config.QuantizationConfig;
import java.util.OptionalInt;

/**
 * One entry of {@code model.layers}: a layer of a sequential convolutional/dense network, selected
 * in YAML by its {@code type} key. There is one record per {@link LayerType}.
 *
 * <p>Layers that hold weights ({@code conv2d}, {@code residual}, {@code dense}, {@code output}) may
 * set {@code weightBits}, which overrides {@code quantization.weights.bits} for that layer (mixed
 * precision, as HAWQ assigns it per layer).
 */
public sealed interface LayerConfig
        permits Conv2dLayerConfig, MaxPoolLayerConfig, AvgPoolLayerConfig, GlobalAvgPoolLayerConfig,
                ResidualLayerConfig, FlattenLayerConfig, DenseLayerConfig, DropoutLayerConfig,
                OutputLayerConfig {

    /** @return the layer type, i.e. the YAML {@code type} value */
    LayerType type();

    /**
     * @return the weight bit width chosen for this layer, or empty to use
     *     {@code quantization.weights.bits}; always empty for layers without weights
     */
    default OptionalInt weightBits() {
        return OptionalInt.empty();
    }

    /**
     * @param quantization the experiment's quantization settings
     * @return the bit width of this layer's weights: its own {@code weightBits}, else the global
     *     {@code quantization.weights.bits}
     */
    default int effectiveWeightBits(QuantizationConfig quantization) {
        return weightBits().orElse(quantization.weights().bits());
    }
}
