package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.assertExact;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.qat4j.executor.arith.QuantizedMultiplier;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PackedInt4} and the {@code runPacked4} kernel variants. */
class PackedInt4Test {

    @Test
    void layoutIsLowNibbleFirstTwosComplement() {
        byte[] packed = PackedInt4.pack(new byte[] {1, -1, 7, -8, 3});
        assertArrayEquals(new byte[] {(byte) 0xF1, (byte) 0x87, 0x03}, packed);
        assertEquals(3, PackedInt4.packedLength(5));
        assertEquals(3, PackedInt4.packedLength(6));
        assertEquals(0, PackedInt4.packedLength(0));
        int[] expected = {1, -1, 7, -8, 3};
        for (int i = 0; i < 5; i++) {
            assertEquals(expected[i], PackedInt4.get(packed, i));
        }
    }

    @Test
    void roundTripEveryValueAndOddOffsets() {
        Random rnd = new Random(16);
        for (int n : new int[] {1, 2, 15, 16, 33}) {
            byte[] values = new byte[n];
            for (int i = 0; i < n; i++) {
                values[i] = (byte) (rnd.nextInt(16) - 8);
            }
            byte[] packed = PackedInt4.pack(values);
            assertArrayEquals(values, PackedInt4.unpack(packed, n));
            for (int from = 0; from < n; from++) {
                byte[] part = new byte[n - from + 2];
                PackedInt4.unpack(packed, from, n - from, part, 2);
                for (int i = 0; i < n - from; i++) {
                    assertEquals(values[from + i], part[2 + i], "from " + from + " index " + i);
                }
            }
        }
    }

    @Test
    void bitWidthsTwoToFourShareTheContainer() {
        assertArrayEquals(new byte[] {-2, -1, 0, 1}, PackedInt4.unpack(PackedInt4.pack(new byte[] {-2, -1, 0, 1}, 2), 4));
        assertArrayEquals(new byte[] {-4, 3, -3}, PackedInt4.unpack(PackedInt4.pack(new byte[] {-4, 3, -3}, 3), 3));
        assertThrows(IllegalArgumentException.class, () -> PackedInt4.pack(new byte[] {2}, 2));
        assertThrows(IllegalArgumentException.class, () -> PackedInt4.pack(new byte[] {-3}, 2));
        assertThrows(IllegalArgumentException.class, () -> PackedInt4.pack(new byte[] {4}, 3));
        assertThrows(IllegalArgumentException.class, () -> PackedInt4.pack(new byte[] {8}));
        assertThrows(IllegalArgumentException.class, () -> PackedInt4.pack(new byte[] {-9}));
        assertThrows(IllegalArgumentException.class, () -> PackedInt4.pack(new byte[] {0}, 5));
        assertThrows(IllegalArgumentException.class, () -> PackedInt4.pack(new byte[] {0}, 1));
        assertThrows(IllegalArgumentException.class, () -> PackedInt4.unpack(new byte[2], 1, 4, new byte[4], 0));
    }

    /** Seeded random narrow-range weights of 2, 3, 4 bits, odd K: packed and unpacked give identical bytes. */
    @Test
    void fullyConnectedPackedEqualsUnpacked() {
        Random rnd = new Random(0x4B17L);
        for (int bits = 2; bits <= 4; bits++) {
            int k = 37;
            int o = 5;
            int n = 3;
            byte[] w = narrowWeights(rnd, o * k, bits);
            byte[] x = randomBytes(rnd, n * k);
            int[] bias = new int[o];
            int[] m = new int[o];
            int[] s = new int[o];
            for (int c = 0; c < o; c++) {
                bias[c] = rnd.nextInt(2001) - 1000;
                QuantizedMultiplier q = QuantizedMultiplier.of(0.001 + 0.01 * rnd.nextDouble());
                m[c] = q.multiplier();
                s[c] = q.shift();
            }
            FullyConnectedParams p = new FullyConnectedParams(k, o, rnd.nextInt(256) - 128,
                    new Requantization(m, s, rnd.nextInt(256) - 128, ActivationClamp.INT8));
            byte[] packed = PackedInt4.pack(w, bits);
            assertEquals((o * k + 1) / 2, packed.length);
            byte[] plain = new byte[n * o];
            byte[] fromPacked = new byte[n * o];
            FullyConnected.run(p, n, x, w, bias, plain);
            FullyConnected.runPacked4(p, n, x, packed, bias, fromPacked);
            assertExact(plain, fromPacked, bits + "-bit fully connected");
            int[] accPlain = new int[n * o];
            int[] accPacked = new int[n * o];
            FullyConnected.accumulators(p, n, x, w, bias, accPlain);
            FullyConnected.accumulatorsPacked4(p, n, x, packed, bias, accPacked);
            assertArrayEquals(accPlain, accPacked, bits + "-bit accumulators");
            assertThrows(IllegalArgumentException.class, () -> FullyConnected.runPacked4(p, n, x,
                    java.util.Arrays.copyOf(packed, packed.length - 1), bias, fromPacked));
        }
    }

    /** Odd filter size (3 * 3 * 3 = 27), groups and stride: packed and unpacked give identical bytes. */
    @Test
    void conv2dPackedEqualsUnpacked() {
        Random rnd = new Random(0xC0417L);
        for (int bits = 2; bits <= 4; bits++) {
            int cin = 6;
            int cout = 4;
            int groups = 2;
            int h = 7;
            int w = 6;
            int n = 2;
            Window2d win = new Window2d(3, 3, 2, 1, 1, 2, 1, 2, 1, 0);
            int filterSize = cin / groups * 9;
            byte[] wts = narrowWeights(rnd, cout * filterSize, bits);
            byte[] x = randomBytes(rnd, n * cin * h * w);
            int[] bias = new int[cout];
            QuantizedMultiplier[] mult = new QuantizedMultiplier[cout];
            for (int c = 0; c < cout; c++) {
                bias[c] = rnd.nextInt(401) - 200;
                mult[c] = QuantizedMultiplier.of(0.002 + 0.05 * rnd.nextDouble());
            }
            Conv2dParams p = new Conv2dParams(cin, h, w, cout, groups, win, rnd.nextInt(256) - 128,
                    Requantization.of(mult, rnd.nextInt(256) - 128, ActivationClamp.INT8));
            assertEquals(27, p.filterSize());
            byte[] plain = new byte[n * p.outputImageSize()];
            byte[] fromPacked = new byte[plain.length];
            Conv2d.run(p, n, x, wts, bias, plain);
            Conv2d.runPacked4(p, n, x, PackedInt4.pack(wts, bits), bias, fromPacked);
            assertExact(plain, fromPacked, bits + "-bit conv");
        }
    }

    /** Symmetric narrow range {@code [-(2^(b-1) - 1), 2^(b-1) - 1]}. */
    private static byte[] narrowWeights(Random rnd, int n, int bits) {
        int max = (1 << (bits - 1)) - 1;
        byte[] w = new byte[n];
        for (int i = 0; i < n; i++) {
            w[i] = (byte) (rnd.nextInt(2 * max + 1) - max);
        }
        return w;
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
