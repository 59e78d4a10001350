package io.qat4j.training.family.cnn;

import io.qat4j.training.config.ExperimentConfigLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * Propagates activation shapes through the layers of a sequential model, exactly as the model
 * builder lays them out: {@code same} convolutions give {@code ceil(in / stride)}, {@code valid}
 * and explicit padding {@code floor((in + 2p - k_eff) / stride) + 1} with
 * {@code k_eff = (k - 1) * dilation + 1}, pooling is {@code valid}, a residual block is a
 * {@code same} 3x3 convolution with the block's stride, and {@code dense}/{@code output} flatten a
 * spatial input themselves.
 *
 * <p>Used by the loader to reject, before any work starts, kernels that do not fit their input and
 * spatial layers placed after the activations have been flattened.
 */
public final class ShapeInference {

    private ShapeInference() {
    }

    /** A layer that cannot be applied to its input. */
    static final class ShapeException extends Exception {

        private static final long serialVersionUID = 1L;

        /** The key of the layer that is at fault, or null for the layer as a whole. */
        private final String key;

        ShapeException(String key, String message) {
            super(message);
            this.key = key;
        }

        String key() {
            return key;
        }
    }

    /**
     * @param input the model input
     * @param layers the layers, in order
     * @return the output shape of every layer, in order
     * @throws IllegalArgumentException when a layer cannot be applied to its input (never for a
     *     configuration produced by {@link ExperimentConfigLoader})
     */
    public static List<ActivationShape> shapes(InputShape input, List<LayerConfig> layers) {
        List<ActivationShape> out = new ArrayList<>(layers.size());
        ActivationShape shape = ActivationShape.of(input);
        for (int i = 0; i < layers.size(); i++) {
            try {
                shape = next(shape, layers.get(i));
            } catch (ShapeException e) {
                throw new IllegalArgumentException("model.layers[" + i + "]: " + e.getMessage(), e);
            }
            out.add(shape);
        }
        return List.copyOf(out);
    }

    /**
     * @param in shape of the layer's input
     * @param layer the layer
     * @return shape of its output
     * @throws ShapeException when the layer cannot be applied to {@code in}
     */
    static ActivationShape next(ActivationShape in, LayerConfig layer) throws ShapeException {
        if (layer instanceof Conv2dLayerConfig c) {
            ActivationShape s = requireSpatial(in, layer);
            int h = window(s.height(), c.kernel().height(), c.dilation().height(),
                    c.stride().height(), c.padding());
            int w = window(s.width(), c.kernel().width(), c.dilation().width(),
                    c.stride().width(), c.padding());
            if (h < 1 || w < 1) {
                String dilated = c.dilation().equals(Size2d.square(1)) ? ""
                        : " (dilated to " + effective(c.kernel().height(), c.dilation().height())
                                + "x" + effective(c.kernel().width(), c.dilation().width()) + ")";
                String padding = c.padding().mode() == PaddingMode.EXPLICIT
                        ? " padded by " + c.padding().amount() : "";
                throw new ShapeException("kernel", "conv2d kernel " + c.kernel() + dilated
                        + " does not fit its input of " + s.height() + "x" + s.width() + padding
                        + " (input shape " + s + ")");
            }
            return ActivationShape.spatial(c.filters(), h, w);
        } else if (layer instanceof MaxPoolLayerConfig p) {
            return pool(in, layer, p.kernel(), p.stride());
        } else if (layer instanceof AvgPoolLayerConfig p) {
            return pool(in, layer, p.kernel(), p.stride());
        } else if (layer instanceof GlobalAvgPoolLayerConfig) {
            return ActivationShape.flat(requireSpatial(in, layer).channels());
        } else if (layer instanceof ResidualLayerConfig r) {
            ActivationShape s = requireSpatial(in, layer);
            return ActivationShape.spatial(r.filters(),
                    (int) Padding.SAME.outputSize(s.height(), 3, r.stride()),
                    (int) Padding.SAME.outputSize(s.width(), 3, r.stride()));
        } else if (layer instanceof FlattenLayerConfig) {
            return ActivationShape.flat(in.size());
        } else if (layer instanceof DenseLayerConfig d) {
            return ActivationShape.flat(d.units());
        } else if (layer instanceof DropoutLayerConfig) {
            return in;
        } else if (layer instanceof OutputLayerConfig o) {
            return ActivationShape.flat(o.classes());
        }
        throw new IllegalStateException("unhandled layer " + layer);
    }

    private static ActivationShape pool(ActivationShape in, LayerConfig layer, Size2d kernel,
            Size2d stride) throws ShapeException {
        ActivationShape s = requireSpatial(in, layer);
        int h = window(s.height(), kernel.height(), 1, stride.height(), Padding.VALID);
        int w = window(s.width(), kernel.width(), 1, stride.width(), Padding.VALID);
        if (h < 1 || w < 1) {
            throw new ShapeException("kernel", layer.type().yamlName() + " kernel " + kernel
                    + " is larger than its " + s.height() + "x" + s.width() + " input (input shape "
                    + s + ")");
        }
        return ActivationShape.spatial(s.channels(), h, w);
    }

    private static ActivationShape requireSpatial(ActivationShape in, LayerConfig layer)
            throws ShapeException {
        if (!in.spatial()) {
            throw new ShapeException(null, "a " + layer.type().yamlName()
                    + " layer needs a spatial input (channels x height x width), but its input is"
                    + " a flat vector of " + in.size() + " features; spatial layers must come"
                    + " before flatten, globalavgpool and dense");
        }
        return in;
    }

    private static long effective(int kernel, int dilation) {
        return (long) (kernel - 1) * dilation + 1;
    }

    private static int window(int input, int kernel, int dilation, int stride, Padding padding) {
        long out = padding.outputSize(input, effective(kernel, dilation), stride);
        return (int) Math.min(out, Integer.MAX_VALUE);
    }
}
