package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.activation;
import static io.qat4j.executor.kernel.KernelTestSupport.assertExact;
import static io.qat4j.executor.kernel.KernelTestSupport.quantize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import org.junit.jupiter.api.Test;

/** {@link Clamp} with bounds from {@link ActivationClamps}; TFLite {@code CalculateActivationRangeQuantized}. */
class ActivationTest {

    private static double[] ramp(double from, double to, double step) {
        int n = (int) Math.round((to - from) / step) + 1;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = from + i * step;
        }
        return r;
    }

    /**
     * Double reference, exact: ReLU and ReLU6 in reals, then quantized, equal the integer clamp of
     * the quantized input (the clamp bounds are themselves quantized reals).
     */
    @Test
    void reluAndRelu6MatchDoubleReferenceExactly() {
        for (AffineQuantParams q : new AffineQuantParams[] {activation(0.05, -20), activation(0.07, 10),
                activation(0.013, -128), activation(0.1, 127)}) {
            double[] x = ramp(-3, q.dequantize(127), 0.0173);
            byte[] xq = quantize(x, q);
            double[] xr = KernelTestSupport.dequantize(xq, q);
            double[] relu = new double[x.length];
            double[] relu6 = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                relu[i] = Math.max(xr[i], 0);
                relu6[i] = Math.min(Math.max(xr[i], 0), 6);
            }
            byte[] out = new byte[x.length];
            Clamp.run(ActivationClamps.relu(q), x.length, xq, out);
            assertExact(quantize(relu, q), out, "relu " + q);
            Clamp.run(ActivationClamps.relu6(q), x.length, xq, out);
            assertExact(quantize(relu6, q), out, "relu6 " + q);
        }
    }

    @Test
    void clampBounds() {
        assertEquals(new ActivationClamp(-20, 127), ActivationClamps.relu(activation(0.05, -20)));
        assertEquals(new ActivationClamp(-20, 100), ActivationClamps.relu6(activation(0.05, -20))); // -20 + 120
        assertEquals(new ActivationClamp(10, 96), ActivationClamps.relu6(activation(0.07, 10))); // 10 + round(85.71)
        assertEquals(new ActivationClamp(0, 127), ActivationClamps.relu6(activation(0.01, 0))); // 600 saturates
        assertEquals(new ActivationClamp(-128, 127), ActivationClamps.none(activation(0.01, 0)));
        assertEquals(new ActivationClamp(-5, 15), ActivationClamps.reluN(activation(0.1, -5), 2.0));
        // a 4-bit activation: the clamp is the narrower range
        AffineQuantParams int4 = new AffineQuantParams(0.5, -3, QuantRange.of(4, true, false));
        assertEquals(new ActivationClamp(-8, 7), ActivationClamps.none(int4));
        assertEquals(new ActivationClamp(-3, 7), ActivationClamps.relu6(int4));
    }

    @Test
    void clampRunsInPlace() {
        byte[] x = {-128, -21, -20, 0, 99, 100, 101, 127};
        Clamp.run(new ActivationClamp(-20, 100), x.length, x, x);
        assertExact(new byte[] {-20, -20, -20, 0, 99, 100, 100, 100}, x, "in place");
    }

    @Test
    void clampRejectsInvalidBounds() {
        assertThrows(IllegalArgumentException.class, () -> new ActivationClamp(5, 4));
        assertThrows(IllegalArgumentException.class, () -> new ActivationClamp(-129, 0));
        assertThrows(IllegalArgumentException.class, () -> new ActivationClamp(0, 128));
        assertThrows(IllegalArgumentException.class,
                () -> Clamp.run(ActivationClamp.INT8, 4, new byte[3], new byte[4]));
    }
}
