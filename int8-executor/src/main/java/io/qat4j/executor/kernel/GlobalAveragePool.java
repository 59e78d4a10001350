package io.qat4j.executor.kernel;

import io.qat4j.executor.arith.FixedPoint;
import io.qat4j.executor.arith.QuantizedMultiplier;

/**
 * Global average pooling, NCHW {@code [N, C, H, W]} to {@code [N, C]} (DL4J
 * {@code GlobalPoolingLayer} AVG, TFLite {@code MEAN} over the spatial axes,
 * {@code reference_integer_ops::Mean}, {@code integer_ops/mean.h}).
 *
 * <p>{@link #run}, same scale and zero point in and out, rounding as {@link AveragePool2d#run}:
 * {@code y = clamp(sum > 0 ? (sum + HW/2) / HW : (sum - HW/2) / HW)} over the codes
 * (round half away from zero).
 *
 * <p>{@link #runRequantized}, output scale and zero point of its own:
 * {@code y = clamp(multiplyByQuantizedMultiplier(sum of (x - Z_in), m, shift) + Z_out)} with
 * {@code m ~= S_in / (S_out * H * W)} (offline: {@code OutputMultipliers.globalAveragePool}).
 *
 * <p>Accumulator bound: {@code |sum| <= 255 * H * W}, checked by {@link GlobalAveragePoolParams};
 * the left shift of {@code m} is checked at the call.
 */
public final class GlobalAveragePool {

    private GlobalAveragePool() {
    }

    /**
     * @param p parameters
     * @param batches {@code N}, >= 1
     * @param input {@code [N, C, H, W]} int8
     * @param output {@code [N, C]} int8, written
     */
    public static void run(GlobalAveragePoolParams p, int batches, byte[] input, byte[] output) {
        int count = p.count();
        int planes = check(p, batches, input, output);
        int actMin = p.activation().min();
        int actMax = p.activation().max();
        for (int plane = 0; plane < planes; plane++) {
            int base = plane * count;
            int sum = 0;
            for (int i = 0; i < count; i++) {
                sum += input[base + i]; // |sum| <= 128*H*W
            }
            // round half away from zero; / truncates toward zero
            int q = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
            output[plane] = (byte) Math.max(actMin, Math.min(actMax, q));
        }
    }

    /**
     * The checks {@link #runRequantized} makes on its parameters, for a loader to make them once.
     *
     * @param p parameters
     * @param multiplier {@code S_in / (S_out * H * W)}
     * @param outputZeroPoint {@code Z_out}
     * @throws IllegalArgumentException on an invalid multiplier, an accumulator bound over 2^31 - 1 or a non-int8 zero point
     */
    public static void checkRequantization(GlobalAveragePoolParams p, QuantizedMultiplier multiplier, int outputZeroPoint) {
        KernelChecks.checkMultiplier(multiplier.multiplier(), multiplier.shift(), "global average pool multiplier");
        KernelChecks.checkShifted((long) KernelChecks.MAX_ABS_INPUT_OFFSET * p.count(), Math.max(multiplier.shift(), 0),
                "global average pool");
        KernelChecks.checkInt8(outputZeroPoint, "output zero point");
    }

    /**
     * @param p parameters
     * @param multiplier {@code S_in / (S_out * H * W)}
     * @param outputZeroPoint {@code Z_out}, int8
     * @param batches {@code N}, >= 1
     * @param input {@code [N, C, H, W]} int8
     * @param output {@code [N, C]} int8, written
     */
    public static void runRequantized(GlobalAveragePoolParams p, QuantizedMultiplier multiplier, int outputZeroPoint,
            int batches, byte[] input, byte[] output) {
        int count = p.count();
        int planes = check(p, batches, input, output);
        checkRequantization(p, multiplier, outputZeroPoint);
        int m = multiplier.multiplier();
        int shift = multiplier.shift();
        int zIn = p.inputZeroPoint();
        int actMin = p.activation().min();
        int actMax = p.activation().max();
        for (int plane = 0; plane < planes; plane++) {
            int base = plane * count;
            int sum = 0;
            for (int i = 0; i < count; i++) {
                sum += input[base + i] - zIn; // r = S(q - Z); |sum| <= 255*H*W
            }
            // q_y = Z_out + sum * S_in / (S_out * H * W)
            int q = FixedPoint.multiplyByQuantizedMultiplier(sum, m, shift) + outputZeroPoint;
            output[plane] = (byte) Math.max(actMin, Math.min(actMax, q));
        }
    }

    private static int check(GlobalAveragePoolParams p, int batches, byte[] input, byte[] output) {
        int planes = KernelChecks.batchSize(batches, p.channels(), "planes");
        KernelChecks.checkLength(input, KernelChecks.batchSize(planes, p.count(), "input"), "input");
        KernelChecks.checkLength(output, planes, "output");
        return planes;
    }
}
