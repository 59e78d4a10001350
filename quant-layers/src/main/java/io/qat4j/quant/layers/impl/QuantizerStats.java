package io.qat4j.quant.layers.impl;

/**
 * Statistics of a layer's output quantizer for monitoring (TensorBoard): the share of the last
 * forward pass's values that fell outside the quantized range and were clamped.
 */
public interface QuantizerStats {

    /** @return fraction of clamped values in the last quantized forward pass, NaN when unknown */
    double clippedFraction();
}
