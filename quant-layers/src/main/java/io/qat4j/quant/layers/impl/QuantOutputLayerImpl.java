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
 * masked afterwards. The bias, through the same hook and cached with the weight, is the integer
 * model's ({@link IntegerBias#represented}, in units of the same row scales) once
 * {@link InputScales} has connected the layer to its input scale.
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
        boolean weight = DefaultParamInitializer.WEIGHT_KEY.equals(param);
        if (!q.schedule().quantizing(getIterationCount()) || !(weight || DefaultParamInitializer.BIAS_KEY.equals(param))) {
            return getParam(param);
        }
        if (training && weightNoiseParams.containsKey(param)) {
            return weightNoiseParams.get(param);
        }
        INDArray wq;
        INDArray b;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            // one computation of the row scales per step, shared by the weight and the bias
            INDArray rows = getParam(DefaultParamInitializer.WEIGHT_KEY).transpose();
            INDArray scales = WeightFakeQuant.rowScales(rows, q.weights());
            boolean clipped = q.weights().ste() == SteMode.CLIPPED;
            FakeQuant.Masked m = WeightFakeQuant.apply(rows, scales, q.weights(), clipped && training);
            wq = m.values().transpose().dup('c');
            double sIn = inputScale.getAsDouble();
            b = Double.isNaN(sIn) ? getParam(DefaultParamInitializer.BIAS_KEY)
                    : IntegerBias.represented(getParam(DefaultParamInitializer.BIAS_KEY), sIn,
                            scales.castTo(DataType.DOUBLE).reshape(scales.length()).toDoubleVector());
            if (training) {
                weightMask = m.mask() == null ? null : m.mask().transpose().dup('c');
            }
        }
        if (training) {
            weightNoiseParams.put(DefaultParamInitializer.WEIGHT_KEY, wq);
            weightNoiseParams.put(DefaultParamInitializer.BIAS_KEY, b);
        }
        return weight ? wq : b;
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
