package io.qat4j.executor.prep;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.AveragePoolRequantization;
import io.qat4j.executor.kernel.Requantization;
import io.qat4j.executor.quant.AffineQuantParams;

/**
 * Turns floating-point scales into the Q31 multiplier/shift pairs of the kernels' output stages
 * (TFLite {@code PopulateConvolutionQuantizationParams}: {@code effective_output_scale =
 * input_scale * filter_scale[c] / output_scale}, then {@code QuantizeMultiplier}). Offline code.
 */
public final class OutputMultipliers {

    private OutputMultipliers() {
    }

    /**
     * {@code m[c] = S_in * S_w[c] / S_out} for each output channel.
     *
     * @param inputScale {@code S_in > 0}
     * @param weightScales {@code S_w[c] > 0}, one per output channel (length 1 for per-tensor)
     * @param outputScale {@code S_out > 0}
     * @return one multiplier per channel
     * @throws IllegalArgumentException on a non-positive or non-finite scale
     */
    public static QuantizedMultiplier[] perChannel(double inputScale, double[] weightScales, double outputScale) {
        checkScale(inputScale, "input scale");
        checkScale(outputScale, "output scale");
        QuantizedMultiplier[] m = new QuantizedMultiplier[weightScales.length];
        for (int c = 0; c < weightScales.length; c++) {
            checkScale(weightScales[c], "weight scale " + c);
            m[c] = QuantizedMultiplier.of(inputScale * weightScales[c] / outputScale);
        }
        return m;
    }

    /**
     * The output stage of a dense or convolution layer.
     *
     * @param inputScale {@code S_in}
     * @param weightScales {@code S_w[c]} per output channel
     * @param output output scale and zero point
     * @param activation the fused activation clamp (see {@link ActivationClamps})
     * @return the requantization
     */
    public static Requantization requantization(double inputScale, double[] weightScales, AffineQuantParams output,
            ActivationClamp activation) {
        return Requantization.of(perChannel(inputScale, weightScales, output.scale()), output.zeroPoint(),
                activation);
    }

    /**
     * Per-count multipliers of a requantizing average pool: entry {@code count - 1} is
     * {@code S_in / (S_out * count)}, for {@code count} in {@code [1, windowSize]}.
     *
     * @param inputScale {@code S_in}
     * @param output output scale and zero point
     * @param windowSize {@code KH * KW}
     * @return the table
     */
    public static AveragePoolRequantization averagePool(double inputScale, AffineQuantParams output, int windowSize) {
        checkScale(inputScale, "input scale");
        if (windowSize < 1) {
            throw new IllegalArgumentException("window size must be >= 1, got " + windowSize);
        }
        int[] m = new int[windowSize];
        int[] s = new int[windowSize];
        for (int count = 1; count <= windowSize; count++) {
            QuantizedMultiplier q = QuantizedMultiplier.of(inputScale / (output.scale() * count));
            m[count - 1] = q.multiplier();
            s[count - 1] = q.shift();
        }
        return new AveragePoolRequantization(m, s, output.zeroPoint());
    }

    /**
     * Multiplier of a requantizing global average pool over {@code count = H * W} positions:
     * {@code S_in / (S_out * count)}.
     *
     * @return the multiplier
     */
    public static QuantizedMultiplier globalAveragePool(double inputScale, double outputScale, int count) {
        checkScale(inputScale, "input scale");
        checkScale(outputScale, "output scale");
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        return QuantizedMultiplier.of(inputScale / (outputScale * count));
    }

    static void checkScale(double s, String name) {
        if (!(s > 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException(name + " must be positive and finite, got " + s);
        }
    }
}
