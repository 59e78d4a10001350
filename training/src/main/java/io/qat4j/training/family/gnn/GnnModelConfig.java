package io.qat4j.training.family.gnn;

import io.qat4j.training.config.ModelConfig;
import java.util.List;
import java.util.Objects;

/**
 * A bound {@code model} section of the {@code gnn} family: a node classifier made of
 * message-passing layers and dropout, and an output layer of the same kind (a graph layer with one
 * unit per class, then softmax), as Kipf and Welling's two-layer GCN (ICLR 2017).
 *
 * @param features node features the model reads ({@code model.features})
 * @param layers the hidden layers, in order
 * @param outputType the type of the output layer ({@code gcn}, {@code gin} or {@code gat})
 * @param classes output classes ({@code model.output.classes})
 */
public record GnnModelConfig(int features, List<GnnLayerConfig> layers, GnnLayerType outputType, int classes)
        implements ModelConfig {

    /** Checks the components. */
    public GnnModelConfig {
        layers = List.copyOf(layers);
        Objects.requireNonNull(outputType, "outputType");
        if (features < 1 || classes < 2 || outputType == GnnLayerType.DROPOUT) {
            throw new IllegalArgumentException("features " + features + ", classes " + classes + ", output "
                    + outputType);
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
