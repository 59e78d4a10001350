package io.qat4j.executor.kernel;

import io.qat4j.executor.arith.FixedPoint;

/**
 * Quantized fully connected layer (TFLite {@code reference_integer_ops::FullyConnected} /
 * {@code FullyConnectedPerChannel}, {@code fully_connected.h}; gemmlowp's int32 accumulation with
 * an output stage):
 *
 * <pre>
 *   acc[n][o] = sum_k w[o][k] * (x[n][k] - Z_in) + bias[o]
 *   y[n][o]   = clamp(multiplyByQuantizedMultiplier(acc, m[o], shift[o]) + Z_out, actMin, actMax)
 * </pre>
 *
 * Real values: {@code x = S_in (q_x - Z_in)}, {@code w = S_w[o] q_w}, {@code b = S_in S_w[o] q_b},
 * so {@code y_real = S_in S_w[o] acc} and {@code q_y = Z_out + acc * S_in S_w[o] / S_out}.
 *
 * <p>Layouts: input {@code [N, K]}, weights {@code [O, K]} (int8, or packed 4-bit, see
 * {@link PackedInt4}), bias {@code [O]} int32 or {@code null} (no bias), output {@code [N, O]}.
 *
 * <p>Accumulator bound: {@code |acc| <= 128 * 255 * K + |bias[o]| <= 2^31 - 1}; the product part
 * is checked by {@link FullyConnectedParams}, the bias part at each call (with the left shift of
 * the requantization).
 */
public final class FullyConnected {

    private FullyConnected() {
    }

    /**
     * Runs the layer with int8 weights and a requantized int8 output.
     *
     * @param p parameters; {@code p.requantization()} must not be null
     * @param batches {@code N}, >= 1
     * @param input {@code [N, K]} int8
     * @param weights {@code [O, K]} int8
     * @param bias {@code [O]} int32 with scale {@code S_in * S_w[o]}, or null
     * @param output {@code [N, O]} int8, written
     */
    public static void run(FullyConnectedParams p, int batches, byte[] input, byte[] weights, int[] bias,
            byte[] output) {
        checkRequantized(p, batches, input, bias, output);
        KernelChecks.checkLength(weights, (long) p.outputDepth() * p.inputDepth(), "weights");
        for (int o = 0; o < p.outputDepth(); o++) {
            requantizedRow(p, batches, input, weights, o * p.inputDepth(), o, bias, output);
        }
    }

    /**
     * {@link #run} with 4-bit packed weights: each row is unpacked into a scratch int8 buffer and
     * goes through the same loop, so the result is identical to {@code run} on the unpacked weights.
     *
     * @param packedWeights {@code [O, K]} packed with {@link PackedInt4} (flat, rows not byte-aligned)
     */
    public static void runPacked4(FullyConnectedParams p, int batches, byte[] input, byte[] packedWeights,
            int[] bias, byte[] output) {
        checkRequantized(p, batches, input, bias, output);
        KernelChecks.checkLength(packedWeights, PackedInt4.packedLength(p.outputDepth() * p.inputDepth()),
                "packed weights");
        byte[] row = new byte[p.inputDepth()];
        for (int o = 0; o < p.outputDepth(); o++) {
            PackedInt4.unpack(packedWeights, (long) o * p.inputDepth(), p.inputDepth(), row, 0);
            requantizedRow(p, batches, input, row, 0, o, bias, output);
        }
    }

    /**
     * Runs the layer without requantization and returns the int32 accumulators
     * {@code sum_k w[o][k] (x[n][k] - Z_in) + bias[o]}, real value {@code S_in S_w[o] acc}; used
     * for the final logits, where argmax needs no rescaling ({@code p.requantization()} is ignored).
     *
     * @param output {@code [N, O]} int32, written
     */
    public static void accumulators(FullyConnectedParams p, int batches, byte[] input, byte[] weights, int[] bias,
            int[] output) {
        checkRaw(p, batches, input, bias, output);
        KernelChecks.checkLength(weights, (long) p.outputDepth() * p.inputDepth(), "weights");
        for (int o = 0; o < p.outputDepth(); o++) {
            rawRow(p, batches, input, weights, o * p.inputDepth(), o, bias, output);
        }
    }

    /** {@link #accumulators} with 4-bit packed weights; identical results. */
    public static void accumulatorsPacked4(FullyConnectedParams p, int batches, byte[] input, byte[] packedWeights,
            int[] bias, int[] output) {
        checkRaw(p, batches, input, bias, output);
        KernelChecks.checkLength(packedWeights, PackedInt4.packedLength(p.outputDepth() * p.inputDepth()),
                "packed weights");
        byte[] row = new byte[p.inputDepth()];
        for (int o = 0; o < p.outputDepth(); o++) {
            PackedInt4.unpack(packedWeights, (long) o * p.inputDepth(), p.inputDepth(), row, 0);
            rawRow(p, batches, input, row, 0, o, bias, output);
        }
    }

    /** Output column {@code o} for every batch row, requantized. */
    private static void requantizedRow(FullyConnectedParams p, int batches, byte[] input, byte[] w, int wOffset,
            int o, int[] bias, byte[] output) {
        int depth = p.inputDepth();
        int outDepth = p.outputDepth();
        int zIn = p.inputZeroPoint();
        Requantization rq = p.requantization();
        int multiplier = rq.multiplierArray()[o];
        int shift = rq.shiftArray()[o];
        int zOut = rq.outputZeroPoint();
        int actMin = rq.activation().min();
        int actMax = rq.activation().max();
        int b = bias == null ? 0 : bias[o];
        for (int n = 0; n < batches; n++) {
            int acc = dot(input, n * depth, w, wOffset, depth, zIn);
            acc += b; // |acc| <= 128*255*K + |bias[o]|, checked with the left shift at the call
            // q_y = Z_out + acc * S_in * S_w[o] / S_out
            int q = FixedPoint.multiplyByQuantizedMultiplier(acc, multiplier, shift) + zOut;
            output[n * outDepth + o] = (byte) Math.max(actMin, Math.min(actMax, q));
        }
    }

    /** Output column {@code o} for every batch row, raw accumulators. */
    private static void rawRow(FullyConnectedParams p, int batches, byte[] input, byte[] w, int wOffset, int o,
            int[] bias, int[] output) {
        int depth = p.inputDepth();
        int outDepth = p.outputDepth();
        int zIn = p.inputZeroPoint();
        int b = bias == null ? 0 : bias[o];
        for (int n = 0; n < batches; n++) {
            // |acc| <= 128*255*K + |bias[o]| <= 2^31 - 1, checked at the call
            output[n * outDepth + o] = dot(input, n * depth, w, wOffset, depth, zIn) + b;
        }
    }

    /** {@code sum_k w[k] * (x[k] - Z_in)}: the one inner loop of both weight formats. */
    private static int dot(byte[] x, int xOffset, byte[] w, int wOffset, int depth, int zIn) {
        int acc = 0;
        for (int k = 0; k < depth; k++) {
            // r = S(q - Z): x - Z_in in [-255, 255]; |w * (x - Z_in)| <= 128*255
            acc += w[wOffset + k] * (x[xOffset + k] - zIn);
        }
        // |acc| <= 128*255*K < 2^31 (FullyConnectedParams)
        return acc;
    }

    private static void checkRequantized(FullyConnectedParams p, int batches, byte[] input, int[] bias,
            byte[] output) {
        if (p.requantization() == null) {
            throw new IllegalArgumentException("this layer has no requantization; use accumulators()");
        }
        KernelChecks.checkLength(input, KernelChecks.batchSize(batches, p.inputDepth(), "input"), "input");
        KernelChecks.checkLength(output, KernelChecks.batchSize(batches, p.outputDepth(), "output"), "output");
        KernelChecks.checkBias(bias, p.outputDepth(), p.productBound(), p.requantization().shiftArray());
    }

    private static void checkRaw(FullyConnectedParams p, int batches, byte[] input, int[] bias, int[] output) {
        KernelChecks.checkLength(input, KernelChecks.batchSize(batches, p.inputDepth(), "input"), "input");
        KernelChecks.checkLength(output, KernelChecks.batchSize(batches, p.outputDepth(), "output"), "output");
        KernelChecks.checkBias(bias, p.outputDepth(), p.productBound(), null);
    }
}
