package io.qat4j.training.config;

import io.qat4j.quant.spec.ObserverKind;
import io.qat4j.quant.spec.ObserverSpec;
import java.util.Objects;

/**
 * {@code quantization.activations}: how activations are fake-quantized: asymmetric, per tensor,
 * with an integer zero point and a range forced to contain 0 (DESIGN.md section 3).
 *
 * @param bits bit width, 2..8 (default 8)
 * @param observer {@code minmax}, {@code ema} or {@code percentile} (default {@code ema})
 * @param momentum EMA weight of the newest batch, in {@code (0, 1]} (default 0.01, as in PyTorch's
 *     {@code MovingAverageMinMaxObserver} {@code averaging_constant})
 * @param percentile for the percentile observer: fraction of values clipped at each end, in
 *     {@code [0, 0.5)} (default 0.001, Degree-Quant's INT8 choice)
 */
public record ActivationQuantConfig(int bits, ObserverKind observer, double momentum,
        double percentile) {

    /** Default activation bit width. */
    public static final int DEFAULT_BITS = 8;

    /** Default EMA momentum. */
    public static final double DEFAULT_MOMENTUM = 0.01;

    /** Default clipped fraction of the percentile observer. */
    public static final double DEFAULT_PERCENTILE = 0.001;

    /** Defaults: 8 bits, EMA with momentum 0.01. */
    public static final ActivationQuantConfig DEFAULT = new ActivationQuantConfig(
            DEFAULT_BITS, ObserverKind.EMA_MIN_MAX, DEFAULT_MOMENTUM, DEFAULT_PERCENTILE);

    /** Checks that the observer is present. */
    public ActivationQuantConfig {
        Objects.requireNonNull(observer, "observer");
    }

    /**
     * @return the observer as a quantizer parameter: {@link ObserverSpec#MIN_MAX},
     *     {@link ObserverSpec#ema(double)} with {@link #momentum()}, or
     *     {@link ObserverSpec#percentile(double)} with {@link #percentile()}
     */
    public ObserverSpec observerSpec() {
        return switch (observer) {
            case MIN_MAX -> ObserverSpec.MIN_MAX;
            case EMA_MIN_MAX -> ObserverSpec.ema(momentum);
            case PERCENTILE -> ObserverSpec.percentile(percentile);
        };
    }
}
