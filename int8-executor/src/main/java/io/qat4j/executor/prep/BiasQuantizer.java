package io.qat4j.executor.prep;

import io.qat4j.executor.quant.Rounding;

/**
 * Quantizes a real bias to int32 with scale {@code S_in * S_w[c]} and zero point 0 (Jacob et al.,
 * CVPR 2018, section 2.4; TFLite's quantization specification): {@code q[c] = round(b[c] /
 * (S_in S_w[c]))}, half away from zero, so that it adds directly to the accumulator. Offline code.
 */
public final class BiasQuantizer {

    private BiasQuantizer() {
    }

    /**
     * @param bias real bias per output channel
     * @param inputScale {@code S_in}
     * @param weightScales {@code S_w[c]}: one per channel, or one for all
     * @return the int32 bias
     * @throws IllegalArgumentException if a value does not fit an int32 or the sizes disagree
     */
    public static int[] quantize(double[] bias, double inputScale, double[] weightScales) {
        OutputMultipliers.checkScale(inputScale, "input scale");
        if (weightScales.length != bias.length && weightScales.length != 1) {
            throw new IllegalArgumentException(bias.length + " biases but " + weightScales.length + " weight scales");
        }
        int[] q = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            double ws = weightScales[weightScales.length == 1 ? 0 : c];
            OutputMultipliers.checkScale(ws, "weight scale " + c);
            double v = Rounding.halfAwayFromZero(bias[c] / (inputScale * ws));
            if (!(v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE)) {
                throw new IllegalArgumentException("bias[" + c + "] = " + bias[c] + " is " + v
                        + " in units of S_in * S_w, outside int32");
            }
            q[c] = (int) v;
        }
        return q;
    }
}
