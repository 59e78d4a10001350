package io.qat4j.quant.export;

import org.deeplearning4j.nn.conf.layers.DropoutLayer;

/** Exports DL4J's {@link DropoutLayer}: the identity at inference (Srivastava et al., JMLR 2014), so it is removed. */
public final class DropoutExportHandler implements Int8ExportHandler {

    @Override
    public Class<?> configurationClass() {
        return DropoutLayer.class;
    }

    @Override
    public void exportTo(Object configuration, ExportContext ctx) {
        ctx.passThrough(0);
    }
}
