package io.qat4j.quant.export;

import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/**
 * Exports DL4J's {@link GlobalPoolingLayer} with average pooling, as a pending operation that the
 * following activation quantizer requantizes in one step (TFLite's quantized {@code MEAN}).
 */
public final class GlobalPoolingExportHandler implements Int8ExportHandler {

    @Override
    public Class<?> configurationClass() {
        return GlobalPoolingLayer.class;
    }

    @Override
    public void exportTo(Object configuration, ExportContext ctx) {
        GlobalPoolingLayer g = (GlobalPoolingLayer) configuration;
        if (g.getPoolingType() != PoolingType.AVG) {
            throw new UnsupportedOperationException("cannot export vertex '" + ctx.name() + "' (global " + g.getPoolingType()
                    + " pooling): the int8 executor has only global average pooling");
        }
        Int8Value in = ctx.input(0);
        String pool = ctx.name();
        ctx.setPendingOutput((quantizer, out) -> Int8Ops.globalAveragePool(quantizer, pool, in, out));
    }
}
