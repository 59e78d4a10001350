package io.qat4j.training.family.cnn;

/**
 * {@code type: dropout}: during training, zero each input with probability {@code rate} and scale
 * the rest by {@code 1 / (1 - rate)} (Srivastava et al., JMLR 2014; PyTorch's convention: the rate
 * is the probability of dropping, not of keeping as in DL4J's {@code Dropout(p)}).
 *
 * @param rate probability of dropping an input, in {@code [0, 1)}
 */
public record DropoutLayerConfig(double rate) implements LayerConfig {

    @Override
    public LayerType type() {
        return LayerType.DROPOUT;
    }
}
