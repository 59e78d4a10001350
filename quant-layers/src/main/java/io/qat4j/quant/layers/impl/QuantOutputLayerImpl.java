package io.qat4j.quant.layers.impl;

import io.qat4j.quant.layers.InputScales;
import io.qat4j.quant.layers.IntegerBiasLayer;
import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.layers.QuantOutputLayer;
import io.qat4j.quant.math.FakeQuant;
import io.qat4j.quant.math.IntegerBias;
import io.qat4j.quant.math.WeightFakeQuant;
import io.qat4j.quant.spec.SteMode;
import java.util.function.DoubleSupplier;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Implementation of {@link QuantOutputLayer}: DL4J's output layer, whose weight is replaced by
 * its fake-quantized value through the {@code getParamWithNoise} hook. The hook caches the value
 * for the forward and backward pass of one step (cleared by the network after backprop), which
 * makes the weight gradient the plain straight-through estimate; with a clipped STE the gradient is
 * masked afterwards. The bias, through the same hook, is the integer model's
 * ({@link IntegerBias#represented}) once {@link InputScales} has connected the layer to its input
 * scale.
 */
public class QuantOutputLayerImpl extends BaseOutputLayer<QuantOutputLayer> implements IntegerBiasLayer {

    private transient INDArray weightMask;
    /** Reads {@code S_in} of the input codes ({@link InputScales}), NaN when unknown. */
    private transient DoubleSupplier inputScale = () -> Double.NaN;

    /**
     * @param conf layer configuration
     * @param dataType network data type
     */
    public QuantOutputLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected INDArray getLabels2d(LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
        return labels;
    }

    @Override
    public void readInputScaleFrom(DoubleSupplier inputScale) {
        this.inputScale = inputScale;
    }

    @Override
    protected INDArray getParamWithNoise(String param, boolean training, LayerWorkspaceMgr workspaceMgr) {
        QuantLayerSettings q = layerConf().getQuant();
        if (!q.schedule().quantizing(getIterationCount())) {
            return getParam(param);
        }
        if (DefaultParamInitializer.BIAS_KEY.equals(param)) {
            double sIn = inputScale.getAsDouble();
            if (Double.isNaN(sIn)) {
                return getParam(param);
            }
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
                return IntegerBias.represented(getParam(param), sIn,
                        WeightFakeQuant.rowScales(w.transpose(), q.weights()).castTo(DataType.DOUBLE).reshape(w.size(1))
                                .toDoubleVector());
            }
        }
        if (!DefaultParamInitializer.WEIGHT_KEY.equals(param)) {
            return getParam(param);
        }
        if (training && weightNoiseParams.containsKey(param)) {
            return weightNoiseParams.get(param);
        }
        INDArray wq;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray w = getParam(param);
            boolean clipped = q.weights().ste() == SteMode.CLIPPED;
            FakeQuant.Masked m = WeightFakeQuant.apply(w.transpose(), q.weights(), clipped && training);
            wq = m.values().transpose().dup('c');
            if (training) {
                weightMask = m.mask() == null ? null : m.mask().transpose().dup('c');
            }
        }
        if (training) {
            weightNoiseParams.put(param, wq);
        }
        return wq;
    }

    /**
     * @return integer weight codes {@code [nOut, nIn]}, row scales and the float bias, computed as
     *     the forward pass fake-quantizes the weights
     */
    public FoldedWeights foldedWeights() {
        return FoldedWeights.of(getParam(DefaultParamInitializer.WEIGHT_KEY).transpose(), layerConf().getQuant().weights(),
                getParam(DefaultParamInitializer.BIAS_KEY));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        Pair<Gradient, INDArray> out = super.backpropGradient(epsilon, workspaceMgr);
        if (weightMask != null && layerConf().getQuant().schedule().quantizing(getIterationCount())) {
            gradientViews.get(DefaultParamInitializer.WEIGHT_KEY).muli(weightMask);
        }
        return out;
    }

    @Override
    public void clearNoiseWeightParams() {
        super.clearNoiseWeightParams();
        weightMask = null;
    }
}
