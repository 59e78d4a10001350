package io.qat4j.training.config;

import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.quant.spec.QuantSpecs;
import io.qat4j.quant.spec.SteMode;
import java.util.Objects;

/**
 * The {@code quantization} section. When the section is absent, or {@code enabled: false}, the
 * model trains in FP32; the other settings keep their (validated) values so that one switch turns
 * quantization on and off. When the section is present, {@code enabled} defaults to true.
 *
 * <p>The model builder does not read the YAML-shaped components directly but asks for quantizer
 * values: {@link #weightSpec(int)}, {@link #activationSpec()} and {@link #effectiveSchedule()}.
 *
 * @param enabled whether fake quantization is applied
 * @param weights weight quantizers
 * @param activations activation quantizers
 * @param ste straight-through estimator of weights and activations (default
 *     {@link SteMode#CLIPPED}, spelled {@code clipped})
 * @param schedule when quantization and freezing begin, in training iterations; a freeze step
 *     that is absent (or null) in the YAML is -1, "never" (any negative step is stored as -1).
 *     Default {@link QuantSchedule#ALWAYS}: no warm-up, never freeze
 */
public record QuantizationConfig(boolean enabled, WeightQuantConfig weights,
        ActivationQuantConfig activations, SteMode ste, QuantSchedule schedule) {

    /** FP32 training: quantization disabled, every other setting at its default. */
    public static final QuantizationConfig DISABLED = new QuantizationConfig(false,
            WeightQuantConfig.DEFAULT, ActivationQuantConfig.DEFAULT, SteMode.CLIPPED,
            QuantSchedule.ALWAYS);

    /**
     * Checks that all components are present, and writes every "never" freeze step as -1 so that
     * equal schedules are equal records (and the written YAML reads back equal).
     */
    public QuantizationConfig {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(ste, "ste");
        Objects.requireNonNull(schedule, "schedule");
        if (schedule.freezeObserversStep() < -1 || schedule.freezeBatchNormStep() < -1) {
            schedule = new QuantSchedule(schedule.fp32WarmupSteps(),
                    Math.max(schedule.freezeObserversStep(), -1),
                    Math.max(schedule.freezeBatchNormStep(), -1));
        }
    }

    /**
     * The weight quantizer of a layer: signed, symmetric, narrow-range codes of the given width
     * ({@link QuantSpecs#weight(int, io.qat4j.quant.spec.Granularity)}) with the configured
     * granularity, observer ({@code minmax} or {@code percentile}) and straight-through
     * estimator. Returned whether or not quantization is {@link #enabled()}.
     *
     * @param bits the layer's weight bit width, usually
     *     {@link LayerConfig#effectiveWeightBits(QuantizationConfig)}
     * @return the weight quantizer
     * @throws IllegalArgumentException if {@code bits} is outside 2..8
     */
    public QuantSpec weightSpec(int bits) {
        return QuantSpecs.weight(bits, weights.granularity())
                .withObserver(weights.observerSpec())
                .withSte(ste);
    }

    /**
     * The activation quantizer: asymmetric, per tensor, with the configured bit width, observer
     * ({@code minmax}, {@code ema} with its momentum, or {@code percentile}) and straight-through
     * estimator ({@link QuantSpecs#activation(int, io.qat4j.quant.spec.ObserverSpec)}). Returned
     * whether or not quantization is {@link #enabled()}.
     *
     * @return the activation quantizer
     */
    public QuantSpec activationSpec() {
        return QuantSpecs.activation(activations.bits(), activations.observerSpec())
                .withSte(ste);
    }

    /**
     * @return the configured {@link #schedule()} when quantization is enabled, otherwise
     *     {@link QuantSchedule#NEVER} (FP32 training)
     */
    public QuantSchedule effectiveSchedule() {
        return enabled ? schedule : QuantSchedule.NEVER;
    }
}
