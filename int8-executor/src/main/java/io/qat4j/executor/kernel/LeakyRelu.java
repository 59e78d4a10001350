package io.qat4j.executor.kernel;

import io.qat4j.executor.arith.FixedPoint;

/**
 * Leaky ReLU on int8 codes with a requantized output (TFLite's quantized {@code LEAKY_RELU},
 * {@code reference_ops::QuantizeLeakyRelu}): the attention logits of graph attention pass through
 * {@code LeakyReLU(0.2)} before the softmax (Velickovic et al., ICLR 2018):
 *
 * <pre>
 *   v = x - Z_in                                                   |v| <= 255
 *   y = clamp(Z_out + multiplyByQuantizedMultiplier(v, M+, shift+))   for v >= 0     M+ ~= S_in / S_out
 *   y = clamp(Z_out + multiplyByQuantizedMultiplier(v, M-, shift-))   for v < 0      M- ~= slope S_in / S_out
 * </pre>
 *
 * <p>Bound: {@code 255 2^max(shift, 0) <= 2^31 - 1} for both multipliers, checked by
 * {@link #check}.
 */
public final class LeakyRelu {

    private LeakyRelu() {
    }

    /**
     * @param inputZeroPoint {@code Z_in}, int8
     * @param requantization two channels: {@code [M+, M-]}, the output zero point and clamp
     * @throws IllegalArgumentException on another channel count, a bad zero point or a left shift beyond the bound
     */
    public static void check(int inputZeroPoint, Requantization requantization) {
        KernelChecks.checkInt8(inputZeroPoint, "input zero point");
        if (requantization.channels() != 2) {
            throw new IllegalArgumentException("leaky ReLU takes two multipliers (v >= 0, v < 0), got " + requantization.channels());
        }
        KernelChecks.checkShifted(KernelChecks.MAX_ABS_INPUT_OFFSET, requantization.maxLeftShift(), "leaky ReLU");
    }

    /**
     * @param inputZeroPoint {@code Z_in}
     * @param r two channels, {@code [M+, M-]}
     * @param size codes
     * @param x int8 codes
     * @param out int8 codes, written
     */
    public static void run(int inputZeroPoint, Requantization r, int size, byte[] x, byte[] out) {
        check(inputZeroPoint, r);
        KernelChecks.checkLength(x, size, "input");
        KernelChecks.checkLength(out, size, "output");
        int[] m = r.multiplierArray();
        int[] s = r.shiftArray();
        int zOut = r.outputZeroPoint();
        int actMin = r.activation().min();
        int actMax = r.activation().max();
        for (int i = 0; i < size; i++) {
            int v = x[i] - inputZeroPoint; // r = S_in v
            int k = v >= 0 ? 0 : 1;
            int q = FixedPoint.multiplyByQuantizedMultiplier(v, m[k], s[k]) + zOut;
            out[i] = (byte) Math.max(actMin, Math.min(actMax, q));
        }
    }
}
