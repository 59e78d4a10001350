package io.qat4j.executor.kernel;

/**
 * A per-channel affine map of int8 codes onto another scale, {@code y = a_c x + t_c} for a real
 * {@code a_c} of either sign and a real {@code t_c}: batch normalization at inference where it
 * follows an activation and so cannot fold into the weights before it (Ioffe and Szegedy, ICML
 * 2015, section 3.1; the GIN MLP of camlsys/degree-quant ends in {@code ReLU} then {@code BN}).
 * In fixed point with {@code P} fraction bits ({@link ChannelAffineParams}):
 *
 * <pre>
 *   acc = m_c (x - Z_in) + b_c                      64-bit, exact
 *   y   = clamp(Z_out + floor((acc + 2^(P-1)) / 2^P), actMin, actMax)     (P = 0: y = Z_out + acc)
 * </pre>
 * the nearest integer to {@code acc / 2^P}, ties toward {@code +infinity} (the rounding of TFLite's
 * single-rounding {@code MultiplyByQuantizedMultiplier}).
 */
public final class ChannelAffine {

    private ChannelAffine() {
    }

    /**
     * @param p parameters
     * @param rows rows of {@code C} channels
     * @param x int8 codes, {@code rows * C}
     * @param out int8 codes, written; may be the same array as {@code x}
     */
    public static void run(ChannelAffineParams p, int rows, byte[] x, byte[] out) {
        if (rows < 0) {
            throw new IllegalArgumentException("negative row count " + rows);
        }
        int c = p.channels();
        long size = (long) rows * c;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("channel affine: " + rows + " rows of " + c + " channels exceed an array");
        }
        KernelChecks.checkLength(x, (int) size, "input");
        KernelChecks.checkLength(out, (int) size, "output");
        int[] m = p.multipliers();
        int[] b = p.offsets();
        int zIn = p.inputZeroPoint();
        int zOut = p.outputZeroPoint();
        int shift = p.fractionBits();
        long half = shift == 0 ? 0 : 1L << (shift - 1);
        int actMin = p.activation().min();
        int actMax = p.activation().max();
        for (int r = 0, i = 0; r < rows; r++) {
            for (int k = 0; k < c; k++, i++) {
                long acc = (long) m[k] * (x[i] - zIn) + b[k];
                long q = ((acc + half) >> shift) + zOut; // >> floors
                out[i] = (byte) Math.max(actMin, Math.min(actMax, q));
            }
        }
    }
}
