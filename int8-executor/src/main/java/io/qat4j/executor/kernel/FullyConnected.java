package io.qat4j.executor.kernel;

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
 * <p>These static entry points prepare the weights for one call and delegate to
 * {@link PreparedFullyConnected} (same int32 accumulators); code that runs a layer repeatedly
 * should keep a {@link PreparedFullyConnected}.
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
        PreparedFullyConnected.of(p, weights, bias).runOnce(batches, input, output);
    }

    /**
     * {@link #run} with 4-bit packed weights: the weights are unpacked to int8 and go through the
     * same product, so the result is identical to {@code run} on the unpacked weights.
     *
     * @param packedWeights {@code [O, K]} packed with {@link PackedInt4} (flat, rows not byte-aligned)
     */
    public static void runPacked4(FullyConnectedParams p, int batches, byte[] input, byte[] packedWeights,
            int[] bias, byte[] output) {
        PreparedFullyConnected.ofPacked4(p, packedWeights, bias).runOnce(batches, input, output);
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
        PreparedFullyConnected.of(p, weights, bias).accumulatorsOnce(batches, input, output);
    }

    /** {@link #accumulators} with 4-bit packed weights; identical results. */
    public static void accumulatorsPacked4(FullyConnectedParams p, int batches, byte[] input, byte[] packedWeights,
            int[] bias, int[] output) {
        PreparedFullyConnected.ofPacked4(p, packedWeights, bias).accumulatorsOnce(batches, input, output);
    }
}
