package io.qat4j.quant.layers.impl;

import io.qat4j.quant.layers.QuantConv2dLayer;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Implementation of {@link QuantConv2dLayer} on libnd4j's {@code conv2d} and {@code conv2d_bp}
 * ops (NCHW input, weights {@code [nOut, nIn, kH, kW]}, i.e. weight format OIYX).
 */
public class QuantConv2dLayerImpl extends QuantComputeLayerImpl<QuantConv2dLayer> {

    /** libnd4j weight format index for {@code [oC, iC, kH, kW]}. */
    private static final int WEIGHT_FORMAT_OIYX = 1;
    /** libnd4j data format index for NCHW. */
    private static final int DATA_FORMAT_NCHW = 0;

    /**
     * @param conf layer configuration
     * @param dataType network data type
     */
    public QuantConv2dLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    protected INDArray weightRows(INDArray w) {
        return w.reshape('c', w.size(0), w.length() / w.size(0));
    }

    @Override
    protected INDArray fromWeightRows(INDArray rows) {
        return rows.reshape('c', layerConf().weightShape());
    }

    private int[] intArgs() {
        QuantConv2dLayer c = layerConf();
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] p = c.getPadding();
        int[] d = c.getDilation();
        boolean same = c.getConvolutionMode() == ConvolutionMode.Same;
        return new int[] {k[0], k[1], s[0], s[1], same ? 0 : p[0], same ? 0 : p[1], d[0], d[1],
                same ? 1 : 0, DATA_FORMAT_NCHW, WEIGHT_FORMAT_OIYX};
    }

    @Override
    protected INDArray linear(INDArray x, INDArray w, INDArray b) {
        if (x.rank() != 4 || x.size(1) != w.size(1)) {
            throw new IllegalArgumentException("QuantConv2dLayer " + layerId() + ": expected input [batch, "
                    + w.size(1) + ", h, w], got " + Arrays.toString(x.shape()));
        }
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d")
                .addInputs(b == null ? new INDArray[] {x, w} : new INDArray[] {x, w, b})
                .addIntegerArguments(intArgs());
        return Nd4j.exec(op.build())[0];
    }

    @Override
    protected INDArray[] linearBackward(INDArray x, INDArray w, INDArray dy, boolean withBias) {
        INDArray[] in = withBias
                ? new INDArray[] {x, w, Nd4j.zeros(w.dataType(), w.size(0)), dy}
                : new INDArray[] {x, w, dy};
        INDArray[] out = Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(in)
                .addIntegerArguments(intArgs()).build());
        return new INDArray[] {out[0], out[1], withBias ? out[2] : null};
    }

    @Override
    protected int[] statDims() {
        return new int[] {0, 2, 3};
    }
}
