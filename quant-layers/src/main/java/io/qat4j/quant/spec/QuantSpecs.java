package io.qat4j.quant.spec;

/**
 * Named presets for the usual quantizers (TFLite int8 specification; PyTorch's default QAT
 * qconfig for activations).
 */
public final class QuantSpecs {

    private QuantSpecs() {
    }

    /** 8-bit symmetric narrow-range weights, one scale per output channel. */
    public static final QuantSpec INT8_WEIGHT_PER_CHANNEL = weight(8, Granularity.PER_CHANNEL);
    /** 8-bit symmetric narrow-range weights, one scale per tensor. */
    public static final QuantSpec INT8_WEIGHT_PER_TENSOR = weight(8, Granularity.PER_TENSOR);
    /** 4-bit symmetric narrow-range weights, one scale per output channel. */
    public static final QuantSpec INT4_WEIGHT_PER_CHANNEL = weight(4, Granularity.PER_CHANNEL);
    /** 8-bit asymmetric activations in {@code [-128, 127]}, EMA observer with momentum 0.01. */
    public static final QuantSpec INT8_ACTIVATION = activation(8, ObserverSpec.EMA);

    /**
     * @param bits 2..8
     * @param granularity per tensor or per channel
     * @return symmetric narrow-range weight quantization with a min/max observer and plain STE
     */
    public static QuantSpec weight(int bits, Granularity granularity) {
        return new QuantSpec(bits, true, true, true, granularity, 1, ObserverSpec.MIN_MAX, SteMode.PLAIN);
    }

    /**
     * @param bits 2..8
     * @param observer range estimator
     * @return asymmetric signed per-tensor activation quantization with clipped STE
     */
    public static QuantSpec activation(int bits, ObserverSpec observer) {
        return new QuantSpec(bits, true, false, false, Granularity.PER_TENSOR, 1, observer, SteMode.CLIPPED);
    }
}
