package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.activation;
import static io.qat4j.executor.kernel.KernelTestSupport.assertExact;
import static io.qat4j.executor.kernel.KernelTestSupport.assertWithinOne;
import static io.qat4j.executor.kernel.KernelTestSupport.calibrate;
import static io.qat4j.executor.kernel.KernelTestSupport.clamp;
import static io.qat4j.executor.kernel.KernelTestSupport.dequantize;
import static io.qat4j.executor.kernel.KernelTestSupport.exactRequantize;
import static io.qat4j.executor.kernel.KernelTestSupport.quantize;
import static io.qat4j.executor.kernel.KernelTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.prep.AddRescale;
import io.qat4j.executor.quant.AffineQuantParams;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Add}, TFLite micro {@code add_test.cc} style. */
class AddTest {

    /** The kernel bit for bit against {@link #exactAdd}, and within one code of the quantized real sums. */
    private static void assertMatchesReferences(AddParams p, byte[] q1, byte[] q2, double[] real, AffineQuantParams out, String what) {
        int size = q1.length;
        byte[] actual = new byte[size];
        Add.run(p, size, q1, q2, actual);
        byte[] exact = new byte[size];
        byte[] fromDouble = new byte[size];
        for (int i = 0; i < size; i++) {
            exact[i] = exactAdd(p, q1[i], q2[i]);
            fromDouble[i] = (byte) out.quantize(real[i]);
        }
        assertExact(exact, actual, what + ": exact integer reference");
        assertWithinOne(fromDouble, actual, what + ": quantized real sum");
    }

    /**
     * The documented formula in BigInteger arithmetic: each offset times {@code 2^leftShift},
     * negated for a negative multiplier, times the multiplier's magnitude, the sum rescaled and clamped.
     */
    private static byte exactAdd(AddParams p, byte q1, byte q2) {
        long a = (long) (q1 - p.input1ZeroPoint()) << p.leftShift();
        long b = (long) (q2 - p.input2ZeroPoint()) << p.leftShift();
        long sum = exactRequantize(p.input1Multiplier() < 0 ? -a : a, Math.abs(p.input1Multiplier()), p.input1Shift())
                + (long) exactRequantize(p.input2Multiplier() < 0 ? -b : b, Math.abs(p.input2Multiplier()), p.input2Shift());
        return (byte) clamp(exactRequantize(sum, p.outputMultiplier(), p.outputShift()) + p.outputZeroPoint(), p.activation().min(),
                p.activation().max());
    }

    /**
     * Double reference, exact: scales 0.5, 0.25 and 0.25 make every multiplier a power of two and
     * every intermediate exact, so the quantized sum equals the quantized float golden.
     */
    @Test
    void differentInputScalesMatchFloatGoldenExactly() {
        double[] r1 = {1.5, -2, 0.5, 10, -12, 0, 3.5};
        double[] r2 = {0.25, -0.75, -0.5, 5.25, -3, 0, -3.5};
        double[] golden = {1.75, -2.75, 0, 15.25, -15, 0, 0};
        AffineQuantParams in1 = activation(0.5, 3);
        AffineQuantParams in2 = activation(0.25, -7);
        AffineQuantParams out = activation(0.25, 1);
        AddParams p = AddRescale.params(in1, in2, out, ActivationClamp.INT8);
        byte[] actual = new byte[r1.length];
        Add.run(p, r1.length, quantize(r1, in1), quantize(r2, in2), actual);
        assertExact(quantize(golden, out), actual, "add");
    }

    /**
     * Seeded random tensors with unrelated scales (input 2 wider than input 1, then the other way
     * round), calibrated output. Exact integer reference: the documented three-rescale formula in
     * BigInteger arithmetic, bit for bit; double reference within 1.
     */
    @Test
    void randomInputsMatchExactIntegerReference() {
        Random rnd = new Random(2024);
        int size = 500;
        double[][] ranges = {{-1.1, 0.9, -6.3, 4.2}, {-7.5, 3.3, -0.4, 0.6}};
        for (double[] range : ranges) {
            double[] x1 = uniform(rnd, size, range[0], range[1]);
            double[] x2 = uniform(rnd, size, range[2], range[3]);
            AffineQuantParams in1 = calibrate(x1);
            AffineQuantParams in2 = calibrate(x2);
            byte[] q1 = quantize(x1, in1);
            byte[] q2 = quantize(x2, in2);
            double[] r1 = dequantize(q1, in1);
            double[] r2 = dequantize(q2, in2);
            double[] real = new double[size];
            for (int i = 0; i < size; i++) {
                real[i] = r1[i] + r2[i];
            }
            AffineQuantParams out = calibrate(real);
            for (ActivationClamp act : new ActivationClamp[] {ActivationClamp.INT8, ActivationClamps.relu(out)}) {
                double[] activated = act == ActivationClamp.INT8 ? real
                        : Arrays.stream(real).map(r -> Math.max(r, 0)).toArray();
                assertMatchesReferences(AddRescale.params(in1, in2, out, act), q1, q2, activated, out, "clamp " + act);
            }
        }
    }

    /**
     * {@code r1 + w r2} for weights of both signs, zero and beyond one in magnitude (GIN's
     * {@code (1 + eps) x}), on seeded random codes plus every pair of extreme codes and zero
     * points: bit for bit the documented formula in BigInteger arithmetic, where a negative
     * multiplier negates its input's offset before the multiplication by its magnitude; and
     * within one code of the quantized real sum.
     */
    @Test
    void weightedAddMatchesExactIntegerReference() {
        Random rnd = new Random(77);
        int size = 600;
        for (double w : new double[] {-2.5, -1.7, -1, -0.3, 0, 0.6, 1, 3.1}) {
            for (int[] zeroPoints : new int[][] {{-128, 127}, {127, -128}, {3, -9}}) {
                AffineQuantParams in1 = activation(0.02 + 0.05 * rnd.nextDouble(), zeroPoints[0]);
                AffineQuantParams in2 = activation(0.02 + 0.05 * rnd.nextDouble(), zeroPoints[1]);
                byte[] q1 = new byte[size];
                byte[] q2 = new byte[size];
                int[] extremes = {-128, 127, zeroPoints[0], zeroPoints[1]};
                for (int i = 0; i < size; i++) {
                    q1[i] = (byte) (i < 16 ? extremes[i % 4] : rnd.nextInt(256) - 128);
                    q2[i] = (byte) (i < 16 ? extremes[i / 4] : rnd.nextInt(256) - 128);
                }
                double[] r1 = dequantize(q1, in1);
                double[] r2 = dequantize(q2, in2);
                double[] real = new double[size];
                for (int i = 0; i < size; i++) {
                    real[i] = r1[i] + w * r2[i];
                }
                AffineQuantParams out = calibrate(real);
                AddParams p = AddRescale.weighted(in1, in2, w, out, ActivationClamp.INT8);
                assertEquals(w < 0, p.subtracts(), "weight " + w);
                assertMatchesReferences(p, q1, q2, real, out, "weight " + w + ", zero points " + Arrays.toString(zeroPoints));
            }
        }
    }

    @Test
    void addParamsTakeSignedInputMultipliersOfQ31Magnitude() {
        AddParams minus = new AddParams(0, -(1 << 30), 0, 0, 1 << 30, 0, 20, 1 << 30, -10, 0, ActivationClamp.INT8);
        assertTrue(minus.subtracts());
        assertThrows(IllegalArgumentException.class, () -> new AddParams(0, Integer.MIN_VALUE, 0, 0, 1 << 30, 0, 20, 1 << 30,
                -10, 0, ActivationClamp.INT8));
        assertThrows(IllegalArgumentException.class, () -> new AddParams(0, 1 << 30, 0, 0, -(1 << 29), 0, 20, 1 << 30,
                -10, 0, ActivationClamp.INT8)); // magnitude below 2^30
        assertThrows(IllegalArgumentException.class, () -> AddRescale.weighted(activation(0.5, 0), activation(0.25, 0),
                Double.NaN, activation(0.25, 0), ActivationClamp.INT8));
    }

    /** In place: the output may alias an input. */
    @Test
    void outputMayAliasAnInput() {
        AffineQuantParams q = activation(0.1, 0);
        AddParams p = AddRescale.params(q, q, activation(0.2, 0), ActivationClamp.INT8);
        byte[] a = {10, -20, 30};
        Add.run(p, 3, a, new byte[] {10, 20, 30}, a);
        assertExact(new byte[] {10, 0, 30}, a, "in place");
    }

    @Test
    void addParamsRejectOverflowingHeadroom() {
        AddParams ok = AddRescale.params(activation(0.5, 0), activation(0.25, 0), activation(0.25, 0),
                ActivationClamp.INT8);
        assertEquals(20, ok.leftShift());
        assertThrows(IllegalArgumentException.class, () -> new AddParams(0, 1 << 30, 0, 0, 1 << 30, 0, 23, 1 << 30,
                -10, 0, ActivationClamp.INT8)); // 255 * 2^23 * 2 > 2^31
        assertThrows(IllegalArgumentException.class, () -> new AddParams(0, 1 << 30, 1, 0, 1 << 30, 0, 20, 1 << 30,
                -10, 0, ActivationClamp.INT8)); // input multiplier >= 1
        assertThrows(IllegalArgumentException.class, () -> new AddParams(0, 1 << 30, 0, 0, 1 << 30, 0, 20, 1 << 30,
                3, 0, ActivationClamp.INT8)); // 510 * 2^20 * 2^3 > 2^31
        new AddParams(0, 1 << 30, 0, 0, 1 << 30, 0, 20, 1 << 30, 2, 0, ActivationClamp.INT8); // * 2^2 fits
        assertThrows(IllegalArgumentException.class, () -> new AddParams(128, 1 << 30, 0, 0, 1 << 30, 0, 20, 1 << 30,
                -10, 0, ActivationClamp.INT8));
    }
}
