package io.qat4j.training.family.gnn;

import io.qat4j.training.config.ModelConfig;
import java.util.List;

/**
 * A bound {@code model} section of the {@code gnn} family ({@link GnnNetwork}): message-passing
 * layers and dropout, then either a read-out per node (node classification) or a {@code pool}
 * layer followed by dense layers and dropout on the graph rows (graph classification or
 * regression); then the output: softmax over {@code classes} or {@code regression} targets.
 *
 * @param features node features the model reads ({@code model.features})
 * @param layers the layers before the output, in order
 * @param outputs output width: classes ({@code model.output.classes}) or regression targets
 *     ({@code model.output.regression})
 * @param regression true for a regression output (identity, mean squared error), false for
 *     softmax and cross-entropy
 */
public record GnnModelConfig(int features, List<GnnLayerConfig> layers, int outputs, boolean regression)
        implements ModelConfig {

    /** Checks the components: a message-passing layer, and a pool layer for a regression output. */
    public GnnModelConfig {
        layers = List.copyOf(layers);
        if (features < 1 || outputs < (regression ? 1 : 2)
                || layers.stream().noneMatch(l -> l instanceof GnnLayerConfig.Conv)
                || (regression && layers.stream().noneMatch(l -> l instanceof GnnLayerConfig.Pool))) {
            throw new IllegalArgumentException("features " + features + ", outputs " + outputs + ", regression "
                    + regression + ", layers " + layers);
        }
    }

    /** @return true when the model pools graphs into rows: it predicts per graph, not per node */
    public boolean graphLevel() {
        return layers.stream().anyMatch(l -> l instanceof GnnLayerConfig.Pool);
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
