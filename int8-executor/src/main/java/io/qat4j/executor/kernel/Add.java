package io.qat4j.executor.kernel;

import io.qat4j.executor.arith.FixedPoint;

/**
 * Element-wise quantized addition of two int8 tensors of the same shape with different scales and
 * zero points (TFLite {@code reference_integer_ops::AddFunc}, {@code integer_ops/add.h}; residual
 * connections, DL4J {@code ElementWiseVertex} Add):
 *
 * <pre>
 *   a   = (x1 - Z1) * 2^leftShift                      r1 = S1 (x1 - Z1)
 *   b   = (x2 - Z2) * 2^leftShift
 *   sum = mbqm(a, m1, s1) + mbqm(b, m2, s2)            ~ (r1 + r2) 2^leftShift / (2 max(S1, S2))
 *   y   = clamp(mbqm(sum, m_out, s_out) + Z_out, actMin, actMax)
 * </pre>
 * where {@code mbqm} is {@link FixedPoint#multiplyByQuantizedMultiplier} (for the non-positive
 * shifts used here it equals TFLite's {@code MultiplyByQuantizedMultiplierSmallerThanOneExp}).
 *
 * <p>A negative {@code m_i} subtracts input {@code i}: its offset is negated before the
 * multiplication by {@code |m_i|} ({@link AddParams}).
 *
 * <p>Accumulator bound: {@code |a|, |b| <= 255 * 2^leftShift}, {@code |sum| <= 510 * 2^leftShift},
 * checked by {@link AddParams}. No broadcasting: both inputs have {@code size} elements.
 */
public final class Add {

    private Add() {
    }

    /**
     * @param p parameters
     * @param size number of elements
     * @param input1 int8, {@code size} elements
     * @param input2 int8, {@code size} elements
     * @param output int8, written; may be the same array as an input
     */
    public static void run(AddParams p, int size, byte[] input1, byte[] input2, byte[] output) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        KernelChecks.checkLength(input1, size, "input 1");
        KernelChecks.checkLength(input2, size, "input 2");
        KernelChecks.checkLength(output, size, "output");
        int z1 = p.input1ZeroPoint();
        int z2 = p.input2ZeroPoint();
        int m1 = Math.abs(p.input1Multiplier());
        int s1 = p.input1Shift();
        int m2 = Math.abs(p.input2Multiplier());
        int s2 = p.input2Shift();
        // +-2^leftShift: the sign of a multiplier is applied to its input's offset
        int headroom1 = p.input1Multiplier() < 0 ? -(1 << p.leftShift()) : 1 << p.leftShift();
        int headroom2 = p.input2Multiplier() < 0 ? -(1 << p.leftShift()) : 1 << p.leftShift();
        int mOut = p.outputMultiplier();
        int sOut = p.outputShift();
        int zOut = p.outputZeroPoint();
        int actMin = p.activation().min();
        int actMax = p.activation().max();
        for (int i = 0; i < size; i++) {
            // r_i = S_i (x_i - Z_i); |x_i - Z_i| <= 255, times 2^leftShift <= 255 * 2^22 < 2^31
            int a = (input1[i] - z1) * headroom1;
            int b = (input2[i] - z2) * headroom2;
            // both on the common scale 2 max(S1, S2) / 2^leftShift; |sum| <= 510 * 2^leftShift
            int sum = FixedPoint.multiplyByQuantizedMultiplier(a, m1, s1)
                    + FixedPoint.multiplyByQuantizedMultiplier(b, m2, s2);
            // q_y = Z_out + sum * 2 max(S1, S2) / (2^leftShift S_out)
            int q = FixedPoint.multiplyByQuantizedMultiplier(sum, mOut, sOut) + zOut;
            output[i] = (byte) Math.max(actMin, Math.min(actMax, q));
        }
    }
}
