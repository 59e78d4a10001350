package io.qat4j.executor.kernel;

import java.util.Arrays;

/**
 * Parameters of {@link ChannelAffine}: per channel a signed fixed-point multiplier {@code m_c} and
 * offset {@code b_c} with {@code P} fraction bits, so that
 * {@code y_c = Z_out + round((m_c (x_c - Z_in) + b_c) / 2^P)} approximates
 * {@code Z_out + (a_c S_in (x_c - Z_in) + t_c) / S_out} with {@code m_c ~ a_c S_in 2^P / S_out} and
 * {@code b_c ~ t_c 2^P / S_out}. Computed offline by
 * {@code io.qat4j.executor.prep.GraphOpParams#channelAffine}.
 *
 * <p>Accumulator bound: {@code |m_c (x - Z_in)| <= (2^31 - 1) 255} and {@code |b_c| <= 2^31 - 1},
 * so the sum and its rounding offset {@code 2^(P-1) <= 2^29} stay below {@code 2^40}, exact in
 * 64 bits; nothing to check beyond the ranges of the fields.
 *
 * @param channels {@code C}, at least 1
 * @param inputZeroPoint {@code Z_in}, int8
 * @param fractionBits {@code P}, in {@code [0, 30]}
 * @param multipliers {@code m_c}, {@code C} signed int32 values
 * @param offsets {@code b_c}, {@code C} signed int32 values
 * @param outputZeroPoint {@code Z_out}, int8
 * @param activation output clamp
 */
public record ChannelAffineParams(int channels, int inputZeroPoint, int fractionBits, int[] multipliers, int[] offsets,
        int outputZeroPoint, ActivationClamp activation) {

    /** The largest {@code P}. */
    public static final int MAX_FRACTION_BITS = 30;

    /** @throws IllegalArgumentException on a field out of its range or arrays of another length than {@code channels} */
    public ChannelAffineParams {
        if (channels < 1) {
            throw new IllegalArgumentException("channel affine: channels must be >= 1, got " + channels);
        }
        KernelChecks.checkInt8(inputZeroPoint, "input zero point");
        KernelChecks.checkInt8(outputZeroPoint, "output zero point");
        if (fractionBits < 0 || fractionBits > MAX_FRACTION_BITS) {
            throw new IllegalArgumentException("channel affine: fraction bits must be in [0, " + MAX_FRACTION_BITS + "], got "
                    + fractionBits);
        }
        if (multipliers.length != channels || offsets.length != channels) {
            throw new IllegalArgumentException("channel affine: " + channels + " channels take " + channels
                    + " multipliers and offsets, got " + multipliers.length + " and " + offsets.length);
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation is required");
        }
        multipliers = multipliers.clone();
        offsets = offsets.clone();
    }

    @Override
    public int[] multipliers() {
        return multipliers.clone();
    }

    @Override
    public int[] offsets() {
        return offsets.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelAffineParams p && channels == p.channels && inputZeroPoint == p.inputZeroPoint
                && fractionBits == p.fractionBits && Arrays.equals(multipliers, p.multipliers) && Arrays.equals(offsets, p.offsets)
                && outputZeroPoint == p.outputZeroPoint && activation.equals(p.activation);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(multipliers) + Arrays.hashCode(offsets)) + fractionBits;
    }
}
