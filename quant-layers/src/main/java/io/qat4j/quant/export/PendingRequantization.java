package io.qat4j.quant.export;

import io.qat4j.executor.quant.AffineQuantParams;

/**
 * A vertex output that is not an int8 tensor on its own: the operator producing it needs the
 * output scale and zero point of the activation quantizer that follows, and is emitted fused with
 * that requantization (e.g. an average pool, whose mean is requantized in one step, as TFLite's
 * quantized {@code AVERAGE_POOL_2D}).
 */
@FunctionalInterface
public interface PendingRequantization {

    /**
     * Emits the operator with its output requantized to {@code out}.
     *
     * @param quantizer the export context of the activation quantizer that follows
     * @param out that quantizer's parameters
     * @return the int8 output value, named after the quantizer's vertex
     */
    Int8Value requantize(ExportContext quantizer, AffineQuantParams out);
}
