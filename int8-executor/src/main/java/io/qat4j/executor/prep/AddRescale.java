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
        double twiceMax = 2 * Math.max(input1.scale(), input2.scale());
        QuantizedMultiplier m1 = QuantizedMultiplier.of(input1.scale() / twiceMax);
        QuantizedMultiplier m2 = QuantizedMultiplier.of(input2.scale() / twiceMax);
        QuantizedMultiplier mOut = QuantizedMultiplier.of(twiceMax / ((1 << LEFT_SHIFT) * output.scale()));
        return new AddParams(input1.zeroPoint(), m1.multiplier(), m1.shift(), input2.zeroPoint(), m2.multiplier(),
                m2.shift(), LEFT_SHIFT, mOut.multiplier(), mOut.shift(), output.zeroPoint(), activation);
    }
}
