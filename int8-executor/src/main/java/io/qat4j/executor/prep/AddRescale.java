package io.qat4j.executor.prep;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.AddParams;
import io.qat4j.executor.quant.AffineQuantParams;

/**
 * Parameters of quantized addition from the three scales, as TFLite's {@code ADD} kernel
 * prepares them for int8 ({@code kernels/add.cc}):
 * <pre>
 *   leftShift = 20
 *   twiceMax  = 2 * max(S1, S2)
 *   m1 = S1 / twiceMax,  m2 = S2 / twiceMax             (both <= 1/2)
 *   mOut = twiceMax / (2^leftShift * S_out)
 * </pre>
 * each through {@code QuantizeMultiplier}. Offline code.
 *
 * <p>{@link #weighted} generalises the sum to {@code r1 + w r2} for a real weight {@code w} (GIN's
 * {@code (1 + eps) x}): {@code S2} becomes {@code |w| S2} above and a negative {@code w} gives
 * {@code m2} its sign, so that input is subtracted ({@link AddParams}).
 */
public final class AddRescale {

    /** TFLite's headroom for int8 inputs. */
    public static final int LEFT_SHIFT = 20;

    private AddRescale() {
    }

    /**
     * @param input1 scale and zero point of the first input
     * @param input2 scale and zero point of the second input
     * @param output scale and zero point of the sum
     * @param activation fused activation clamp (see {@link ActivationClamps})
     * @return the kernel parameters
     */
    public static AddParams params(AffineQuantParams input1, AffineQuantParams input2, AffineQuantParams output,
            ActivationClamp activation) {
        return weighted(input1, input2, 1, output, activation);
    }

    /**
     * @param input1 scale and zero point of the first input
     * @param input2 scale and zero point of the second input
     * @param weight2 the real factor of the second input, any finite value
     * @param output scale and zero point of {@code r1 + weight2 r2}
     * @param activation fused activation clamp
     * @return the kernel parameters; {@link AddParams#subtracts()} when {@code weight2 < 0}
     * @throws IllegalArgumentException when {@code weight2} is not finite
     */
    public static AddParams weighted(AffineQuantParams input1, AffineQuantParams input2, double weight2,
            AffineQuantParams output, ActivationClamp activation) {
        if (!Double.isFinite(weight2)) {
            throw new IllegalArgumentException("add: weight of input 2 must be finite, got " + weight2);
        }
        double scale2 = Math.abs(weight2) * input2.scale();
        double twiceMax = 2 * Math.max(input1.scale(), scale2);
        QuantizedMultiplier m1 = QuantizedMultiplier.of(input1.scale() / twiceMax);
        QuantizedMultiplier m2 = QuantizedMultiplier.of(scale2 / twiceMax);
        QuantizedMultiplier mOut = QuantizedMultiplier.of(twiceMax / ((1 << LEFT_SHIFT) * output.scale()));
        int signedM2 = weight2 < 0 ? -m2.multiplier() : m2.multiplier();
        return new AddParams(input1.zeroPoint(), m1.multiplier(), m1.shift(), input2.zeroPoint(), signedM2,
                m2.shift(), LEFT_SHIFT, mOut.multiplier(), mOut.shift(), output.zeroPoint(), activation);
    }
}
