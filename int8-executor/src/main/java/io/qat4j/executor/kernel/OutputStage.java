package io.qat4j.executor.kernel;

import io.qat4j.executor.arith.FixedPoint;

/**
 * The per-channel output stage of the prepared kernels (package-private): gemmlowp's "fixed-point
 * multiplier, rounding shift, add zero point, clamp", TFLite's
 * {@code MultiplyByQuantizedMultiplier} followed by the activation clamp,
 *
 * <pre>
 *   y = clamp(multiplyByQuantizedMultiplier(acc, m, shift) + Z_out, actMin, actMax)
 * </pre>
 *
 * with one shortcut that gives the same bytes: when {@code actMin >= Z_out} (a fused ReLU or
 * ReLU6) and {@code acc <= 0}, the output is {@code actMin} without the multiplication. Proof: the
 * multiplier is {@code >= 0}, so {@code acc * m <= 0}, and the single rounding
 * {@code (acc * m + 2^(T - 1)) >> T} of a value {@code <= 0} is {@code <= floor(1/2) = 0}. So
 * {@code q <= Z_out <= actMin} and the clamp returns {@code actMin}.
 */
final class OutputStage {

    private OutputStage() {
    }

    /**
     * {@code out[outOffset + i] = clamp(multiplyByQuantizedMultiplier(acc[accOffset + i], m, shift) + Z_out)}
     * for {@code i < n}.
     */
    static void requantize(int[] acc, int accOffset, int n, int multiplier, int shift, int zOut, int actMin,
            int actMax, byte[] out, int outOffset) {
        boolean floorAtZero = actMin >= zOut;
        for (int i = 0; i < n; i++) {
            int a = acc[accOffset + i];
            if (floorAtZero && a <= 0) {
                out[outOffset + i] = (byte) actMin; // see the class comment: the same value as below
            } else {
                // q_y = Z_out + acc * S_in * S_w / S_out
                int q = FixedPoint.multiplyByQuantizedMultiplier(a, multiplier, shift) + zOut;
                out[outOffset + i] = (byte) Math.max(actMin, Math.min(actMax, q));
            }
        }
    }
}
