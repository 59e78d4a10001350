package io.qat4j.training.family.cnn;

import io.qat4j.training.config.binding.ConfigChoice;

/**
 * The layer types of the {@code model.layers} list, by their YAML {@code type} spelling; one
 * {@link LayerConfig} record each.
 */
public enum LayerType implements ConfigChoice {
    /** 2-D convolution, optional batch norm, activation ({@link Conv2dLayerConfig}). */
    CONV2D("conv2d"),
    /** Max pooling ({@link MaxPoolLayerConfig}). */
    MAXPOOL("maxpool"),
    /** Average pooling ({@link AvgPoolLayerConfig}). */
    AVGPOOL("avgpool"),
    /** Global average pooling over height and width ({@link GlobalAvgPoolLayerConfig}). */
    GLOBALAVGPOOL("globalavgpool"),
    /** ResNet basic block ({@link ResidualLayerConfig}). */
    RESIDUAL("residual"),
    /** Flatten channels x height x width into a vector ({@link FlattenLayerConfig}). */
    FLATTEN("flatten"),
    /** Fully connected layer ({@link DenseLayerConfig}). */
    DENSE("dense"),
    /** Dropout ({@link DropoutLayerConfig}). */
    DROPOUT("dropout"),
    /** Fully connected softmax classifier, the last layer ({@link OutputLayerConfig}). */
    OUTPUT("output");

    private final String yamlName;

    LayerType(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
