package io.qat4j.training.config;

import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverKind;
import io.qat4j.quant.spec.ObserverSpec;
import java.util.Objects;

/**
 * {@code quantization.weights}: how weights are fake-quantized. Weights are always signed,
 * symmetric ({@code Z = 0}) and narrow-range, {@code [-(2^(b-1)-1), 2^(b-1)-1]} (DESIGN.md
 * section 3; Jacob et al. 2018; PyTorch {@code qint8} with {@code quant_min=-127}).
 *
 * @param bits bit width, 2..8 (default 8); a layer's {@code weightBits} overrides it
 * @param granularity {@code per-tensor} or {@code per-channel} (output-channel) scales (default
 *     {@code per-channel}); {@link Granularity#PER_GROUP} is not offered by the config yet
 * @param observer {@code minmax} or {@code percentile} (default {@code minmax}); never
 *     {@link ObserverKind#EMA_MIN_MAX}, see {@link #EMA_REFUSAL}
 * @param percentile for the percentile observer: fraction of the largest magnitudes clipped, in
 *     {@code [0, 0.5)} (default 0.001; not in DESIGN's schema, added because a percentile observer
 *     needs one)
 */
public record WeightQuantConfig(int bits, Granularity granularity, ObserverKind observer,
        double percentile) {

    /** Default weight bit width. */
    public static final int DEFAULT_BITS = 8;

    /** Smallest bit width of weights (and activations) the config accepts. */
    public static final int MIN_BITS = 2;

    /** Largest bit width of weights (and activations) the config accepts. */
    public static final int MAX_BITS = 8;

    /** Default clipped fraction of the percentile observer. */
    public static final double DEFAULT_PERCENTILE = 0.001;

    /** Why weights have no EMA observer; part of the loader's error message. */
    static final String EMA_REFUSAL = "`ema` is for activations only: weights take their range"
            + " from the current tensor, so there is nothing to average over batches";

    /** Defaults: 8 bits, per channel, min/max. */
    public static final WeightQuantConfig DEFAULT = new WeightQuantConfig(
            DEFAULT_BITS, Granularity.PER_CHANNEL, ObserverKind.MIN_MAX, DEFAULT_PERCENTILE);

    /**
     * Checks that all components are present and that the granularity and observer are ones the
     * config offers for weights.
     */
    public WeightQuantConfig {
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(observer, "observer");
        if (!QuantizationSchema.GRANULARITY.offers(granularity)) {
            throw new IllegalArgumentException("weight granularity must be one of "
                    + QuantizationSchema.GRANULARITY.names() + ", got " + granularity);
        }
        if (observer == ObserverKind.EMA_MIN_MAX) {
            throw new IllegalArgumentException("weights use minmax or percentile observers; "
                    + EMA_REFUSAL);
        }
    }

    /**
     * @return the observer as a quantizer parameter: {@link ObserverSpec#MIN_MAX}, or
     *     {@link ObserverSpec#percentile(double)} with {@link #percentile()}
     */
    public ObserverSpec observerSpec() {
        return switch (observer) {
            case MIN_MAX -> ObserverSpec.MIN_MAX;
            case PERCENTILE -> ObserverSpec.percentile(percentile);
            case EMA_MIN_MAX -> throw new AssertionError("rejected by the constructor");
        };
    }
}
