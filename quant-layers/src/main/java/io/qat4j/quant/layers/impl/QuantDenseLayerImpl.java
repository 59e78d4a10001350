package io.qat4j.quant.layers.impl;

import io.qat4j.quant.layers.QuantDenseLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Implementation of {@link QuantDenseLayer}: {@code y = x . W_eff (+ b)}, {@code W} is
 * {@code [nIn, nOut]}, so output channels are its columns.
 */
public class QuantDenseLayerImpl extends QuantComputeLayerImpl<QuantDenseLayer> {

    /**
     * @param conf layer configuration
     * @param dataType network data type
     */
    public QuantDenseLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }

    @Override
    protected INDArray weightRows(INDArray w) {
        return w.transpose();
    }

    @Override
    protected INDArray fromWeightRows(INDArray rows) {
        return rows.transpose();
    }

    @Override
    protected INDArray linear(INDArray x, INDArray w, INDArray b) {
        if (x.rank() != 2 || x.size(1) != w.size(0)) {
            throw new IllegalArgumentException("QuantDenseLayer " + layerId() + ": expected input [batch, "
                    + w.size(0) + "], got " + java.util.Arrays.toString(x.shape()));
        }
        INDArray y = x.mmul(w);
        return b == null ? y : y.addiRowVector(b);
    }

    @Override
    protected INDArray[] linearBackward(INDArray x, INDArray w, INDArray dy, boolean withBias) {
        INDArray dx = dy.mmul(w.transpose());
        INDArray dw = x.transpose().mmul(dy);
        INDArray db = withBias ? dy.sum(0) : null;
        return new INDArray[] {dx, dw, db};
    }

    @Override
    protected int[] statDims() {
        return new int[] {0};
    }
}
