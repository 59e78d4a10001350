package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.activation;
import static io.qat4j.executor.kernel.KernelTestSupport.assertExact;
import static io.qat4j.executor.kernel.KernelTestSupport.exactOutput;
import static io.qat4j.executor.kernel.KernelTestSupport.quantize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.prep.GraphOpParams;
import io.qat4j.executor.quant.AffineQuantParams;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link LeakyRelu}: an exact float golden, every code against the exact reference, the bound's extreme left shift. */
class LeakyReluTest {

    static byte[] reference(int zIn, Requantization r, byte[] x) {
        byte[] out = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            int v = x[i] - zIn;
            out[i] = exactOutput(v, r, v >= 0 ? 0 : 1);
        }
        return out;
    }

    /** S_in = 0.5, S_out = 0.25, slope 0.25: both multipliers are powers of two, every output exact. */
    @Test
    void matchesTheFloatGoldenExactly() {
        AffineQuantParams in = activation(0.5, 4);
        AffineQuantParams out = activation(0.25, -6);
        double[] x = {0, 1.5, -2, 10, -12, 0.5, -0.5};
        double[] golden = {0, 1.5, -0.5, 10, -3, 0.5, -0.125};
        Requantization r = GraphOpParams.leakyRelu(0.25, in.scale(), out, ActivationClamp.INT8);
        byte[] y = new byte[x.length];
        LeakyRelu.run(in.zeroPoint(), r, x.length, quantize(x, in), y);
        // -0.125 is half an output step: the single rounding ties toward +infinity, the float quantizer away from zero
        byte[] expected = quantize(golden, out);
        expected[6] = (byte) (out.zeroPoint());
        assertExact(expected, y, "leaky ReLU");
    }

    @Test
    void everyCodeMatchesTheExactReference() {
        Random rnd = new Random(3);
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) (i - 128);
        }
        for (int round = 0; round < 200; round++) {
            int zIn = rnd.nextInt(256) - 128;
            AffineQuantParams out = activation(0.01 + rnd.nextDouble(), rnd.nextInt(256) - 128);
            Requantization r = GraphOpParams.leakyRelu(rnd.nextDouble(), 0.01 + rnd.nextDouble(), out, ActivationClamp.INT8);
            byte[] y = new byte[256];
            LeakyRelu.run(zIn, r, 256, all, y);
            assertArrayEquals(reference(zIn, r, all), y, "round " + round);
        }
    }

    @Test
    void theLargestLeftShiftTheBoundAllows() {
        // 255 * 2^23 <= 2^31 - 1 < 255 * 2^24
        Requantization ok = new Requantization(new int[] {1 << 30, 1 << 30}, new int[] {23, 23}, 0, ActivationClamp.INT8);
        byte[] x = {-128, 127, 0, -1};
        byte[] y = new byte[4];
        LeakyRelu.run(127, ok, 4, x, y);
        assertArrayEquals(reference(127, ok, x), y);
        LeakyRelu.run(-128, ok, 4, x, y);
        assertArrayEquals(reference(-128, ok, x), y);
        assertThrows(IllegalArgumentException.class, () -> LeakyRelu.check(0,
                new Requantization(new int[] {1 << 30, 1 << 30}, new int[] {0, 24}, 0, ActivationClamp.INT8)));
        assertThrows(IllegalArgumentException.class, () -> LeakyRelu.check(0, Requantization.perTensor(1,
                new QuantizedMultiplier(1 << 30, 0), 0, ActivationClamp.INT8)), "two multipliers");
        assertThrows(IllegalArgumentException.class, () -> GraphOpParams.leakyRelu(-0.2, 0.1, activation(0.1, 0), ActivationClamp.INT8));
    }
}
