package io.qat4j.quant.layers.impl;

import io.qat4j.quant.layers.InputScales;
import io.qat4j.quant.layers.IntegerBiasLayer;
import io.qat4j.quant.layers.QuantComputeLayer;
import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.layers.QuantParams;
import io.qat4j.quant.math.FakeQuant;
import io.qat4j.quant.math.IntegerBias;
import io.qat4j.quant.math.WeightFakeQuant;
import io.qat4j.quant.spec.SteMode;
import java.util.function.DoubleSupplier;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shared forward and backward pass of the quantized compute layers:
 * {@code out = Q_a(act(BN(linear(x, W_eff))))}.
 *
 * <p>With a folded batch norm the effective weight is {@code W_eff = Q_w(W * s) / s}, with
 * {@code s = gamma / sqrt(runVar + eps)} per output channel, so that the weight quantizer sees the
 * folded weights the executor will use (PyTorch {@code _ConvBnNd._forward_approximate}; Jacob et
 * al., CVPR 2018, section 3.2). Before the statistics freeze, training normalizes with the batch
 * statistics and updates the running ones; after, and in inference, the layer computes
 * {@code s * y + (beta - s * runMean)}, exactly the folded layer. The trained parameters stay
 * unfolded (folding them explodes gradients). The fold is one {@link BatchNormFold} per pass,
 * shared by the weight quantizer, the tail and {@link #foldedWeights()}; batch norm, activation and
 * output quantization form the {@link ComputeTail}, in fused FLOAT loops
 * ({@link FusedFloatTail}) where they apply and in ND4J operations ({@link Nd4jTail}) otherwise.
 *
 * <p>Gradients: plain or clipped STE through both quantizers ({@code dW = dW_eff} masked where
 * clipped; the dependence of {@code s} in {@code W_eff} is ignored, as it cancels without
 * quantization), the batch-norm backward of Ioffe and Szegedy (ICML 2015) before the freeze, and a
 * per-channel scale by {@code s} after it.
 *
 * <p>Without batch norm the bias is the integer model's ({@link IntegerBias#represented}) once
 * {@link InputScales} has connected the layer to its input scale; a folded batch norm's bias is
 * added by the tail in float.
 *
 * <p>Training-time intermediates are kept outside DL4J's workspaces between the forward and the
 * backward pass; the output and the epsilon are copied into the workspaces DL4J expects.
 *
 * @param <C> the layer configuration
 */
public abstract class QuantComputeLayerImpl<C extends org.deeplearning4j.nn.conf.layers.BaseLayer & QuantComputeLayer>
        extends BaseLayer<C> implements QuantizerStats, IntegerBiasLayer {

    /** The last training forward pass, for the backward pass. */
    private transient LayerPass lastPass;
    /** Share of clamped output codes in the last quantized forward pass. */
    private transient double clippedFraction = Double.NaN;
    /** Reads {@code S_in} of the input codes ({@link InputScales}), NaN when unknown. */
    private transient DoubleSupplier inputScale = () -> Double.NaN;

    protected QuantComputeLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * Weights as a matrix with one output channel per row. Must be a view when {@code w} is.
     *
     * @param w weights in the layer's layout
     * @return {@code [outputChannels, K]}
     */
    protected abstract INDArray weightRows(INDArray w);

    /**
     * Inverse of {@link #weightRows}: rows back into the layer's weight layout.
     *
     * @param rows {@code [outputChannels, K]}
     * @return weights in the layer's layout
     */
    protected abstract INDArray fromWeightRows(INDArray rows);

    /**
     * The linear part: matrix product or convolution, plus bias when given.
     *
     * @param x input
     * @param w effective weights
     * @param b bias or null
     * @return the output, channels on dimension 1
     */
    protected abstract INDArray linear(INDArray x, INDArray w, INDArray b);

    /**
     * Backward pass of {@link #linear}.
     *
     * @param x input
     * @param w effective weights
     * @param dy gradient of the output
     * @param withBias whether the bias gradient is needed
     * @return {@code {dx, dW, db}} ({@code db} null without bias)
     */
    protected abstract INDArray[] linearBackward(INDArray x, INDArray w, INDArray dy, boolean withBias);

    /** @return the dimensions reduced for per-channel statistics: dense {0}, conv {0, 2, 3} */
    protected abstract int[] statDims();

    /** @return the layer's quantization settings */
    protected QuantLayerSettings settings() {
        return layerConf().getQuant();
    }

    /** @return the step used for the quantization schedule */
    protected long step() {
        return getIterationCount();
    }

    /**
     * The weights as the integer model uses them, computed exactly as the forward pass
     * fake-quantizes them: batch norm folded ({@link BatchNormFold#fold}), integer codes per output
     * row with their scales, and the folded float bias ({@link BatchNormFold#bias}, or {@code b}
     * without batch norm).
     *
     * @return codes {@code [outputChannels, K]} (integer-valued), row scales and bias
     */
    public FoldedWeights foldedWeights() {
        QuantLayerSettings q = settings();
        INDArray rows = weightRows(getParam(QuantParams.WEIGHT));
        BatchNormFold fold = batchNormFold();
        return fold == null
                ? FoldedWeights.of(rows, q.weights(), getParam(QuantParams.BIAS))
                : FoldedWeights.of(fold.fold(rows), q.weights(), fold.bias());
    }

    /** @return the fold of the current running statistics, null without batch norm */
    private BatchNormFold batchNormFold() {
        QuantLayerSettings q = settings();
        return q.batchNorm() ? BatchNormFold.of(getParam(QuantParams.GAMMA), getParam(QuantParams.BETA),
                getParam(QuantParams.RUNNING_MEAN), getParam(QuantParams.RUNNING_VAR), q.batchNormEps()) : null;
    }

    @Override
    public void readInputScaleFrom(DoubleSupplier inputScale) {
        this.inputScale = inputScale;
    }

    @Override
    public double clippedFraction() {
        return clippedFraction;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        lastPass = null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray out;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            LayerPass p = forward(input, training, true);
            lastPass = training ? p : null;
            out = p.output();
        }
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray epsNext;
        Gradient g = new DefaultGradient();
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            LayerPass p = lastPass != null ? lastPass : forward(input, true, false);
            epsNext = backward(p, epsilon, g);
        }
        lastPass = null;
        epsNext = backpropDropOutIfPresent(workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsNext));
        return new Pair<>(g, epsNext);
    }

    /**
     * The forward pass with the tail for the layer's data type and activation: the fused FLOAT
     * loops where they apply, ND4J operations otherwise.
     *
     * @param x input
     * @param training training mode (batch statistics, observers)
     * @param updateState update observer ranges and batch-norm running statistics
     * @return the output and the intermediates the backward pass needs
     */
    LayerPass forward(INDArray x, boolean training, boolean updateState) {
        return forward(x, training, updateState,
                ComputeTail.of(getParam(QuantParams.WEIGHT).dataType(), layerConf().getActivationFn()));
    }

    /**
     * The forward pass: {@code y = linear(x, W_eff)}, then the tail.
     *
     * @param x input
     * @param training training mode (batch statistics, observers)
     * @param updateState update observer ranges and batch-norm running statistics
     * @param tail the tail implementation
     * @return the output and the intermediates the backward pass needs
     */
    LayerPass forward(INDArray x, boolean training, boolean updateState, ComputeTail tail) {
        QuantLayerSettings q = settings();
        long step = step();
        BatchNormFold fold = batchNormFold();
        INDArray w = getParam(QuantParams.WEIGHT);
        x = x.castTo(w.dataType());
        INDArray wEff = w;
        INDArray wMask = null;
        INDArray bias = fold == null ? getParam(QuantParams.BIAS) : null;
        if (q.schedule().quantizing(step)) {
            INDArray quantized = fold == null ? weightRows(w) : fold.fold(weightRows(w));
            INDArray scales = WeightFakeQuant.rowScales(quantized, q.weights());
            double sIn = inputScale.getAsDouble();
            if (bias != null && !Double.isNaN(sIn)) {
                bias = IntegerBias.represented(bias, sIn, scales.castTo(DataType.DOUBLE).reshape(scales.length())
                        .toDoubleVector());
            }
            boolean clipped = q.weights().ste() == SteMode.CLIPPED;
            FakeQuant.Masked m = WeightFakeQuant.apply(quantized, scales, q.weights(), clipped);
            wEff = fromWeightRows(fold == null ? m.values() : fold.unfoldInPlace(m.values()));
            wMask = m.mask() == null ? null : fromWeightRows(m.mask());
        }
        INDArray y = linear(x, wEff, bias);
        ComputeTail.Inputs in = fold == null
                ? new ComputeTail.Inputs(q, layerConf().getActivationFn(), statDims(), null, null, null, null, null,
                        outputRange(), step, training, updateState)
                : new ComputeTail.Inputs(q, layerConf().getActivationFn(), statDims(), fold, getParam(QuantParams.GAMMA),
                        getParam(QuantParams.BETA), getParam(QuantParams.RUNNING_MEAN), getParam(QuantParams.RUNNING_VAR),
                        outputRange(), step, training, updateState);
        ComputeTail.Pass tailPass = tail.forward(y, in);
        if (q.output() != null) {
            clippedFraction = tailPass.clippedFraction();
        }
        return new LayerPass(x, wEff, wMask, tailPass);
    }

    private INDArray outputRange() {
        return settings().output() == null ? null : getParam(QuantParams.OUTPUT_RANGE);
    }

    /**
     * The backward pass: the tail's, then the linear part's; writes the parameter gradients.
     *
     * @param p the forward pass
     * @param epsilon gradient of the output
     * @param g receives the gradients
     * @return the gradient of the input
     */
    INDArray backward(LayerPass p, INDArray epsilon, Gradient g) {
        QuantLayerSettings q = settings();
        ComputeTail.Gradients tg = p.tail().backward(epsilon);
        boolean withBias = !q.batchNorm();
        INDArray[] lin = linearBackward(p.x(), p.wEff(), tg.dY(), withBias);
        INDArray dW = p.wMask() != null ? lin[1].mul(p.wMask()) : lin[1];
        gradientViews.get(QuantParams.WEIGHT).assign(dW);
        g.setGradientFor(QuantParams.WEIGHT, gradientViews.get(QuantParams.WEIGHT));
        if (withBias) {
            gradientViews.get(QuantParams.BIAS).assign(lin[2]);
            g.setGradientFor(QuantParams.BIAS, gradientViews.get(QuantParams.BIAS));
        } else {
            gradientViews.get(QuantParams.GAMMA).assign(tg.dGamma());
            gradientViews.get(QuantParams.BETA).assign(tg.dBeta());
            g.setGradientFor(QuantParams.GAMMA, gradientViews.get(QuantParams.GAMMA));
            g.setGradientFor(QuantParams.BETA, gradientViews.get(QuantParams.BETA));
            zeroStateGradient(g, QuantParams.RUNNING_MEAN);
            zeroStateGradient(g, QuantParams.RUNNING_VAR);
        }
        if (q.output() != null) {
            zeroStateGradient(g, QuantParams.OUTPUT_RANGE);
        }
        return lin[0];
    }

    private void zeroStateGradient(Gradient g, String key) {
        INDArray view = gradientViews.get(key);
        view.assign(0);
        g.setGradientFor(key, view);
    }

    /**
     * One forward pass of the layer, kept for its backward pass.
     *
     * @param x input (in the weights' data type)
     * @param wEff effective (fake-quantized) weights
     * @param wMask clipped straight-through mask of the weights, or null
     * @param tail the tail's pass
     */
    record LayerPass(INDArray x, INDArray wEff, INDArray wMask, ComputeTail.Pass tail) {

        /** @return the layer's output */
        INDArray output() {
            return tail.output();
        }
    }
}
