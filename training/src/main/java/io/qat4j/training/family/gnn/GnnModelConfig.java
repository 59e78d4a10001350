package io.qat4j.training.family.gnn;

import io.qat4j.training.config.ModelConfig;
import java.util.List;

/**
 * A bound {@code model} section of the {@code gnn} family: a node classifier made of
 * message-passing layers and dropout, then a softmax read-out per node ({@link GnnNetwork}).
 *
 * @param features node features the model reads ({@code model.features})
 * @param layers the layers before the read-out, in order
 * @param classes output classes ({@code model.output.classes})
 */
public record GnnModelConfig(int features, List<GnnLayerConfig> layers, int classes) implements ModelConfig {

    /** Checks the components. */
    public GnnModelConfig {
        layers = List.copyOf(layers);
        if (features < 1 || classes < 2 || layers.stream().noneMatch(l -> l instanceof GnnLayerConfig.Conv)) {
            throw new IllegalArgumentException("features " + features + ", classes " + classes
                    + ", a message-passing layer among " + layers);
        }
    }

    @Override
    public String family() {
        return GnnFamily.NAME;
    }

    /** @return {@code [features]}: the features of one node */
    @Override
    public int[] exampleShape() {
        return new int[] {features};
    }
}
