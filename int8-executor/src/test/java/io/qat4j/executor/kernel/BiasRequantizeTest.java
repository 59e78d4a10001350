package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.activation;
import static io.qat4j.executor.kernel.KernelTestSupport.assertExact;
import static io.qat4j.executor.kernel.KernelTestSupport.exactOutput;
import static io.qat4j.executor.kernel.KernelTestSupport.quantize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.prep.GraphOpParams;
import io.qat4j.executor.quant.AffineQuantParams;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BiasRequantize}: an exact float golden, every code of random parameters against the exact
 * reference of its definition, the offline bias unit's rounding bound, and the accumulator bound.
 */
class BiasRequantizeTest {

    static byte[] reference(BiasRequantizeParams p, byte[] x) {
        byte[] out = new byte[x.length];
        int[] b = p.bias();
        for (int i = 0; i < x.length; i++) {
            long acc = ((long) (x[i] - p.inputZeroPoint()) << p.biasShift()) + b[i % p.channels()];
            out[i] = exactOutput(acc, p.requantization(), 0);
        }
        return out;
    }

    /** S_in = 0.5, S_out = 0.25, biases of whole quarters: every output exact. */
    @Test
    void matchesTheFloatGoldenExactly() {
        AffineQuantParams in = activation(0.5, 4);
        AffineQuantParams out = activation(0.25, -6);
        double[] bias = {0.25, -1.5, 2};
        double[] x = {0, 1.5, -2, 10, -12, 0.5};
        double[] golden = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            golden[i] = x[i] + bias[i % 3];
        }
        BiasRequantizeParams p = GraphOpParams.biasRequantize(in.zeroPoint(), in.scale(), bias, out, ActivationClamp.INT8);
        byte[] y = new byte[x.length];
        BiasRequantize.run(p, 2, quantize(x, in), y);
        assertExact(quantize(golden, out), y, "bias requantize");
    }

    @Test
    void everyCodeMatchesTheExactReferenceAndTheRealValueWithinHalfAStep() {
        Random rnd = new Random(11);
        byte[] all = new byte[256 * 4];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) (i / 4 - 128);
        }
        for (int trial = 0; trial < 200; trial++) {
            AffineQuantParams in = activation(Math.exp(rnd.nextGaussian() * 3 - 3), rnd.nextInt(256) - 128);
            AffineQuantParams out = activation(in.scale() * Math.exp(rnd.nextGaussian() * 2), rnd.nextInt(256) - 128);
            double[] bias = new double[4];
            for (int c = 0; c < 4; c++) {
                bias[c] = rnd.nextGaussian() * 100 * in.scale();
            }
            BiasRequantizeParams p = GraphOpParams.biasRequantize(in.zeroPoint(), in.scale(), bias, out, ActivationClamp.INT8);
            byte[] y = new byte[all.length];
            BiasRequantize.run(p, 256, all, y);
            assertExact(reference(p, all), y, "trial " + trial);
            // the real result: the bias unit's rounding (S_in 2^-(f+1)) and the multiplier's 31 bits add less than a
            // hundredth of an output step to the half step of the final rounding, so away from the clamps
            // |S_out (y - Z_out) - (S_in (x - Z_in) + b)| <= 0.51 S_out
            for (int i = 0; i < all.length; i++) {
                double real = in.scale() * (all[i] - in.zeroPoint()) + bias[i % 4];
                double code = real / out.scale() + out.zeroPoint();
                if (code > -127.5 && code < 126.5 && Math.abs(real) * Math.scalb(1.0, -30) < 0.001 * out.scale()) {
                    assertTrue(Math.abs(out.scale() * (y[i] - out.zeroPoint()) - real) <= 0.51 * out.scale(),
                            "trial " + trial + " code " + all[i]);
                }
            }
        }
    }

    @Test
    void aZeroBiasIsAPlainRequantizationAtTheFinestShift() {
        BiasRequantizeParams p = GraphOpParams.biasRequantize(3, 0.1, new double[2], activation(0.3, -2), ActivationClamp.INT8);
        assertEquals(BiasRequantizeParams.MAX_BIAS_SHIFT, p.biasShift());
    }

    @Test
    void theAccumulatorBoundIsChecked() {
        Requantization r = GraphOpParams.scatterAdd(1.0, activation(2.0, 0), ActivationClamp.INT8); // M = 1/2: no left shift
        int f = BiasRequantizeParams.MAX_BIAS_SHIFT;
        long room = Integer.MAX_VALUE - (255L << f);
        new BiasRequantizeParams(1, 0, f, new int[] {(int) room}, r);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BiasRequantizeParams(1, 0, f, new int[] {(int) room + 1}, r));
        assertTrue(e.getMessage().contains("bias[0]"), e.getMessage());
        // a huge bias makes the offline choice take a coarser unit
        BiasRequantizeParams coarse = GraphOpParams.biasRequantize(0, 1.0, new double[] {1e6}, activation(1e4, 0), ActivationClamp.INT8);
        assertTrue(coarse.biasShift() < f && coarse.biasShift() >= 0, "f = " + coarse.biasShift());
    }
}
