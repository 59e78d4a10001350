package io.qat4j.training.family.cnn;

import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.config.ModelConfig;
import java.util.List;
import java.util.Objects;

/**
 * The {@code model} section of the {@code cnn} family ({@link CnnFamily}): a sequential
 * convolutional/dense network given by its input shape and its layers, the last of which is the
 * {@link OutputLayerConfig output} layer.
 *
 * @param input shape of one example
 * @param layers the layers in order; non-empty, exactly one output layer, last
 */
public record CnnModelConfig(InputShape input, List<LayerConfig> layers) implements ModelConfig {

    /** Checks that the components are present and copies the list. */
    public CnnModelConfig {
        Objects.requireNonNull(input, "input");
        layers = List.copyOf(layers);
    }

    @Override
    public String family() {
        return CnnFamily.NAME;
    }

    /** @return {@code {channels, height, width}} */
    @Override
    public int[] exampleShape() {
        return new int[] {input.channels(), input.height(), input.width()};
    }

    /** @return the last layer, the classifier */
    public OutputLayerConfig outputLayer() {
        if (!layers.isEmpty() && layers.get(layers.size() - 1) instanceof OutputLayerConfig o) {
            return o;
        }
        throw new IllegalStateException("the last layer is not an output layer");
    }

    /**
     * @return the output shape of every layer, in order (see {@link ShapeInference})
     * @throws IllegalArgumentException when a layer does not fit its input (never for a model
     *     read by {@link ExperimentConfigLoader})
     */
    public List<ActivationShape> activationShapes() {
        return ShapeInference.shapes(input, layers);
    }
}
