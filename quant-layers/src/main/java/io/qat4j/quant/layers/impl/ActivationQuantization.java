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
     * @return fake-quantized activation and the clipped-STE mask (null: gradient passes unchanged)
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
        FakeQuant.Masked m = FakeQuant.applyWithMask(x, p.scale(), p.zeroPoint(), r.qMin(), r.qMax());
        return spec.ste() == SteMode.CLIPPED ? m : new FakeQuant.Masked(m.values(), null);
    }
}
