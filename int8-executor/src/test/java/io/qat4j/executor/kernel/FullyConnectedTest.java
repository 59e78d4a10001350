package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.activation;
import static io.qat4j.executor.kernel.KernelTestSupport.assertExact;
import static io.qat4j.executor.kernel.KernelTestSupport.assertWithinOne;
import static io.qat4j.executor.kernel.KernelTestSupport.calibrate;
import static io.qat4j.executor.kernel.KernelTestSupport.clamp;
import static io.qat4j.executor.kernel.KernelTestSupport.dequantize;
import static io.qat4j.executor.kernel.KernelTestSupport.dequantizePerChannel;
import static io.qat4j.executor.kernel.KernelTestSupport.exactRequantize;
import static io.qat4j.executor.kernel.KernelTestSupport.quantize;
import static io.qat4j.executor.kernel.KernelTestSupport.quantizeBias;
import static io.qat4j.executor.kernel.KernelTestSupport.quantizePerChannel;
import static io.qat4j.executor.kernel.KernelTestSupport.symmetricChannelScales;
import static io.qat4j.executor.kernel.KernelTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.prep.OutputMultipliers;
import io.qat4j.executor.quant.AffineQuantParams;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FullyConnected}, TFLite micro {@code fully_connected_test.cc} style. */
class FullyConnectedTest {

    // two batches of 10 features (TFLite micro's SimpleTest data)
    private static final double[] INPUT = {
        1, 2, 3, 4, 5, 6, 7, 8, -9, -10,
        1, 2, 3, 4, 5, 6, 7, -8, 9, -10,
    };
    private static final double[] WEIGHTS = {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    };
    private static final double[] BIAS = {1, 2, 3};
    private static final double[] GOLDEN_WITH_BIAS = {24, 25, 26, 58, 59, 60};
    private static final double[] GOLDEN_NO_BIAS = {23, 23, 23, 57, 57, 57};

    private static final AffineQuantParams IN = activation(0.5, -1);
    private static final AffineQuantParams OUT = activation(0.5, -10);

    /**
     * Double reference, exact: scales are powers of two and every real output is a multiple of
     * S_out, so no rounding happens anywhere and the kernel must reproduce the golden exactly.
     */
    @Test
    void perTensorWithBiasMatchesFloatGoldenExactly() {
        double[] sw = {0.5, 0.5, 0.5};
        assertExact(quantize(GOLDEN_WITH_BIAS, OUT), run(sw, BIAS), "per-tensor, bias");
    }

    /** Double reference, exact (as above), with a different scale per output channel. */
    @Test
    void perChannelWithBiasMatchesFloatGoldenExactly() {
        double[] sw = {0.5, 0.25, 1.0};
        assertExact(quantize(GOLDEN_WITH_BIAS, OUT), run(sw, BIAS), "per-channel, bias");
    }

    /** Double reference, exact, bias omitted (null). */
    @Test
    void withoutBiasMatchesFloatGoldenExactly() {
        assertExact(quantize(GOLDEN_NO_BIAS, OUT), run(new double[] {0.5, 0.25, 1.0}, null), "no bias");
    }

    private static byte[] run(double[] weightScales, double[] bias) {
        FullyConnectedParams p = new FullyConnectedParams(10, 3, IN.zeroPoint(),
                OutputMultipliers.requantization(IN.scale(), weightScales, OUT, ActivationClamp.INT8));
        byte[] out = new byte[6];
        FullyConnected.run(p, 2, quantize(INPUT, IN), quantizePerChannel(WEIGHTS, weightScales),
                bias == null ? null : quantizeBias(bias, IN.scale(), weightScales), out);
        return out;
    }

    /**
     * Double reference, exact: a fused ReLU clamps negative outputs to Z_out; goldens are
     * {@code max(0, W x + b)} and representable.
     */
    @Test
    void fusedReluClampsNegativeOutputs() {
        double[] weights = {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
            -1, -2, -3, -4, -5, -6, -7, -8, -9, -10,
        };
        double[] bias = {1, -1};
        double[] golden = {24, 0, 58, 0}; // max(0, [24, -24, 58, -58])
        double[] sw = {0.5, 0.5};
        FullyConnectedParams p = new FullyConnectedParams(10, 2, IN.zeroPoint(),
                OutputMultipliers.requantization(IN.scale(), sw, OUT, ActivationClamps.relu(OUT)));
        byte[] out = new byte[4];
        FullyConnected.run(p, 2, quantize(INPUT, IN), quantizePerChannel(weights, sw), quantizeBias(bias, 0.5, sw), out);
        assertExact(quantize(golden, OUT), out, "relu");
        assertEquals(OUT.zeroPoint(), out[1]);
    }

    /**
     * Seeded random data, per-channel scales, calibrated output range. Exact integer reference
     * (long accumulation + BigInteger requantization), compared bit for bit; double reference
     * within 1 (two roundings and a Q31 multiplier may move a value across a .5 boundary).
     */
    @Test
    void perChannelRandomMatchesExactIntegerReference() {
        Random rnd = new Random(0xFC01L);
        int n = 4;
        int k = 37;
        int o = 6;
        double[] x = uniform(rnd, n * k, -1.3, 2.9);
        double[] w = uniform(rnd, o * k, -0.8, 0.8);
        for (int c = 0; c < o; c++) { // spread the channel ranges so per-channel scales differ
            for (int i = 0; i < k; i++) {
                w[c * k + i] *= 1.0 / (1 + c);
            }
        }
        double[] b = uniform(rnd, o, -1, 1);
        AffineQuantParams in = calibrate(x);
        double[] sw = symmetricChannelScales(w, o);
        byte[] xq = quantize(x, in);
        byte[] wq = quantizePerChannel(w, sw);
        int[] bq = quantizeBias(b, in.scale(), sw);

        // double reference on the dequantized operands
        double[] xr = dequantize(xq, in);
        double[] wr = dequantizePerChannel(wq, sw);
        double[] real = new double[n * o];
        for (int bi = 0; bi < n; bi++) {
            for (int c = 0; c < o; c++) {
                double s = in.scale() * sw[c] * bq[c];
                for (int i = 0; i < k; i++) {
                    s += wr[c * k + i] * xr[bi * k + i];
                }
                real[bi * o + c] = s;
            }
        }
        AffineQuantParams out = calibrate(real);
        Requantization rq = OutputMultipliers.requantization(in.scale(), sw, out, ActivationClamp.INT8);
        FullyConnectedParams p = new FullyConnectedParams(k, o, in.zeroPoint(), rq);
        byte[] actual = new byte[n * o];
        FullyConnected.run(p, n, xq, wq, bq, actual);

        byte[] exact = new byte[n * o];
        for (int bi = 0; bi < n; bi++) {
            for (int c = 0; c < o; c++) {
                long acc = bq[c];
                for (int i = 0; i < k; i++) {
                    acc += (long) wq[c * k + i] * (xq[bi * k + i] - in.zeroPoint());
                }
                exact[bi * o + c] = (byte) clamp(exactRequantize(acc, rq.multipliers()[c], rq.shifts()[c])
                        + out.zeroPoint(), -128, 127);
            }
        }
        assertExact(exact, actual, "exact integer reference");
        assertWithinOne(quantize(real, out), actual, "double reference");
    }

    /**
     * Raw int32 accumulators for the logits: exact integer reference (long), and the real logits
     * {@code S_in S_w acc} equal the float golden exactly.
     */
    @Test
    void accumulatorsAreExactAndDequantizeToTheGolden() {
        double[] sw = {0.5, 0.25, 1.0};
        FullyConnectedParams p = new FullyConnectedParams(10, 3, IN.zeroPoint(), null);
        byte[] xq = quantize(INPUT, IN);
        byte[] wq = quantizePerChannel(WEIGHTS, sw);
        int[] bq = quantizeBias(BIAS, IN.scale(), sw);
        int[] acc = new int[6];
        FullyConnected.accumulators(p, 2, xq, wq, bq, acc);
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                long expected = bq[c];
                for (int i = 0; i < 10; i++) {
                    expected += (long) wq[c * 10 + i] * (xq[n * 10 + i] - IN.zeroPoint());
                }
                assertEquals(expected, acc[n * 3 + c]);
                assertEquals(GOLDEN_WITH_BIAS[n * 3 + c], IN.scale() * sw[c] * acc[n * 3 + c], 0.0);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> FullyConnected.run(p, 2, xq, wq, bq, new byte[6]),
                "a layer without requantization only has raw accumulators");
    }

    /** Accumulator bound: K * 128 * 255 must fit in int32, also after the requantization's left shift. */
    @Test
    void rejectsDepthsThatCouldOverflowInt32() {
        Requantization unit = Requantization.perTensor(1, QuantizedMultiplier.of(0.25), 0, ActivationClamp.INT8);
        assertEquals(65793, KernelChecks.MAX_ACCUMULATION_DEPTH);
        new FullyConnectedParams(65793, 1, 0, unit); // 65793 * 32640 = 2147483520 <= 2^31 - 1
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FullyConnectedParams(65794, 1, 0, unit));
        assertTrue(e.getMessage().contains("too large for int32 accumulation"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FullyConnectedParams(65794, 1, 0, null));

        // a real multiplier >= 1 left-shifts the accumulator: the bound halves per bit
        Requantization times2 = Requantization.perTensor(1, QuantizedMultiplier.of(2.0), 0, ActivationClamp.INT8);
        assertEquals(2, times2.maxLeftShift());
        new FullyConnectedParams(16448, 1, 0, times2); // 16448 * 32640 * 4 < 2^31
        assertThrows(IllegalArgumentException.class, () -> new FullyConnectedParams(16449, 1, 0, times2));

        // the bias adds to the bound and is checked at each call
        FullyConnectedParams p = new FullyConnectedParams(65000, 1, 0, unit);
        byte[] x = new byte[65000];
        byte[] w = new byte[65000];
        FullyConnected.run(p, 1, x, w, new int[] {1000}, new byte[1]);
        assertThrows(IllegalArgumentException.class,
                () -> FullyConnected.run(p, 1, x, w, new int[] {Integer.MAX_VALUE - 1000}, new byte[1]));
        assertThrows(IllegalArgumentException.class,
                () -> FullyConnected.accumulators(p, 1, x, w, new int[] {Integer.MIN_VALUE}, new int[1]));
    }

    /** The worst case the bound allows does not overflow: exact integer reference at K = 65793. */
    @Test
    void worstCaseAtTheBoundIsExact() {
        int k = KernelChecks.MAX_ACCUMULATION_DEPTH;
        byte[] x = new byte[k];
        byte[] w = new byte[k];
        java.util.Arrays.fill(x, (byte) 127);
        java.util.Arrays.fill(w, (byte) -128);
        FullyConnectedParams p = new FullyConnectedParams(k, 1, -128, null);
        int[] acc = new int[1];
        FullyConnected.accumulators(p, 1, x, w, null, acc);
        assertEquals(-128L * 255 * k, acc[0]);
    }

    @Test
    void rejectsInconsistentArguments() {
        Requantization rq = Requantization.perTensor(3, QuantizedMultiplier.of(0.01), 0, ActivationClamp.INT8);
        assertThrows(IllegalArgumentException.class, () -> new FullyConnectedParams(4, 2, 0, rq));
        assertThrows(IllegalArgumentException.class, () -> new FullyConnectedParams(4, 3, 128, rq));
        FullyConnectedParams p = new FullyConnectedParams(4, 3, 0, rq);
        assertThrows(IllegalArgumentException.class,
                () -> FullyConnected.run(p, 2, new byte[7], new byte[12], null, new byte[6]));
        assertThrows(IllegalArgumentException.class,
                () -> FullyConnected.run(p, 2, new byte[8], new byte[11], null, new byte[6]));
        assertThrows(IllegalArgumentException.class,
                () -> FullyConnected.run(p, 2, new byte[8], new byte[12], new int[2], new byte[6]));
        assertThrows(IllegalArgumentException.class,
                () -> FullyConnected.run(p, 0, new byte[8], new byte[12], null, new byte[6]));
        byte[] out = new byte[6];
        FullyConnected.run(p, 2, new byte[8], new byte[12], null, out);
        assertArrayEquals(new byte[6], out);
    }
}
