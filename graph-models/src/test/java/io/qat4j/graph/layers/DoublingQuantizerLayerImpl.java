package io.qat4j.graph.layers;

import io.qat4j.quant.layers.impl.ElementwiseQuantizerLayerImpl;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Implementation of {@link DoublingQuantizerLayer}: {@code y = Q_a(2 x)}, {@code dx = 2 dy} (masked by a clipped STE). */
public class DoublingQuantizerLayerImpl extends ElementwiseQuantizerLayerImpl<DoublingQuantizerLayer> {

    /**
     * @param conf configuration
     * @param dataType network data type
     */
    public DoublingQuantizerLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected INDArray beforeQuantization(INDArray x) {
        return x.mul(2);
    }

    @Override
    protected INDArray inputGradient(INDArray dF) {
        return dF.mul(2);
    }
}
