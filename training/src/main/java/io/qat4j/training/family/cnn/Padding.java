package io.qat4j.training.family.cnn;

import java.util.Objects;

/**
 * Padding of a convolution: {@code same}, {@code valid}, or an explicit number of zero
 * rows/columns added on each side (written as an integer in YAML).
 *
 * @param mode the padding mode
 * @param amount zeros on each side for {@link PaddingMode#EXPLICIT}, 0 otherwise
 */
public record Padding(PaddingMode mode, int amount) {

    /** {@code same} padding. */
    public static final Padding SAME = new Padding(PaddingMode.SAME, 0);

    /** {@code valid} padding (no padding). */
    public static final Padding VALID = new Padding(PaddingMode.VALID, 0);

    /** Checks that the amount is non-negative and only set for explicit padding. */
    public Padding {
        Objects.requireNonNull(mode, "mode");
        if (amount < 0 || (mode != PaddingMode.EXPLICIT && amount != 0)) {
            throw new IllegalArgumentException("invalid padding " + mode + " " + amount);
        }
    }

    /**
     * @param amount zero rows/columns on each side, {@code >= 0}
     * @return explicit padding
     */
    public static Padding explicit(int amount) {
        return new Padding(PaddingMode.EXPLICIT, amount);
    }

    /**
     * Output extent along one axis.
     *
     * @param input input extent
     * @param effectiveKernel {@code (kernel - 1) * dilation + 1}
     * @param stride stride
     * @return output extent, or a value {@code <= 0} when the kernel does not fit
     */
    public long outputSize(long input, long effectiveKernel, long stride) {
        return switch (mode) {
            case SAME -> (input + stride - 1) / stride;
            case VALID -> input < effectiveKernel ? 0 : (input - effectiveKernel) / stride + 1;
            case EXPLICIT -> {
                long padded = input + 2L * amount;
                yield padded < effectiveKernel ? 0 : (padded - effectiveKernel) / stride + 1;
            }
        };
    }

    /** @return {@code same}, {@code valid} or the amount */
    @Override
    public String toString() {
        return mode == PaddingMode.EXPLICIT ? Integer.toString(amount) : mode.yamlName();
    }
}
