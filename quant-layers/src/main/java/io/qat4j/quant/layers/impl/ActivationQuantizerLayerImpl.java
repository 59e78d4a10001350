package io.qat4j.quant.layers.impl;

import io.qat4j.quant.layers.ActivationQuantizerLayer;
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
 * Implementation of {@link ActivationQuantizerLayer}: {@code y = Q_a(x)}, gradient
 * {@code dx = dy * mask} (clipped STE) or {@code dy} (plain STE).
 */
public class ActivationQuantizerLayerImpl extends BaseLayer<ActivationQuantizerLayer> implements QuantizerStats {

    private transient INDArray mask;
    private transient double clippedFraction = Double.NaN;

    /**
     * @param conf layer configuration
     * @param dataType network data type
     */
    public ActivationQuantizerLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
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
            ActivationQuantization.Result m = ActivationQuantization.apply(input, layerConf().getSpec(), layerConf().getSchedule(),
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
        INDArray eps = mask == null ? epsilon : epsilon.mul(mask);
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
