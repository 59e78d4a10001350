package io.qat4j.quant.layers;

import java.util.function.DoubleSupplier;

/**
 * A layer implementation whose fake-quantized forward pass adds its bias as the integer model adds
 * it ({@link io.qat4j.quant.math.IntegerBias}) once it can read the scale of its input codes, which
 * lives in another vertex and which {@link InputScales#bind} connects it to.
 */
public interface IntegerBiasLayer {

    /**
     * @param inputScale reads {@code S_in} of the layer's input codes, as exported, at each forward
     *     pass; NaN while unknown (the layer then adds its float bias)
     */
    void readInputScaleFrom(DoubleSupplier inputScale);
}
