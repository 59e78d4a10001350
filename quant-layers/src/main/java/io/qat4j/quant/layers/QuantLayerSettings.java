package io.qat4j.quant.layers;

import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;

/**
 * The quantization settings of a compute layer (dense or convolution): weight and output specs,
 * the fused batch normalization and the schedule.
 *
 * @param weights weight quantization, symmetric
 * @param output output activation quantization, asymmetric; null for none (the output then stays
 *     float, e.g. when a residual add quantizes after the sum)
 * @param batchNorm fold a batch normalization into this layer (no separate bias then)
 * @param batchNormMomentum running-statistics momentum, PyTorch convention ({@code 0.1})
 * @param batchNormEps variance epsilon ({@code 1e-5})
 * @param schedule when quantization switches on and statistics freeze
 */
public record QuantLayerSettings(QuantSpec weights, QuantSpec output, boolean batchNorm,
                                 double batchNormMomentum, double batchNormEps, QuantSchedule schedule) {

    /** @throws IllegalArgumentException on missing or out-of-range values */
    public QuantLayerSettings {
        if (weights == null || schedule == null) {
            throw new IllegalArgumentException("weight spec and schedule are required");
        }
        if (!weights.symmetric()) {
            throw new IllegalArgumentException("weights must use a symmetric spec");
        }
        if (output != null && output.granularity() != io.qat4j.quant.spec.Granularity.PER_TENSOR) {
            throw new IllegalArgumentException("activations are quantized per tensor");
        }
        if (!(batchNormMomentum > 0 && batchNormMomentum <= 1)) {
            throw new IllegalArgumentException("batch-norm momentum must be in (0, 1], got " + batchNormMomentum);
        }
        if (!(batchNormEps > 0)) {
            throw new IllegalArgumentException("batch-norm eps must be positive, got " + batchNormEps);
        }
    }

    /**
     * @param newSchedule another schedule
     * @return these settings on {@code newSchedule}
     */
    public QuantLayerSettings withSchedule(QuantSchedule newSchedule) {
        return new QuantLayerSettings(weights, output, batchNorm, batchNormMomentum, batchNormEps, newSchedule);
    }

    /**
     * @param weights weight spec
     * @param output output spec or null
     * @param batchNorm fold a batch norm
     * @param schedule the schedule
     * @return settings with PyTorch's batch-norm defaults (momentum 0.1, eps 1e-5)
     */
    public static QuantLayerSettings of(QuantSpec weights, QuantSpec output, boolean batchNorm, QuantSchedule schedule) {
        return new QuantLayerSettings(weights, output, batchNorm, 0.1, 1e-5, schedule);
    }
}
