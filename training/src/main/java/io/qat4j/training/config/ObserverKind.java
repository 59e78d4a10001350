package io.qat4j.training.config;

/**
 * How a quantizer tracks the range {@code [min, max]} that its scale and zero point come from
 * (DESIGN.md section 4; PyTorch {@code MinMaxObserver}, {@code MovingAverageMinMaxObserver};
 * Degree-Quant's percentile ranges, Tailor et al., ICLR 2021).
 */
public enum ObserverKind implements ConfigChoice {
    /** Running minimum and maximum of everything seen. */
    MINMAX("minmax"),
    /** Exponential moving average of per-batch minimum and maximum (Jacob et al. 2018). */
    EMA("ema"),
    /** The given lower and upper percentiles of the values, robust to outliers. */
    PERCENTILE("percentile");

    private final String yamlName;

    ObserverKind(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
