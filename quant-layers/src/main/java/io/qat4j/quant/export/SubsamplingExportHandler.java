package io.qat4j.quant.export;

import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * Exports DL4J's {@link SubsamplingLayer}: max pooling as an int8 max pool that keeps its input's
 * quantization; average pooling as a pending operation that the following activation quantizer
 * requantizes in one step (TFLite's quantized {@code MAX_POOL_2D} and {@code AVERAGE_POOL_2D}).
 */
public final class SubsamplingExportHandler implements Int8ExportHandler {

    @Override
    public Class<?> configurationClass() {
        return SubsamplingLayer.class;
    }

    @Override
    public void exportTo(Object configuration, ExportContext ctx) {
        SubsamplingLayer s = (SubsamplingLayer) configuration;
        Int8Value in = ctx.input(0);
        int[] sh = in.shape();
        var w = Int8Ops.window(s.getConvolutionMode(), sh[1], sh[2], s.getKernelSize(), s.getStride(), new int[] {1, 1},
                s.getPadding());
        if (s.getPoolingType() == PoolingType.AVG) {
            String pool = ctx.name();
            ctx.setPendingOutput((quantizer, out) -> Int8Ops.averagePool(quantizer, pool, in, w, out));
        } else if (s.getPoolingType() == PoolingType.MAX) {
            ctx.setOutput(Int8Ops.maxPool(ctx, in, w));
        } else {
            throw new UnsupportedOperationException("vertex '" + ctx.name() + "': pooling " + s.getPoolingType()
                    + " is not supported");
        }
    }
}
