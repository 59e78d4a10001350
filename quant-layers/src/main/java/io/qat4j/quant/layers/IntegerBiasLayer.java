package io.qat4j.quant.layers;

/**
 * A layer implementation whose fake-quantized forward pass adds its bias as the integer model adds
 * it ({@link io.qat4j.quant.math.IntegerBias}) once it knows the scale of its input codes, which
 * lives in another vertex and which {@link InputScales#bind} supplies.
 */
public interface IntegerBiasLayer {

    /**
     * @param scale {@code S_in} of the layer's input codes, as exported; NaN when unknown (the layer
     *     then adds its float bias)
     */
    void useInputScale(double scale);
}
