package io.qat4j.executor.kernel;

import java.util.Arrays;

/**
 * Output stage of {@link AveragePool2d#runRequantized}: entry {@code count - 1} holds the
 * multiplier of {@code S_in / (S_out * count)} for a window of {@code count} averaged positions
 * (windows at the border have fewer positions when padding is excluded from the divisor, so the
 * multiplier depends on the count; TFLite folds the count into the multiplier the same way in
 * {@code integer_ops/mean.h}). Computed offline by
 * {@code io.qat4j.executor.prep.OutputMultipliers.averagePool}.
 *
 * <p>Accumulator bound, checked here: {@code |sum of (x - Z_in)| <= 255 * count}, times
 * {@code 2^max(shifts[count - 1], 0)}, must be at most {@code 2^31 - 1} for every entry.
 *
 * @param multipliers Q31 multipliers, entry {@code count - 1} for {@code count} positions
 * @param shifts their shifts
 * @param outputZeroPoint {@code Z_out}, int8
 */
public record AveragePoolRequantization(int[] multipliers, int[] shifts, int outputZeroPoint) {

    /** @throws IllegalArgumentException on inconsistent or out-of-range entries */
    public AveragePoolRequantization {
        if (multipliers == null || shifts == null || multipliers.length == 0
                || multipliers.length != shifts.length) {
            throw new IllegalArgumentException("need as many multipliers as shifts, at least one");
        }
        multipliers = multipliers.clone();
        shifts = shifts.clone();
        for (int i = 0; i < multipliers.length; i++) {
            KernelChecks.checkMultiplier(multipliers[i], shifts[i], "count " + (i + 1));
            KernelChecks.checkShifted((long) KernelChecks.MAX_ABS_INPUT_OFFSET * (i + 1), Math.max(shifts[i], 0),
                    "average pool of " + (i + 1) + " positions");
        }
        KernelChecks.checkInt8(outputZeroPoint, "output zero point");
    }

    /** @return the largest count covered, {@code multipliers.length} */
    public int maxCount() {
        return multipliers.length;
    }

    /** @return a copy of the multipliers */
    @Override
    public int[] multipliers() {
        return multipliers.clone();
    }

    /** @return a copy of the shifts */
    @Override
    public int[] shifts() {
        return shifts.clone();
    }

    int[] multiplierArray() {
        return multipliers;
    }

    int[] shiftArray() {
        return shifts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AveragePoolRequantization r && Arrays.equals(multipliers, r.multipliers)
                && Arrays.equals(shifts, r.shifts) && outputZeroPoint == r.outputZeroPoint;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(multipliers) + Arrays.hashCode(shifts)) + outputZeroPoint;
    }

    @Override
    public String toString() {
        return "AveragePoolRequantization[multipliers=" + Arrays.toString(multipliers) + ", shifts="
                + Arrays.toString(shifts) + ", outputZeroPoint=" + outputZeroPoint + "]";
    }
}
