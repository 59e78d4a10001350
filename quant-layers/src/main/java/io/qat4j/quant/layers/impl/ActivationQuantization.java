package io.qat4j.quant.layers.impl;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import io.qat4j.quant.math.FakeQuant;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.quant.spec.SteMode;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Observe-then-fake-quantize of one activation tensor with its observer state, shared by the
 * compute layers (after their activation function), the activation quantizer layer and the
 * quantized add vertex.
 */
final class ActivationQuantization {

    private ActivationQuantization() {
    }

    /**
     * @param x activation
     * @param spec activation spec
     * @param schedule the schedule
     * @param state observer state view {@code [min, max, batchesSeen]}
     * @param step current iteration
     * @param training training mode
     * @param updateState whether the observer may update
     * @return fake-quantized activation and the in-range mask (null when not quantizing); the
     *     backward pass applies the mask only with a clipped STE, see {@link #backwardMask}
     */
    static FakeQuant.Masked apply(INDArray x, QuantSpec spec, QuantSchedule schedule, INDArray state,
                                  long step, boolean training, boolean updateState) {
        if (training && updateState && schedule.observing(step)) {
            RangeObserver.observe(spec.observer(), x, state);
        }
        if (!schedule.quantizing(step) || !RangeObserver.initialized(state)) {
            return new FakeQuant.Masked(x, null);
        }
        QuantRange r = spec.range();
        AffineQuantParams p = AffineQuantParams.asymmetric(state.getDouble(RangeObserver.MIN),
                state.getDouble(RangeObserver.MAX), r);
        return FakeQuant.applyWithMask(x, p.scale(), p.zeroPoint(), r.qMin(), r.qMax());
    }

    /**
     * @param spec the activation spec
     * @param forward the result of {@link #apply}
     * @return the mask the backward pass multiplies the gradient with, or null for none
     */
    static INDArray backwardMask(QuantSpec spec, FakeQuant.Masked forward) {
        return spec.ste() == SteMode.CLIPPED ? forward.mask() : null;
    }

    /**
     * @param mask an in-range mask from {@link #apply}, or null
     * @return the fraction of elements that were clamped, NaN when unknown
     */
    static double clippedFraction(INDArray mask) {
        return mask == null ? Double.NaN : 1.0 - mask.meanNumber().doubleValue();
    }
}
