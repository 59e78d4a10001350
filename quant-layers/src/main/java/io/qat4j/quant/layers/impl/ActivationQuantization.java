package io.qat4j.quant.layers.impl;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import io.qat4j.quant.math.FakeQuant;
import io.qat4j.quant.math.FloatKernels;
import io.qat4j.quant.math.Percentiles;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.quant.spec.SteMode;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Observe-then-fake-quantize of one activation tensor with its observer state (Jacob et al., CVPR
 * 2018, section 3.1; PyTorch {@code FakeQuantize}), shared by the compute layers (after their
 * activation function), the activation quantizer layer, the quantized add vertex and quantized
 * layers defined in other modules. FLOAT tensors go through the fused loops of
 * {@link FloatKernels}; other types through {@link FakeQuant}'s ND4J operations.
 */
public final class ActivationQuantization {

    private ActivationQuantization() {
    }

    /**
     * The result of one activation quantization.
     *
     * @param values fake-quantized values (the input itself when not quantizing)
     * @param gradMask what the backward pass multiplies the gradient with (clipped STE), or null
     * @param clippedFraction share of clamped codes; during the float warm-up (training), the share
     *     of values that the observed range would clamp; NaN when unknown
     */
    public record Result(INDArray values, INDArray gradMask, double clippedFraction) {
    }

    /**
     * The output quantization parameters implied by an observer state.
     *
     * @param spec activation spec
     * @param state observer state
     * @return the parameters
     */
    public static AffineQuantParams params(QuantSpec spec, INDArray state) {
        return AffineQuantParams.asymmetric(state.getDouble(RangeObserver.MIN), state.getDouble(RangeObserver.MAX),
                spec.range());
    }

    /**
     * The output quantization parameters as a FLOAT forward pass uses them and the exporters write
     * them: {@link #params} with the scale rounded to float32 ({@link FloatKernels#fakeQuant} rounds
     * and dequantizes with the float32 scale).
     *
     * @param spec activation spec
     * @param state observer state
     * @return the parameters with the float32 scale
     */
    public static AffineQuantParams float32Params(QuantSpec spec, INDArray state) {
        AffineQuantParams p = params(spec, state);
        return new AffineQuantParams((float) p.scale(), p.zeroPoint(), p.range());
    }

    /**
     * @param x activation
     * @param spec activation spec
     * @param schedule the schedule
     * @param state observer state view {@code [min, max, batchesSeen]}
     * @param step current iteration
     * @param training training mode
     * @param updateState whether the observer may update
     * @return the quantized activation, its backward mask and its clipped fraction
     */
    public static Result apply(INDArray x, QuantSpec spec, QuantSchedule schedule, INDArray state,
                        long step, boolean training, boolean updateState) {
        if (training && updateState && schedule.observing(step)) {
            RangeObserver.observe(spec.observer(), x, state);
        }
        if (!RangeObserver.initialized(state)) {
            return new Result(x, null, Double.NaN);
        }
        AffineQuantParams p = params(spec, state);
        QuantRange r = p.range();
        if (!schedule.quantizing(step)) {
            return new Result(x, null, training ? warmUpClippedFraction(x, p) : Double.NaN);
        }
        boolean clipped = spec.ste() == SteMode.CLIPPED;
        if (x.dataType() == DataType.FLOAT) {
            INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
            float[] v = FloatKernels.read(FloatKernels.contiguous(x));
            float[] m = clipped ? new float[v.length] : null;
            if (m != null) {
                Arrays.fill(m, 1f);
            }
            int n = FloatKernels.fakeQuant(v, v.length, p.scale(), p.zeroPoint(), r.qMin(), r.qMax(), m, clipped);
            FloatKernels.write(v, out);
            INDArray mask = null;
            if (m != null) {
                mask = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
                FloatKernels.write(m, mask);
            }
            return new Result(out, mask, (double) n / v.length);
        }
        FakeQuant.Masked m = FakeQuant.applyWithMask(x, p.scale(), p.zeroPoint(), r.qMin(), r.qMax());
        return new Result(m.values(), clipped ? m.mask() : null, 1.0 - m.mask().meanNumber().doubleValue());
    }

    /**
     * The share of values the observer's current range would clamp, without quantizing them: what
     * the float warm-up reports as clipped fraction, so that TensorBoard shows how well the observed
     * range fits before quantization starts.
     */
    private static double warmUpClippedFraction(INDArray x, AffineQuantParams p) {
        QuantRange r = p.range();
        if (x.dataType() == DataType.FLOAT) {
            float[] v = FloatKernels.read(FloatKernels.contiguous(x));
            return (double) FloatKernels.countClamped(v, v.length, p.scale(), p.zeroPoint(), r.qMin(), r.qMax()) / v.length;
        }
        return 1.0 - FakeQuant.applyWithMask(x, p.scale(), p.zeroPoint(), r.qMin(), r.qMax()).mask().meanNumber().doubleValue();
    }

    /**
     * Fake-quantizes a FLOAT buffer on the heap in place after its minimum and maximum were found by
     * a fused pass (a percentile observer takes its percentiles from a copy of the buffer). The
     * entry for fused loops here and in other modules (graph layers quantize the unprotected rows
     * of a tensor this way).
     *
     * @param out values, quantized in place
     * @param len number of elements
     * @param batchRange {@code {min, max}} of the values
     * @param gradMask gradient mask to update (clipped STE), or null
     * @param spec activation spec
     * @param schedule schedule
     * @param state observer state
     * @param step current iteration
     * @param training training mode
     * @param updateState whether the observer may update
     * @return the clipped fraction (during the float warm-up in training, the share the observed range
     *     would clamp), NaN when unknown
     */
    public static double applyFused(float[] out, int len, double[] batchRange, float[] gradMask,
                                    QuantSpec spec, QuantSchedule schedule, INDArray state, long step, boolean training,
                                    boolean updateState) {
        if (training && updateState && schedule.observing(step)) {
            double[] range = RangeObserver.needsTensor(spec.observer())
                    ? RangeObserver.percentileRange(
                            Percentiles.lowHigh(Arrays.copyOf(out, len), len, spec.observer().percentile()), batchRange)
                    : batchRange;
            RangeObserver.observeRange(spec.observer(), range, state);
        }
        if (!RangeObserver.initialized(state)) {
            return Double.NaN;
        }
        AffineQuantParams p = params(spec, state);
        if (!schedule.quantizing(step)) {
            return training
                    ? (double) FloatKernels.countClamped(out, len, p.scale(), p.zeroPoint(), p.range().qMin(), p.range().qMax()) / len
                    : Double.NaN;
        }
        int n = FloatKernels.fakeQuant(out, len, p.scale(), p.zeroPoint(), p.range().qMin(), p.range().qMax(),
                gradMask, spec.ste() == SteMode.CLIPPED);
        return (double) n / len;
    }
}
