package io.qat4j.training.family.cnn;

/**
 * {@code type: globalavgpool}: average over height and width, giving one value per channel (Lin et
 * al., "Network in Network", 2014); its output is a flat vector.
 */
public record GlobalAvgPoolLayerConfig() implements LayerConfig {

    @Override
    public LayerType type() {
        return LayerType.GLOBALAVGPOOL;
    }
}
