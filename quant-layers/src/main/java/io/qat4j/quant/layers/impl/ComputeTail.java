package io.qat4j.quant.layers.impl;

import io.qat4j.quant.layers.QuantLayerSettings;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise tail of a quantized compute layer, after its linear part {@code y}:
 * {@code out = Q_a(act(BN(y)))}. Before the batch-norm statistics freeze, training normalizes with
 * the batch statistics and updates the running ones (Ioffe and Szegedy, ICML 2015); after it, and
 * in inference, the tail computes {@code s * y + (beta - s * runMean)} from the {@link BatchNormFold},
 * exactly the folded layer the executor runs (Jacob et al., CVPR 2018, section 3.2). The output
 * quantizer observes and fake-quantizes per tensor with a plain or clipped straight-through
 * estimator.
 *
 * <p>Two implementations compute the same function: {@link Nd4jTail} with ND4J operations (any
 * data type) and {@link FusedFloatTail} in fused single-pass FLOAT loops
 * ({@link io.qat4j.quant.math.FloatKernels}) for piece-wise linear activations. Each keeps the
 * intermediates of its backward pass in its own {@link Pass}. Layers defined in other modules
 * that end in a linear part (the MLP of a GIN vertex) get theirs from {@link #of}.
 */
public interface ComputeTail {

    /**
     * The tail a layer uses: the fused FLOAT loops where they apply (FLOAT values, identity, ReLU
     * or ReLU6), ND4J operations otherwise.
     *
     * @param dataType data type of the linear part's output
     * @param activation the activation function
     * @return the tail
     */
    static ComputeTail of(DataType dataType, IActivation activation) {
        return dataType == DataType.FLOAT && FusedFloatTail.fusedActivation(activation) != null
                ? FusedFloatTail.INSTANCE : Nd4jTail.INSTANCE;
    }

    /**
     * @param y output of the linear part, channels on dimension 1
     * @param in parameters, state and mode of the pass
     * @return the output and the state of the backward pass
     */
    Pass forward(INDArray y, Inputs in);

    /** One forward pass of a tail: its output, and its backward pass. */
    interface Pass {

        /** @return {@code out = Q_a(act(BN(y)))} */
        INDArray output();

        /** @return share of clamped output codes, NaN when the output was not quantized */
        double clippedFraction();

        /**
         * @param epsilon gradient of the output
         * @return the gradient of {@code y} and, with batch norm, of gamma and beta
         */
        Gradients backward(INDArray epsilon);
    }

    /**
     * Gradients of one backward pass of the tail.
     *
     * @param dY gradient of the linear part's output
     * @param dGamma gradient of gamma, null without batch norm
     * @param dBeta gradient of beta, null without batch norm
     */
    record Gradients(INDArray dY, INDArray dGamma, INDArray dBeta) {
    }

    /**
     * What a tail reads and updates.
     *
     * @param settings the layer's quantization settings
     * @param activation the activation function
     * @param statDims dimensions reduced for per-channel statistics: dense {@code {0}}, conv {@code {0, 2, 3}}
     * @param fold the batch-norm fold of this pass (null without batch norm)
     * @param gamma batch-norm scales (null without batch norm)
     * @param beta batch-norm shifts (null without batch norm)
     * @param runningMean running means, updated in place with batch statistics (null without batch norm)
     * @param runningVar running variances, updated in place with batch statistics (null without batch norm)
     * @param outputRange observer state of the output quantizer (null without one)
     * @param step iteration for the schedule
     * @param training training mode (batch statistics, observers)
     * @param updateState whether running statistics and observer ranges may update
     */
    record Inputs(QuantLayerSettings settings, IActivation activation, int[] statDims, BatchNormFold fold,
                  INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar, INDArray outputRange,
                  long step, boolean training, boolean updateState) {

        /** @return whether batch norm normalizes with the batch's statistics in this pass */
        boolean batchStatistics() {
            return fold != null && training && !settings.schedule().batchNormFrozen(step);
        }

        /**
         * Updates the running statistics with one batch's (PyTorch convention: the momentum weights
         * the new batch, the variance is unbiased).
         *
         * @param mean batch means
         * @param var batch (biased) variances
         * @param count values per channel in the batch
         */
        void updateRunningStatistics(INDArray mean, INDArray var, long count) {
            double mom = settings.batchNormMomentum();
            runningMean.muli(1 - mom).addi(mean.mul(mom));
            runningVar.muli(1 - mom).addi(var.mul(mom * count / Math.max(1, count - 1)));
        }
    }
}
