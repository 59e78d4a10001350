package io.qat4j.training.family.cnn;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * {@code type: conv2d}: 2-D convolution, then optionally batch normalization, then an activation.
 * With quantization, its weights are fake-quantized per {@code quantization.weights} and batch
 * norm is folded into them after {@code quantization.schedule.freezeBatchNorm} (Jacob et al.,
 * CVPR 2018, section 3.2).
 *
 * @param filters output channels, {@code >= 1}
 * @param kernel kernel height and width
 * @param stride stride (default 1)
 * @param padding padding (default {@code valid})
 * @param dilation dilation (default 1)
 * @param batchNorm whether batch normalization follows the convolution (default false)
 * @param activation activation after the (normalized) convolution (default {@code relu})
 * @param weightBits this layer's weight bit width, 2..8, or empty for the global one
 */
public record Conv2dLayerConfig(int filters, Size2d kernel, Size2d stride, Padding padding,
        Size2d dilation, boolean batchNorm, Activation activation, OptionalInt weightBits)
        implements LayerConfig {

    /** Checks that all components are present. */
    public Conv2dLayerConfig {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(stride, "stride");
        Objects.requireNonNull(padding, "padding");
        Objects.requireNonNull(dilation, "dilation");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(weightBits, "weightBits");
    }

    @Override
    public LayerType type() {
        return LayerType.CONV2D;
    }
}
