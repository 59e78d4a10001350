package io.qat4j.training.family.cnn;

/**
 * The upper bounds of every size of a {@code cnn} model, checked while the config is read so that
 * a typo ({@code padding: 100000}) is an error at its line and not a native allocation failure
 * after the data has been loaded. Each key has a bound far above any network this project trains
 * (the Fashion-MNIST CNN uses kernels of 3, 64 filters, 1x28x28 inputs); the model as a whole is
 * bounded by the memory it would need: at most {@value #MAX_PARAMETERS} (2^28) parameters, 1 GiB
 * of float32, and at most {@value #MAX_EXAMPLE_ACTIVATIONS} (2^28) activations per example (the
 * input and the output of every layer, which back-propagation keeps for each example of a
 * minibatch).
 *
 * <p>Parameters are counted as DL4J lays the layers out (see {@link CnnNetwork}): a convolution
 * has {@code kh * kw * in * filters} weights and {@code filters} biases, a dense or output layer
 * {@code in * units} weights and {@code units} biases, batch norm 4 values per channel (scale,
 * shift, running mean and variance), and a residual block its two 3x3 convolutions with batch
 * norm plus, when it changes shape, a 1x1 projection with batch norm. Observer state (a few values
 * per quantizer) is not counted.
 */
final class CnnLimits {

    /** Largest kernel, stride, dilation and explicit padding, in pixels. */
    static final int MAX_WINDOW = 1024;
    /** Most channels of the input, filters of a convolution, units of a dense layer, classes. */
    static final int MAX_WIDTH = 65536;
    /** Largest height and width of the input. */
    static final int MAX_IMAGE_SIDE = 8192;
    /** Most parameters of a model. */
    static final long MAX_PARAMETERS = 1L << 28;
    /** Most activations one example may need. */
    static final long MAX_EXAMPLE_ACTIVATIONS = 1L << 28;

    private CnnLimits() {
    }

    /**
     * @param in the layer's input
     * @param out the layer's output
     * @param layer the layer
     * @return how many parameters the layer has
     */
    static long parameters(ActivationShape in, ActivationShape out, LayerConfig layer) {
        if (layer instanceof Conv2dLayerConfig c) {
            return conv((long) c.kernel().height() * c.kernel().width(), in.channels(), c.filters(), c.batchNorm());
        } else if (layer instanceof ResidualLayerConfig r) {
            long p = conv(9, in.channels(), r.filters(), true) + conv(9, r.filters(), r.filters(), true);
            return projects(in, r) ? p + conv(1, in.channels(), r.filters(), true) : p;
        } else if (layer instanceof DenseLayerConfig d) {
            return conv(1, in.size(), d.units(), d.batchNorm());
        } else if (layer instanceof OutputLayerConfig) {
            return conv(1, in.size(), out.size(), false);
        }
        return 0;
    }

    /**
     * @param in the layer's input
     * @param out the layer's output
     * @param layer the layer
     * @return how many activations the layer produces for one example: its output, and for a
     *     residual block also the outputs of its inner convolutions and projection
     */
    static long activations(ActivationShape in, ActivationShape out, LayerConfig layer) {
        if (layer instanceof FlattenLayerConfig) {
            return 0;
        } else if (layer instanceof ResidualLayerConfig r) {
            return out.size() * (projects(in, r) ? 4 : 3);
        }
        return out.size();
    }

    /** @return weights, biases and batch-norm values of a layer of {@code k} taps per input */
    private static long conv(long k, long in, long out, boolean batchNorm) {
        return k * in * out + out + (batchNorm ? 4 * out : 0);
    }

    private static boolean projects(ActivationShape in, ResidualLayerConfig r) {
        return r.stride() != 1 || in.channels() != r.filters();
    }
}
