package io.qat4j.training.config;

import io.qat4j.graph.layers.DegreeQuantMask;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.quant.spec.QuantSpecs;
import io.qat4j.quant.spec.SteMode;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code quantization} section. When the section is absent, or {@code enabled: false}, the
 * model trains in FP32; the other settings keep their (validated) values so that one switch turns
 * quantization on and off. When the section is present, {@code enabled} defaults to true.
 *
 * <p>The model builder does not read the YAML-shaped components directly but asks for quantizer
 * values: {@link #weightSpec(int)}, {@link #activationSpec()} and
 * {@link #effectiveSchedule(long, long, String)}.
 *
 * @param enabled whether fake quantization is applied
 * @param weights weight quantizers
 * @param activations activation quantizers
 * @param ste straight-through estimator of weights and activations (default
 *     {@link SteMode#CLIPPED}, spelled {@code clipped})
 * @param schedule when quantization and freezing begin, in steps, epochs or fractions of the run
 *     (resolved to steps by {@link #effectiveSchedule(long, long, String)}). Default
 *     {@link ScheduleConfig#ALWAYS}: no warm-up, never freeze
 * @param method {@code qat} (default) or {@code degree-quant} (graph neural networks only)
 * @param degreeQuant Degree-Quant's protection probabilities (default per activation width:
 *     {@link DegreeQuantConfig#defaultFor})
 */
public record QuantizationConfig(boolean enabled, WeightQuantConfig weights,
        ActivationQuantConfig activations, SteMode ste, ScheduleConfig schedule, QuantMethod method,
        DegreeQuantConfig degreeQuant) {

    /** FP32 training: quantization disabled, every other setting at its default. */
    public static final QuantizationConfig DISABLED = new QuantizationConfig(false,
            WeightQuantConfig.DEFAULT, ActivationQuantConfig.DEFAULT, SteMode.CLIPPED,
            ScheduleConfig.ALWAYS);

    /** Checks that all components are present. */
    public QuantizationConfig {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(ste, "ste");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(degreeQuant, "degreeQuant");
    }

    /**
     * Plain QAT ({@code method: qat}) with Degree-Quant's probabilities at their default for the
     * activation width.
     *
     * @param enabled whether the model is quantized
     * @param weights weight quantizers
     * @param activations activation quantizers
     * @param ste straight-through estimator
     * @param schedule when quantization and freezing begin
     */
    public QuantizationConfig(boolean enabled, WeightQuantConfig weights, ActivationQuantConfig activations,
            SteMode ste, ScheduleConfig schedule) {
        this(enabled, weights, activations, ste, schedule, QuantMethod.QAT,
                DegreeQuantConfig.defaultFor(activations.bits()));
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
     * The schedule the quantized layers follow in a run of a given length.
     *
     * @param batchesPerEpoch optimizer steps per epoch, {@code >= 1}
     * @param totalSteps optimizer steps of the run
     * @param run how messages name the run and its length
     * @return the configured {@link #schedule()} resolved to steps ({@link ScheduleConfig#resolve})
     *     when quantization is enabled, otherwise {@link QuantSchedule#NEVER} (FP32 training)
     * @throws io.qat4j.training.config.binding.ConfigException when the schedule does not fit the
     *     run (it would never fake-quantize, or never reach a freeze it sets)
     */
    public QuantSchedule effectiveSchedule(long batchesPerEpoch, long totalSteps, String run) {
        return enabled ? schedule.resolve(batchesPerEpoch, totalSteps, run) : QuantSchedule.NEVER;
    }

    /**
     * @return Degree-Quant's protective mask when this run trains with it (quantization enabled and
     *     {@code method: degree-quant}), else empty: the training data then draw no protected nodes
     */
    public Optional<DegreeQuantMask> degreeQuantMask() {
        return enabled && method == QuantMethod.DEGREE_QUANT ? Optional.of(degreeQuant.mask()) : Optional.empty();
    }
}
