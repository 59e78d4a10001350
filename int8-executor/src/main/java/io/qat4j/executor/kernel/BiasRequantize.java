package io.qat4j.executor.kernel;

import io.qat4j.executor.arith.FixedPoint;

/**
 * Adds a per-channel bias to int8 codes and requantizes them to another scale and zero point,
 * {@code y = clamp(Z_out + round((S_in (x - Z_in) + b_c) / S_out))}: the output stage of a graph
 * convolution or attention layer, whose bias follows the aggregation (Kipf and Welling, ICLR 2017,
 * eq. 8; PyTorch Geometric's {@code GCNConv}), and, with a zero bias, a stand-alone requantization
 * (TFLite's int8 -> int8 {@code QUANTIZE}; Jacob et al., CVPR 2018, section 2.2). The bias is an
 * int32 in units of {@code S_in 2^-f}, so that its rounding error is at most
 * {@code S_in 2^-(f+1)}:
 *
 * <pre>
 *   acc = (x - Z_in) 2^f + bias[c]                   |acc| <= 255 2^f + |bias[c]|
 *   y   = clamp(Z_out + multiplyByQuantizedMultiplier(acc, M, shift))     M 2^(shift-31) ~= S_in 2^-f / S_out
 * </pre>
 *
 * <p>Bound, checked by {@link BiasRequantizeParams}: {@code (255 2^f + |bias[c]|) 2^max(shift, 0) <= 2^31 - 1}
 * for every channel.
 */
public final class BiasRequantize {

    private BiasRequantize() {
    }

    /**
     * @param p the parameters
     * @param rows rows of {@code channels} codes
     * @param x int8 codes, {@code rows x channels}
     * @param out int8 codes, written
     */
    public static void run(BiasRequantizeParams p, int rows, byte[] x, byte[] out) {
        int c = p.channels();
        int size = KernelChecks.checkedSize("bias requantize", rows, c);
        KernelChecks.checkLength(x, size, "input");
        KernelChecks.checkLength(out, size, "output");
        int[] bias = p.biasArray();
        Requantization r = p.requantization();
        int m = r.multiplierArray()[0];
        int s = r.shiftArray()[0];
        int zIn = p.inputZeroPoint();
        int f = p.biasShift();
        int zOut = r.outputZeroPoint();
        int actMin = r.activation().min();
        int actMax = r.activation().max();
        for (int row = 0; row < rows; row++) {
            int base = row * c;
            for (int k = 0; k < c; k++) {
                int acc = ((x[base + k] - zIn) << f) + bias[k]; // r = S_in 2^-f acc; |acc| <= 255 2^f + |bias[k]| (checked)
                int q = FixedPoint.multiplyByQuantizedMultiplier(acc, m, s) + zOut;
                out[base + k] = (byte) Math.max(actMin, Math.min(actMax, q));
            }
        }
    }
}
