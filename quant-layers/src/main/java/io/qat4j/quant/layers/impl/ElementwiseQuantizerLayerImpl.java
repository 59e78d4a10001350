package io.qat4j.quant.layers.impl;

import io.qat4j.quant.layers.ElementwiseQuantizerLayer;
import io.qat4j.quant.layers.QuantParams;
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
 * Implementation of an {@link ElementwiseQuantizerLayer}: {@code y = Q_a(f(x))}, gradient
 * {@code dx = f'(dy * mask)} (clipped STE) or {@code f'(dy)} (plain STE), for an element-wise linear
 * {@code f}: the identity by default ({@link io.qat4j.quant.layers.ActivationQuantizerLayer}); a
 * subclass overrides {@link #beforeQuantization} and {@link #inputGradient} together.
 *
 * @param <C> the layer configuration
 */
public class ElementwiseQuantizerLayerImpl<C extends ElementwiseQuantizerLayer> extends BaseLayer<C>
        implements QuantizerStats {

    private transient INDArray mask;
    private transient double clippedFraction = Double.NaN;

    /**
     * @param conf layer configuration
     * @param dataType network data type
     */
    public ElementwiseQuantizerLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * @param x the layer input
     * @return {@code f(x)}, the values the output quantizer sees; the identity by default (may
     *     return {@code x} itself, which is not modified)
     */
    protected INDArray beforeQuantization(INDArray x) {
        return x;
    }

    /**
     * @param dF the gradient with respect to {@code f(x)}, already masked by the STE
     * @return the gradient with respect to {@code x}: {@code dF} for the identity
     */
    protected INDArray inputGradient(INDArray dF) {
        return dF;
    }

    @Override
    public double clippedFraction() {
        return clippedFraction;
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray out;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            ActivationQuantization.Result m = ActivationQuantization.apply(beforeQuantization(input), layerConf().getSpec(),
                    layerConf().getSchedule(),
                    getParam(QuantParams.OUTPUT_RANGE), getIterationCount(), training, true);
            mask = training ? m.gradMask() : null;
            clippedFraction = m.clippedFraction();
            out = m.values();
        }
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray eps = inputGradient(mask == null ? epsilon : epsilon.mul(mask));
        mask = null;
        INDArray gv = gradientViews.get(QuantParams.OUTPUT_RANGE);
        gv.assign(0);
        Gradient g = new DefaultGradient();
        g.setGradientFor(QuantParams.OUTPUT_RANGE, gv);
        return new Pair<>(g, workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, eps));
    }

    @Override
    public void clearNoiseWeightParams() {
        mask = null;
    }
}
