package io.qat4j.graph.layers;

import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverSpec;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.quant.spec.QuantSpecs;
import io.qat4j.quant.spec.SteMode;
import java.util.Objects;

/**
 * The quantization settings of a graph layer: its {@link GnnQuantMode}, the bit width of its
 * activations, its weight spec (symmetric, per tensor or per output channel, DESIGN.md section 3)
 * and its schedule. The activation quantizers follow from mode and bits
 * ({@link #activations()}): asymmetric per-tensor, with the mode's observer and estimator, the
 * settings of camlsys/degree-quant's {@code reddit_binary/main.py}.
 *
 * <p>Where this differs from the reference code, on purpose: weights follow the project's weight
 * spec (symmetric, scales from the current weights; the reference observes them like activations,
 * asymmetric); the clipped estimator is PyTorch's, zero where the unclamped code leaves
 * {@code [qMin, qMax]} (the reference's also zeroes the two boundary codes themselves,
 * {@code dq/quantization.py}); percentiles take the nearest rank {@code round(p (n - 1))} of
 * quant-layers' {@code Percentiles} (the reference's {@code kthvalue} takes rank
 * {@code floor(p n)}, one-based). Each changes single codes at the edges of a range, not the method.
 *
 * @param mode FP32, plain QAT or Degree-Quant
 * @param bits activation bit width, 8 or 4 (the widths Degree-Quant's percentiles and protection
 *     probabilities are set for)
 * @param weights weight spec, symmetric, per tensor or per channel
 * @param schedule float warm-up and observer freeze (batch-norm freeze for GIN's MLP)
 */
public record GnnQuantSettings(GnnQuantMode mode, int bits, QuantSpec weights, QuantSchedule schedule) {

    /** Degree-Quant's percentile at 8 bits ({@code --gc_per --int8}). */
    public static final double PERCENTILE_INT8 = 0.001;
    /** Degree-Quant's percentile at 4 bits ({@code --gc_per --int4}). */
    public static final double PERCENTILE_INT4 = 0.01;
    /** The plain-QAT baseline's EMA momentum ({@code --ste_mom}). */
    public static final double QAT_MOMENTUM = 0.01;

    /** @throws IllegalArgumentException on a missing or unsupported setting */
    public GnnQuantSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(schedule, "schedule");
        if (bits != 8 && bits != 4) {
            throw new IllegalArgumentException("graph layers quantize activations to 8 or 4 bits, got " + bits);
        }
        if (!weights.symmetric() || weights.granularity() == Granularity.PER_GROUP) {
            throw new IllegalArgumentException("graph-layer weights are symmetric, per tensor or per channel; got "
                    + weights);
        }
    }

    /** @return full precision (8-bit specs recorded, never used) */
    public static GnnQuantSettings fp32() {
        return new GnnQuantSettings(GnnQuantMode.FP32, 8, QuantSpecs.INT8_WEIGHT_PER_CHANNEL, QuantSchedule.NEVER);
    }

    /**
     * @param bits 8 or 4, for weights (per channel) and activations
     * @param schedule the schedule
     * @return plain QAT
     */
    public static GnnQuantSettings qat(int bits, QuantSchedule schedule) {
        return new GnnQuantSettings(GnnQuantMode.QAT, bits, QuantSpecs.weight(bits, Granularity.PER_CHANNEL), schedule);
    }

    /**
     * @param bits 8 or 4, for weights (per channel) and activations
     * @param schedule the schedule
     * @return Degree-Quant
     */
    public static GnnQuantSettings degreeQuant(int bits, QuantSchedule schedule) {
        return new GnnQuantSettings(GnnQuantMode.DEGREE_QUANT, bits, QuantSpecs.weight(bits, Granularity.PER_CHANNEL),
                schedule);
    }

    /** @return whether the layer fake-quantizes at all (and keeps observer state) */
    public boolean quantized() {
        return mode != GnnQuantMode.FP32;
    }

    /** @return whether protected nodes bypass quantization during training */
    public boolean protects() {
        return mode == GnnQuantMode.DEGREE_QUANT;
    }

    /**
     * @return the spec of every activation quantizer: asymmetric per tensor; plain QAT with an EMA
     *     observer (momentum 0.01) and the plain estimator, Degree-Quant with a percentile observer
     *     and the clipped estimator
     * @throws IllegalStateException in FP32 mode
     */
    public QuantSpec activations() {
        return switch (mode) {
            case QAT -> QuantSpecs.activation(bits, ObserverSpec.ema(QAT_MOMENTUM)).withSte(SteMode.PLAIN);
            case DEGREE_QUANT -> QuantSpecs.activation(bits,
                    ObserverSpec.percentile(bits == 8 ? PERCENTILE_INT8 : PERCENTILE_INT4)).withSte(SteMode.CLIPPED);
            case FP32 -> throw new IllegalStateException("an FP32 graph layer has no activation quantizers");
        };
    }

    /**
     * @param newBits 8 or 4
     * @return these settings with weights and activations at {@code newBits} (their observer and
     *     percentile follow the width); FP32 settings unchanged
     */
    public GnnQuantSettings withBits(int newBits) {
        return quantized() ? new GnnQuantSettings(mode, newBits, weights.withBits(newBits), schedule) : this;
    }

    /**
     * @param newSchedule another schedule
     * @return these settings on it
     */
    public GnnQuantSettings withSchedule(QuantSchedule newSchedule) {
        return new GnnQuantSettings(mode, bits, weights, newSchedule);
    }
}
