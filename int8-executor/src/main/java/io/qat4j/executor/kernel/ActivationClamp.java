package io.qat4j.executor.kernel;

/**
 * The integer clamp that ends every output stage, {@code q = min(max(q, min), max)}: it
 * enforces the output range (a bit width below 8 narrows it) and expresses the fused activation.
 * ReLU is {@code [max(Z_out, qMin), qMax]}, ReLU6 is
 * {@code [max(Z_out, qMin), min(Z_out + round(6 / S_out), qMax)]}, no activation is
 * {@code [qMin, qMax]} (TFLite {@code CalculateActivationRangeQuantized},
 * {@code kernels/kernel_util.cc}). The bounds are computed offline from the output scale and zero
 * point by {@code io.qat4j.executor.prep.ActivationClamps}; kernels only compare integers.
 *
 * @param min smallest output code, in {@code [-128, 127]}
 * @param max largest output code, in {@code [min, 127]}
 */
public record ActivationClamp(int min, int max) {

    /** The full int8 range: no activation, 8-bit output. */
    public static final ActivationClamp INT8 = new ActivationClamp(Byte.MIN_VALUE, Byte.MAX_VALUE);

    /** @throws IllegalArgumentException unless {@code -128 <= min <= max <= 127} */
    public ActivationClamp {
        KernelChecks.checkInt8(min, "activation min");
        KernelChecks.checkInt8(max, "activation max");
        if (min > max) {
            throw new IllegalArgumentException("activation min " + min + " > max " + max);
        }
    }

    /**
     * @param q any int
     * @return {@code q} clamped to {@code [min, max]}
     */
    public int clamp(int q) {
        return Math.max(min, Math.min(max, q));
    }
}
