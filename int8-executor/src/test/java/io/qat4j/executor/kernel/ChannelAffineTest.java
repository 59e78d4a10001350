package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.activation;
import static io.qat4j.executor.kernel.KernelTestSupport.assertExact;
import static io.qat4j.executor.kernel.KernelTestSupport.clamp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.prep.GraphOpParams;
import io.qat4j.executor.quant.AffineQuantParams;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ChannelAffine} like gemmlowp's tests: boundary values (extreme codes and zero points,
 * multipliers and offsets at the int32 limits, fraction bits 0, 1 and 30) and seeded random
 * values against the definition evaluated in BigInteger; and {@link GraphOpParams#channelAffine}
 * within one code of the real map {@code a x + t} quantized.
 */
class ChannelAffineTest {

    /** The definition: {@code clamp(Z_out + floor((m (x - Z_in) + b + 2^(P-1)) / 2^P))}. */
    private static byte reference(ChannelAffineParams p, int c, byte x) {
        BigInteger acc = BigInteger.valueOf(p.multipliers()[c]).multiply(BigInteger.valueOf(x - p.inputZeroPoint()))
                .add(BigInteger.valueOf(p.offsets()[c]));
        int shift = p.fractionBits();
        BigInteger rounded = shift == 0 ? acc : acc.add(BigInteger.ONE.shiftLeft(shift - 1)).shiftRight(shift); // floors
        long q = rounded.longValueExact() + p.outputZeroPoint();
        return (byte) clamp(q, p.activation().min(), p.activation().max());
    }

    private static void assertMatchesReference(ChannelAffineParams p, byte[] x, String what) {
        int rows = x.length / p.channels();
        byte[] y = new byte[x.length];
        ChannelAffine.run(p, rows, x, y);
        byte[] expected = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = reference(p, i % p.channels(), x[i]);
        }
        assertExact(expected, y, what);
    }

    @Test
    void boundaryValuesMatchTheDefinition() {
        int[] extremes = {Integer.MIN_VALUE, -Integer.MAX_VALUE, -1, 0, 1, Integer.MAX_VALUE};
        byte[] codes = {-128, -127, -1, 0, 1, 126, 127};
        for (int shift : new int[] {0, 1, 30}) {
            for (int z : new int[] {-128, 0, 127}) {
                int channels = extremes.length * extremes.length;
                int[] m = new int[channels];
                int[] b = new int[channels];
                for (int c = 0; c < channels; c++) {
                    m[c] = extremes[c / extremes.length];
                    b[c] = extremes[c % extremes.length];
                }
                for (ActivationClamp clamp : new ActivationClamp[] {ActivationClamp.INT8, new ActivationClamp(-3, 90)}) {
                    ChannelAffineParams p = new ChannelAffineParams(channels, z, shift, m, b, -z / 2, clamp);
                    byte[] x = new byte[codes.length * channels];
                    for (int r = 0; r < codes.length; r++) {
                        for (int c = 0; c < channels; c++) {
                            x[r * channels + c] = codes[r];
                        }
                    }
                    assertMatchesReference(p, x, "P " + shift + ", Z_in " + z + ", clamp " + clamp);
                }
            }
        }
    }

    @Test
    void seededRandomParametersMatchTheDefinition() {
        Random rnd = new Random(4242);
        for (int trial = 0; trial < 200; trial++) {
            int channels = 1 + rnd.nextInt(70);
            int[] m = new int[channels];
            int[] b = new int[channels];
            for (int c = 0; c < channels; c++) {
                m[c] = rnd.nextInt() >> rnd.nextInt(31);
                b[c] = rnd.nextInt() >> rnd.nextInt(31);
            }
            ChannelAffineParams p = new ChannelAffineParams(channels, rnd.nextInt(256) - 128, rnd.nextInt(31), m, b,
                    rnd.nextInt(256) - 128, ActivationClamp.INT8);
            byte[] x = new byte[channels * (1 + rnd.nextInt(9))];
            rnd.nextBytes(x);
            assertMatchesReference(p, x, "trial " + trial);
        }
    }

    /**
     * Real factors of both signs, zero and tiny ones, offsets of several sizes: every code within one
     * of {@code Q_out(a S_in (x - Z_in) + t)} (the fixed point errs by at most {@code 2^-(P+1) 256}
     * codes, below one code for the {@code P} chosen here).
     */
    @Test
    void offlineParametersFollowTheRealMapWithinOneCode() {
        Random rnd = new Random(99);
        for (int trial = 0; trial < 100; trial++) {
            int channels = 1 + rnd.nextInt(40);
            double[] a = new double[channels];
            double[] t = new double[channels];
            for (int c = 0; c < channels; c++) {
                a[c] = c == 0 ? 0 : c == 1 ? 1e-9 : (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(4) - 1);
                t[c] = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(4) - 1);
            }
            AffineQuantParams in = activation(0.01 + 0.1 * rnd.nextDouble(), rnd.nextInt(256) - 128);
            AffineQuantParams out = activation(0.01 + 0.5 * rnd.nextDouble(), rnd.nextInt(256) - 128);
            ActivationClamp clamp = rnd.nextBoolean() ? ActivationClamp.INT8 : ActivationClamps.relu(out);
            ChannelAffineParams p = GraphOpParams.channelAffine(a, t, in, out, clamp);
            assertTrue(p.fractionBits() >= 10, "trial " + trial + ": P " + p.fractionBits());
            byte[] x = new byte[256 * channels];
            for (int i = 0; i < x.length; i++) {
                x[i] = (byte) (i / channels - 128);
            }
            byte[] y = new byte[x.length];
            ChannelAffine.run(p, 256, x, y);
            for (int i = 0; i < x.length; i++) {
                int c = i % channels;
                double real = a[c] * in.scale() * (x[i] - in.zeroPoint()) + t[c];
                int expected = clamp(out.quantize(real), clamp.min(), clamp.max());
                assertTrue(Math.abs(y[i] - expected) <= 1, "trial " + trial + ", channel " + c + ", code " + x[i] + ": " + y[i]
                        + " vs " + expected + " (real " + real + ")");
            }
        }
    }

    @Test
    void inPlaceAndRejections() {
        ChannelAffineParams p = new ChannelAffineParams(2, 0, 1, new int[] {2, -2}, new int[] {0, 1}, 0, ActivationClamp.INT8);
        byte[] x = {10, 10, -7, 3};
        ChannelAffine.run(p, 2, x, x);
        assertExact(new byte[] {10, -9, -7, -2}, x, "in place: (-2x + 1) / 2 rounds half up (-9.5 to -9, -2.5 to -2)");
        assertThrows(IllegalArgumentException.class, () -> new ChannelAffineParams(2, 0, 31, new int[2], new int[2], 0,
                ActivationClamp.INT8));
        assertThrows(IllegalArgumentException.class, () -> new ChannelAffineParams(2, 0, 3, new int[3], new int[2], 0,
                ActivationClamp.INT8));
        assertThrows(IllegalArgumentException.class, () -> new ChannelAffineParams(1, 128, 3, new int[1], new int[1], 0,
                ActivationClamp.INT8));
        assertThrows(IllegalArgumentException.class, () -> GraphOpParams.channelAffine(new double[] {1}, new double[] {1e12},
                activation(0.1, 0), activation(0.01, 0), ActivationClamp.INT8));
        assertEquals(0, GraphOpParams.channelAffine(new double[] {0}, new double[] {0}, activation(0.1, 0), activation(0.1, 0),
                ActivationClamp.INT8).multipliers()[0]);
    }
}
