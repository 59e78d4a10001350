package io.qat4j.quant.spec;

/**
 * How to observe a real range: the kind and its parameters.
 *
 * @param kind the estimator
 * @param momentum EMA momentum in {@code (0, 1]}; used by {@link ObserverKind#EMA_MIN_MAX}
 * @param percentile lower tail fraction in {@code [0, 0.5)}; the range is
 *     {@code [P(percentile), P(1 - percentile)]}; used by {@link ObserverKind#PERCENTILE}
 */
public record ObserverSpec(ObserverKind kind, double momentum, double percentile) {

    /** Running min/max. */
    public static final ObserverSpec MIN_MAX = new ObserverSpec(ObserverKind.MIN_MAX, 1.0, 0.0);
    /** EMA of min/max with momentum 0.01, PyTorch's default. */
    public static final ObserverSpec EMA = ema(0.01);

    /** @throws IllegalArgumentException if a parameter is out of range */
    public ObserverSpec {
        if (kind == null) {
            throw new IllegalArgumentException("observer kind is required");
        }
        if (!(momentum > 0 && momentum <= 1)) {
            throw new IllegalArgumentException("observer momentum must be in (0, 1], got " + momentum);
        }
        if (!(percentile >= 0 && percentile < 0.5)) {
            throw new IllegalArgumentException("observer percentile must be in [0, 0.5), got " + percentile);
        }
    }

    /**
     * @param momentum EMA momentum
     * @return an EMA min/max observer
     */
    public static ObserverSpec ema(double momentum) {
        return new ObserverSpec(ObserverKind.EMA_MIN_MAX, momentum, 0.0);
    }

    /**
     * @param percentile lower tail fraction, e.g. 0.001
     * @return a percentile observer
     */
    public static ObserverSpec percentile(double percentile) {
        return new ObserverSpec(ObserverKind.PERCENTILE, 1.0, percentile);
    }
}
