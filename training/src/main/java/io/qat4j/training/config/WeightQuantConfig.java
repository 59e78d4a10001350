package io.qat4j.training.config;

import java.util.Objects;

/**
 * {@code quantization.weights}: how weights are fake-quantized. Weights are always signed,
 * symmetric ({@code Z = 0}) and narrow-range, {@code [-(2^(b-1)-1), 2^(b-1)-1]} (DESIGN.md
 * section 3; Jacob et al. 2018; PyTorch {@code qint8} with {@code quant_min=-127}).
 *
 * @param bits bit width, 2..8 (default 8); a layer's {@code weightBits} overrides it
 * @param granularity per-tensor or per-output-channel scales (default {@code per-channel})
 * @param observer {@code minmax} or {@code percentile} (default {@code minmax})
 * @param percentile for the percentile observer: fraction of the largest magnitudes clipped, in
 *     {@code [0, 0.5)} (default 0.001; not in DESIGN's schema, added because a percentile observer
 *     needs one)
 */
public record WeightQuantConfig(int bits, Granularity granularity, ObserverKind observer,
        double percentile) {

    /** Default weight bit width. */
    public static final int DEFAULT_BITS = 8;

    /** Default clipped fraction of the percentile observer. */
    public static final double DEFAULT_PERCENTILE = 0.001;

    /** Defaults: 8 bits, per channel, min/max. */
    public static final WeightQuantConfig DEFAULT = new WeightQuantConfig(
            DEFAULT_BITS, Granularity.PER_CHANNEL, ObserverKind.MINMAX, DEFAULT_PERCENTILE);

    /** Checks that all components are present and the observer is one weights may use. */
    public WeightQuantConfig {
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(observer, "observer");
        if (observer == ObserverKind.EMA) {
            throw new IllegalArgumentException("weights use minmax or percentile observers");
        }
    }
}
