package io.qat4j.training.family.cnn;

/**
 * {@code type: flatten}: reshape channels x height x width into one vector. Optional before a
 * {@code dense} or {@code output} layer, which flatten a spatial input themselves.
 */
public record FlattenLayerConfig() implements LayerConfig {

    @Override
    public LayerType type() {
        return LayerType.FLATTEN;
    }
}
