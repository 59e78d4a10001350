package io.qat4j.graph.layers;

import io.qat4j.quant.layers.QuantParams;
import io.qat4j.quant.layers.impl.ActivationQuantization;
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

/** Implementation of {@link DoublingQuantizerLayer}: {@code y = Q_a(2 x)}, {@code dx = 2 dy} (masked by a clipped STE). */
public class DoublingQuantizerLayerImpl extends BaseLayer<DoublingQuantizerLayer> {

    private transient INDArray mask;

    /**
     * @param conf configuration
     * @param dataType network data type
     */
    public DoublingQuantizerLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
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
            ActivationQuantization.Result r = ActivationQuantization.apply(input.mul(2), layerConf().getSpec(),
                    layerConf().getSchedule(), getParam(QuantParams.OUTPUT_RANGE), getIterationCount(), training, true);
            mask = training ? r.gradMask() : null;
            out = r.values();
        }
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray eps = mask == null ? epsilon.mul(2) : epsilon.mul(mask).muli(2);
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
