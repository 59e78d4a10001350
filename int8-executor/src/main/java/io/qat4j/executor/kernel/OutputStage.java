package io.qat4j.executor.kernel;

import io.qat4j.executor.kernel.gemm.IntGemm;

/**
 * The per-channel output stage of the kernels (package-private):
 *
 * <pre>
 *   y = clamp(multiplyByQuantizedMultiplier(acc, m, shift) + Z_out, actMin, actMax)
 * </pre>
 *
 * by the selected implementation of {@link IntGemm#requantize}, whose javadoc states the contract
 * (every implementation gives the same bytes).
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
        IntGemm.selected().requantize(acc, accOffset, n, multiplier, shift, zOut, actMin, actMax, out, outOffset);
    }
}
