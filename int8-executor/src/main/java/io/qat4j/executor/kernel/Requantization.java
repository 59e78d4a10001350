package io.qat4j.executor.kernel;

import io.qat4j.executor.arith.QuantizedMultiplier;
import java.util.Arrays;

/**
 * The per-output-channel output stage of a multiply-accumulate kernel (gemmlowp
 * {@code OutputStageQuantizeDownInt32ByFixedPoint} followed by {@code OutputStageClamp}; TFLite
 * {@code ConvPerChannel}):
 *
 * <pre>
 *   q[c] = clamp(multiplyByQuantizedMultiplier(acc, multipliers[c], shifts[c]) + Z_out, actMin, actMax)
 * </pre>
 *
 * where {@code multipliers[c] * 2^(shifts[c] - 31) ~= S_in * S_w[c] / S_out} was computed offline
 * ({@code io.qat4j.executor.prep.OutputMultipliers}). Per-tensor quantization is the case of equal
 * entries ({@link #perTensor}).
 *
 * <p>The arrays are copied on construction and on access; equality compares contents.
 *
 * @param multipliers Q31 multipliers per channel, each 0 or in {@code [2^30, 2^31 - 1]}
 * @param shifts power-of-two exponents per channel, positive = left shift, in {@code [-31, 30]}
 *     (0 for a zero multiplier)
 * @param outputZeroPoint {@code Z_out}, int8
 * @param activation the output clamp
 */
public record Requantization(int[] multipliers, int[] shifts, int outputZeroPoint, ActivationClamp activation) {

    /** @throws IllegalArgumentException on any inconsistent or out-of-range entry */
    public Requantization {
        if (multipliers == null || shifts == null || activation == null) {
            throw new IllegalArgumentException("multipliers, shifts and activation are required");
        }
        if (multipliers.length == 0 || multipliers.length != shifts.length) {
            throw new IllegalArgumentException("need as many multipliers as shifts, at least one; got "
                    + multipliers.length + " and " + shifts.length);
        }
        multipliers = multipliers.clone();
        shifts = shifts.clone();
        for (int c = 0; c < multipliers.length; c++) {
            KernelChecks.checkMultiplier(multipliers[c], shifts[c], "channel " + c);
        }
        KernelChecks.checkInt8(outputZeroPoint, "output zero point");
    }

    /**
     * @param perChannel one multiplier per output channel
     * @param outputZeroPoint {@code Z_out}
     * @param activation output clamp
     * @return the output stage
     */
    public static Requantization of(QuantizedMultiplier[] perChannel, int outputZeroPoint, ActivationClamp activation) {
        int[] m = new int[perChannel.length];
        int[] s = new int[perChannel.length];
        for (int c = 0; c < perChannel.length; c++) {
            m[c] = perChannel[c].multiplier();
            s[c] = perChannel[c].shift();
        }
        return new Requantization(m, s, outputZeroPoint, activation);
    }

    /**
     * The same multiplier for every channel (per-tensor weight scale).
     *
     * @param channels number of output channels
     * @param multiplier the multiplier {@code S_in * S_w / S_out}
     * @param outputZeroPoint {@code Z_out}
     * @param activation output clamp
     * @return the output stage
     */
    public static Requantization perTensor(int channels, QuantizedMultiplier multiplier, int outputZeroPoint,
            ActivationClamp activation) {
        KernelChecks.checkPositive(channels, "channels");
        int[] m = new int[channels];
        int[] s = new int[channels];
        Arrays.fill(m, multiplier.multiplier());
        Arrays.fill(s, multiplier.shift());
        return new Requantization(m, s, outputZeroPoint, activation);
    }

    /** @return number of output channels */
    public int channels() {
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

    /** The internal array, for kernels of this package (never modified). */
    int[] multiplierArray() {
        return multipliers;
    }

    /** The internal array, for kernels of this package (never modified). */
    int[] shiftArray() {
        return shifts;
    }

    /** @return the largest left shift {@code max(shifts[c], 0)} over channels */
    public int maxLeftShift() {
        int max = 0;
        for (int s : shifts) {
            max = Math.max(max, s);
        }
        return max;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Requantization r && Arrays.equals(multipliers, r.multipliers)
                && Arrays.equals(shifts, r.shifts) && outputZeroPoint == r.outputZeroPoint
                && activation.equals(r.activation);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(multipliers) + Arrays.hashCode(shifts)) + outputZeroPoint)
                + activation.hashCode();
    }

    @Override
    public String toString() {
        return "Requantization[multipliers=" + Arrays.toString(multipliers) + ", shifts=" + Arrays.toString(shifts)
                + ", outputZeroPoint=" + outputZeroPoint + ", activation=" + activation + "]";
    }
}
