package io.qat4j.executor.prep;

import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.Rounding;

/**
 * Integer clamp bounds of the fused activations, from the output scale and zero point (TFLite
 * {@code CalculateActivationRangeQuantized}, {@code kernels/kernel_util.cc}): with
 * {@code quantize(r) = Z + round(r / S)} (half away from zero) and the output range
 * {@code [qMin, qMax]},
 * <ul>
 *   <li>none: {@code [qMin, qMax]};</li>
 *   <li>ReLU: {@code [max(qMin, Z), qMax]};</li>
 *   <li>ReLU6: {@code [max(qMin, Z), min(qMax, quantize(6))]};</li>
 *   <li>ReLU-N (clipped at {@code cap}): {@code [max(qMin, Z), min(qMax, quantize(cap))]}.</li>
 * </ul>
 * Offline code; the kernels only see the two integers.
 */
public final class ActivationClamps {

    private ActivationClamps() {
    }

    /** @return the clamp of the output range alone */
    public static ActivationClamp none(AffineQuantParams output) {
        return new ActivationClamp(output.range().qMin(), output.range().qMax());
    }

    /** @return ReLU: {@code [max(qMin, Z), qMax]} */
    public static ActivationClamp relu(AffineQuantParams output) {
        return new ActivationClamp(Math.max(output.range().qMin(), output.zeroPoint()), output.range().qMax());
    }

    /** @return ReLU6: {@code [max(qMin, Z), min(qMax, Z + round(6 / S))]} */
    public static ActivationClamp relu6(AffineQuantParams output) {
        return reluN(output, 6.0);
    }

    /**
     * @param cap the upper real bound, > 0
     * @return {@code [max(qMin, Z), min(qMax, Z + round(cap / S))]}
     */
    public static ActivationClamp reluN(AffineQuantParams output, double cap) {
        if (!(cap > 0) || Double.isInfinite(cap)) {
            throw new IllegalArgumentException("cap must be positive and finite, got " + cap);
        }
        int lo = Math.max(output.range().qMin(), output.zeroPoint());
        long top = output.zeroPoint() + Rounding.toLongHalfAwayFromZero(cap / output.scale());
        int hi = (int) Math.min(output.range().qMax(), top);
        return new ActivationClamp(lo, hi);
    }
}
