package io.qat4j.training.config;

import java.util.Objects;

/**
 * The {@code quantization} section. When the section is absent, or {@code enabled: false}, the
 * model trains in FP32; the other settings keep their (validated) values so that one switch turns
 * quantization on and off. When the section is present, {@code enabled} defaults to true.
 *
 * @param enabled whether fake quantization is applied
 * @param weights weight quantizers
 * @param activations activation quantizers
 * @param ste straight-through estimator (default {@code clipped})
 * @param schedule when quantization and freezing begin
 */
public record QuantizationConfig(boolean enabled, WeightQuantConfig weights,
        ActivationQuantConfig activations, SteVariant ste, QuantSchedule schedule) {

    /** FP32 training: quantization disabled, every other setting at its default. */
    public static final QuantizationConfig DISABLED = new QuantizationConfig(false,
            WeightQuantConfig.DEFAULT, ActivationQuantConfig.DEFAULT, SteVariant.CLIPPED,
            QuantSchedule.DEFAULT);

    /** Checks that all components are present. */
    public QuantizationConfig {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(ste, "ste");
        Objects.requireNonNull(schedule, "schedule");
    }
}
