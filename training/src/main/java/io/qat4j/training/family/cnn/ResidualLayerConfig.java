package io.qat4j.training.family.cnn;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * {@code type: residual}: a ResNet basic block (He et al., CVPR 2016): 3x3 convolution (with the
 * block's stride), batch norm, ReLU, 3x3 convolution, batch norm, addition of the shortcut, ReLU.
 * The shortcut is the identity, or a 1x1 convolution with batch norm (projection, option B of the
 * paper) when the stride is greater than 1 or the number of channels changes. Both convolutions
 * use {@code same} padding, so the block outputs {@code ceil(input / stride)} rows and columns.
 *
 * @param filters output channels of both convolutions, {@code >= 1}
 * @param stride stride of the first convolution and of the projection (default 1)
 * @param weightBits weight bit width of all convolutions of the block, 2..8, or empty for the
 *     global one
 */
public record ResidualLayerConfig(int filters, int stride, OptionalInt weightBits)
        implements LayerConfig {

    /** Checks that {@code weightBits} is present (possibly empty). */
    public ResidualLayerConfig {
        Objects.requireNonNull(weightBits, "weightBits");
    }

    @Override
    public LayerType type() {
        return LayerType.RESIDUAL;
    }
}
