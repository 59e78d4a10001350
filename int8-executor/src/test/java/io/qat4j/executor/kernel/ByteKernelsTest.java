package io.qat4j.executor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.kernel.gemm.IntGemm;
import java.util.SplittableRandom;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link ByteKernels}'s contract on its Java reference: both products against the definition summed
 * in {@code long} and wrapped to int32 (boundary bytes -128 / 127, depths that leave every
 * remainder of the groups of four, accumulators near the int32 extremes so that the wrap is
 * exercised), the layouts, the folded bias (weights times unsigned codes plus the folded bias equal
 * {@link IntGemm}'s product of the offset inputs, bit for bit) and the index checks that keep a
 * native implementation inside its arrays.
 */
public class ByteKernelsTest {

    private static int code(byte b) {
        return b + 128; // the unsigned code of an int8 code
    }

    /** {@code c[i][j] + sum_k left(i, k) * right(k, j)} summed in {@code long}, wrapped to int32 as Java's int. */
    private static int[] definition(int m, int n, int depth, IntBinaryOperator left, IntBinaryOperator right, int[] c, int cOff,
                                    int ldc) {
        int[] out = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long s = c[cOff + i * ldc + j];
                for (int k = 0; k < depth; k++) {
                    s += (long) left.applyAsInt(i, k) * right.applyAsInt(k, j);
                }
                out[cOff + i * ldc + j] = (int) s;
            }
        }
        return out;
    }

    @Test
    void codesTimesWeightsIsTheDefinition() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int trial = 0; trial < 300; trial++) {
            int m = 1 + rnd.nextInt(12);
            int n = 1 + rnd.nextInt(70);
            int depth = 1 + rnd.nextInt(40);
            int ld = rnd.nextInt(3); // extra row stride of the codes
            int ldc = n + rnd.nextInt(3);
            int off = rnd.nextInt(5);
            int cOff = rnd.nextInt(5);
            boolean extremes = trial % 3 == 0;
            int[] c = accumulators(rnd, cOff + m * ldc);
            String what = "trial " + trial + ": m " + m + " n " + n + " depth " + depth;
            // codes [m][depth] x weights [n][depth] transposed (dense layers: inputs [N][K], weights [O][K])
            byte[] dense = bytes(rnd, n * depth, extremes);
            int ldx = depth + ld;
            byte[] x = bytes(rnd, off + m * ldx, extremes);
            int[] expected = definition(m, n, depth, (i, k) -> code(x[off + i * ldx + k]), (k, j) -> dense[j * depth + k], c, cOff,
                    ldc);
            int[] actual = c.clone();
            ByteKernels.reference().codesTimesWeights(m, n, depth, x, off, ldx, ByteKernels.packColumns(dense, n, depth), actual,
                    cOff, ldc);
            assertArrayEquals(expected, actual, "codesTimesWeights " + what);
        }
    }

    @Test
    void theFoldedBiasGivesIntGemmsProductOfTheOffsetInputs() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int zIn : new int[] {-128, -5, 0, 127}) {
            int m = 7; // output channels
            int n = 33; // examples
            int depth = 29;
            byte[] w = bytes(rnd, m * depth, zIn == -128);
            byte[] x = bytes(rnd, n * depth, zIn == -128);
            int[] bias = accumulators(rnd, m);
            int[] offset = new int[n * depth];
            for (int i = 0; i < offset.length; i++) {
                offset[i] = x[i] - zIn;
            }
            int[] wT = new int[depth * m];
            for (int o = 0; o < m; o++) {
                for (int k = 0; k < depth; k++) {
                    wT[k * m + o] = w[o * depth + k];
                }
            }
            int[] expected = new int[n * m];
            int[] actual = new int[n * m];
            int[] folded = ByteKernels.foldedBias(bias, w, m, depth, zIn);
            for (int j = 0; j < n; j++) {
                System.arraycopy(bias, 0, expected, j * m, m);
                System.arraycopy(folded, 0, actual, j * m, m);
            }
            IntGemm.scalar().multiplyAdd(n, m, depth, offset, 0, depth, wT, 0, m, expected, 0, m);
            ByteKernels.reference().codesTimesWeights(n, m, depth, x, 0, depth, ByteKernels.packColumns(w, m, depth), actual, 0, m);
            assertArrayEquals(expected, actual, "Z_in " + zIn);
        }
    }

    @Test
    void layoutsPadWithZeros() {
        byte[] w = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}; // [2][5]
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 0, 0, 0, 6, 7, 8, 9, 10, 0, 0, 0}, ByteKernels.padRows(w, 0, 2, 5));
        assertEquals(8, ByteKernels.paddedDepth(5));
        assertEquals(0, ByteKernels.paddedDepth(0));
        byte[] packed = ByteKernels.packColumns(w, 2, 5); // np = 32, kp = 8
        assertEquals(8 * 32, packed.length);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 6, 7, 8, 9}, java.util.Arrays.copyOfRange(packed, 0, 8));
        assertArrayEquals(new byte[] {5, 0, 0, 0, 10, 0, 0, 0}, java.util.Arrays.copyOfRange(packed, 128, 136));
        for (int i = 0; i < packed.length; i++) {
            if (!(i < 8 || (i >= 128 && i < 136))) {
                assertEquals(0, packed[i], "padding at " + i);
            }
        }
    }

    @Test
    void indicesOutsideTheArraysAreRefusedBeforeAnyKernelRuns() {
        ByteKernels g = ByteKernels.reference();
        int[] c = new int[2 * 10];
        byte[] packed = ByteKernels.packColumns(new byte[10 * 5], 10, 5);
        byte[] x = new byte[2 * 5];
        g.codesTimesWeights(2, 10, 5, x, 0, 5, packed, c, 0, 10);
        assertThrows(IndexOutOfBoundsException.class, () -> g.codesTimesWeights(2, 10, 5, x, 1, 5, packed, c, 0, 10));
        assertThrows(IndexOutOfBoundsException.class, () -> g.codesTimesWeights(2, 10, 5, x, 0, 4, packed, c, 0, 10));
        assertThrows(IndexOutOfBoundsException.class, () -> g.codesTimesWeights(2, 11, 5, x, 0, 5, packed, c, 0, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> g.codesTimesWeights(2, 10, 5, x, 0, 5, packed, c, 0, 9));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> g.codesTimesWeights(2, 10, 5, x, 0, 5, new byte[3], c, 0, 10));
        assertTrue(e.getMessage().contains("packed weights"), e.getMessage());
    }

    @Test
    void maxPool2x2IsMaxPool2dWithThatWindow() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int trial = 0; trial < 100; trial++) {
            int planes = 1 + rnd.nextInt(5);
            int h = 2 + rnd.nextInt(20);
            int w = 2 + rnd.nextInt(70);
            int lo = trial % 2 == 0 ? -128 : rnd.nextInt(-128, 128);
            int hi = trial % 2 == 0 ? 127 : rnd.nextInt(lo, 128);
            byte[] in = bytes(rnd, planes * h * w, trial % 3 == 0);
            byte[] expected = new byte[planes * (h / 2) * (w / 2)];
            MaxPool2d.run(new MaxPool2dParams(planes, h, w, Window2d.valid(2, 2, 2, 2), new ActivationClamp(lo, hi)), 1, in,
                    expected); // one image of `planes` channels: the Java path here (no native module in this one)
            byte[] actual = new byte[expected.length];
            ByteKernels.reference().maxPool2x2(planes, h, w, in, actual, lo, hi);
            assertArrayEquals(expected, actual, "trial " + trial + ": " + planes + "x" + h + "x" + w + " [" + lo + ", " + hi + "]");
        }
        assertThrows(IndexOutOfBoundsException.class, () -> ByteKernels.reference().maxPool2x2(2, 4, 4, new byte[31], new byte[8], -128, 127));
        assertThrows(IndexOutOfBoundsException.class, () -> ByteKernels.reference().maxPool2x2(2, 4, 4, new byte[32], new byte[7], -128, 127));
        assertThrows(IndexOutOfBoundsException.class, () -> ByteKernels.reference().maxPool2x2(2, 1, 4, new byte[32], new byte[8], -128, 127));
        assertThrows(IndexOutOfBoundsException.class, () -> ByteKernels.reference().maxPool2x2(2, 4, 4, new byte[32], new byte[8], 5, 4));
    }

    @Test
    void im2colHoldsEachTapsCodeAndTheZeroPointInThePadding() {
        SplittableRandom rnd = new SplittableRandom(15);
        for (int trial = 0; trial < 200; trial++) {
            Conv2dParams p = randomConv(rnd);
            Window2d win = p.window();
            int images = 1 + rnd.nextInt(3);
            int off = rnd.nextInt(4);
            byte[] in = bytes(rnd, off + images * p.inputImageSize(), false);
            int plane = p.outHeight() * p.outWidth();
            int columns = images * plane;
            byte[] col = new byte[p.inChannels() * win.kernelHeight() * win.kernelWidth() * columns];
            ByteKernels.reference().im2col(p, in, off, images, col);
            // the convolution's own window arithmetic (Window2d), read element by element
            for (int c = 0; c < p.inChannels(); c++) {
                for (int ky = 0; ky < win.kernelHeight(); ky++) {
                    for (int kx = 0; kx < win.kernelWidth(); kx++) {
                        for (int i = 0; i < images; i++) {
                            for (int q = 0; q < plane; q++) {
                                int iy = q / p.outWidth() * win.strideHeight() - win.padTop() + ky * win.dilationHeight();
                                int ix = q % p.outWidth() * win.strideWidth() - win.padLeft() + kx * win.dilationWidth();
                                int expected = iy < 0 || iy >= p.inHeight() || ix < 0 || ix >= p.inWidth() ? p.inputZeroPoint()
                                        : in[off + ((i * p.inChannels() + c) * p.inHeight() + iy) * p.inWidth() + ix];
                                int row = (c * win.kernelHeight() + ky) * win.kernelWidth() + kx;
                                assertEquals(expected, col[row * columns + i * plane + q], "trial " + trial + " " + p);
                            }
                        }
                    }
                }
            }
        }
        Conv2dParams p = new Conv2dParams(2, 5, 5, 3, 1, Window2d.same(5, 5, 3, 3, 1, 1, 1, 1), 0, perTensorRequantization(3));
        ByteKernels g = ByteKernels.reference();
        assertThrows(IndexOutOfBoundsException.class, () -> g.im2col(p, new byte[2 * 50 - 1], 0, 2, new byte[18 * 50]));
        assertThrows(IndexOutOfBoundsException.class, () -> g.im2col(p, new byte[2 * 50], 1, 2, new byte[18 * 50]));
        assertThrows(IndexOutOfBoundsException.class, () -> g.im2col(p, new byte[2 * 50], 0, 2, new byte[18 * 50 - 1]));
        assertThrows(IndexOutOfBoundsException.class, () -> g.im2col(p, new byte[2 * 50], 0, -1, new byte[18 * 50]));
    }

    @Test
    void theRequantizedProductIsTheSingleRoundingOutputStageOfTheSumInPlanes() {
        SplittableRandom rnd = new SplittableRandom(16);
        for (int trial = 0; trial < 200; trial++) {
            int m = 1 + rnd.nextInt(6);
            int plane = 1 + rnd.nextInt(trial % 4 == 0 ? 3 : 40);
            int n = rnd.nextInt(3 * plane + 1);
            int depth = 1 + rnd.nextInt(12);
            int ldb = n + rnd.nextInt(3);
            int first = rnd.nextInt(3);
            int imageStride = m * plane + rnd.nextInt(3) * plane;
            int off = rnd.nextInt(4);
            Requantization rq = randomRequantization(rnd, first + m);
            int[] bias = accumulators(rnd, first + m); // near the int32 extremes a third of the time: the sums wrap
            byte[] w = bytes(rnd, m * depth, trial % 3 == 0);
            byte[] b = bytes(rnd, depth * ldb, trial % 3 == 0);
            int images = n == 0 ? 0 : (n - 1) / plane + 1;
            byte[] out = new byte[off + images * imageStride + 3];
            java.util.Arrays.fill(out, (byte) 99);
            ByteKernels.reference().weightsTimesCodesRequantized(m, n, depth, ByteKernels.padRows(w, 0, m, depth), 0, b, 0, ldb,
                    bias, rq, first, out, off, plane, imageStride);
            byte[] expected = new byte[out.length];
            java.util.Arrays.fill(expected, (byte) 99);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    long sum = bias[first + i];
                    for (int k = 0; k < depth; k++) {
                        sum += (long) w[i * depth + k] * code(b[k * ldb + j]);
                    }
                    // the int32 accumulator, then floor(acc * m / 2^T + 1/2) by floor division, its low 32 bits (Java's
                    // and C's int cast), plus Z_out
                    int t = 31 - rq.shifts()[first + i];
                    long rounded = Math.floorDiv((long) (int) sum * rq.multipliers()[first + i] + (1L << (t - 1)), 1L << t);
                    int q = (int) rounded + rq.outputZeroPoint();
                    expected[off + (j / plane) * imageStride + i * plane + j % plane] =
                            (byte) Math.max(rq.activation().min(), Math.min(rq.activation().max(), q));
                }
            }
            assertArrayEquals(expected, out, "trial " + trial + ": m " + m + " n " + n + " plane " + plane + " stride " + imageStride);
        }
        Requantization rq = perTensorRequantization(2);
        ByteKernels g = ByteKernels.reference();
        byte[] w = new byte[8];
        byte[] b = new byte[3 * 10];
        int[] bias = new int[2];
        assertThrows(IndexOutOfBoundsException.class, () -> g.weightsTimesCodesRequantized(2, 10, 3, w, 0, b, 0, 10, bias, rq, 0,
                new byte[19], 0, 5, 10)); // two images of two planes of five need 20
        assertThrows(IndexOutOfBoundsException.class, () -> g.weightsTimesCodesRequantized(2, 10, 3, w, 0, b, 0, 10, bias, rq, 1,
                new byte[40], 0, 5, 10)); // row 1 + 1 is past the two channels
        assertThrows(IndexOutOfBoundsException.class, () -> g.weightsTimesCodesRequantized(2, 10, 3, w, 0, b, 0, 10, bias, rq, 0,
                new byte[40], 0, 5, 9)); // images overlap
        assertThrows(IndexOutOfBoundsException.class, () -> g.weightsTimesCodesRequantized(2, 10, 3, w, 0, b, 0, 10,
                new int[1], rq, 0, new byte[40], 0, 5, 10));
        assertThrows(IndexOutOfBoundsException.class, () -> g.weightsTimesCodesRequantized(2, 10, 3, w, 0, new byte[29], 0, 10,
                bias, rq, 0, new byte[40], 0, 5, 10));
    }

    /**
     * A random convolution geometry: kernels 1..4, strides 1..3, dilations 1..2, paddings 0..3 (also wider than
     * the kernel), a third at stride 1 with "same" width, a random input zero point; also the native module's tests'
     * geometries.
     *
     * @param rnd source
     * @return the parameters
     */
    public static Conv2dParams randomConv(SplittableRandom rnd) {
        while (true) {
            int kh = 1 + rnd.nextInt(4);
            int kw = 1 + rnd.nextInt(4);
            Window2d win = new Window2d(kh, kw, 1 + rnd.nextInt(3), 1 + rnd.nextInt(3), 1 + rnd.nextInt(2), 1 + rnd.nextInt(2),
                    rnd.nextInt(4), rnd.nextInt(4), rnd.nextInt(4), rnd.nextInt(4));
            if (rnd.nextInt(3) == 0) { // stride 1 with the output as wide as the input ("same" width, any split of the padding)
                int total = (kw - 1) * win.dilationWidth();
                int left = rnd.nextInt(total + 1);
                win = new Window2d(kh, kw, win.strideHeight(), 1, win.dilationHeight(), win.dilationWidth(), win.padTop(), left,
                        win.padBottom(), total - left);
            }
            int h = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 40 : 12);
            int w = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 40 : 12);
            if (h + win.padTop() + win.padBottom() < Window2d.effectiveKernelSize(kh, win.dilationHeight())
                    || w + win.padLeft() + win.padRight() < Window2d.effectiveKernelSize(kw, win.dilationWidth())) {
                continue; // no output
            }
            int channels = 1 + rnd.nextInt(4);
            return new Conv2dParams(channels, h, w, 2, 1, win, rnd.nextInt(-128, 128), perTensorRequantization(2));
        }
    }

    /**
     * Random multipliers (0, 2^30, near 2^31 - 1, or in [2^30, 2^31)), shifts over all of [-31, 30], a random output
     * zero point and clamp: with the accumulators of {@link #accumulators}, results wrap as Java's int does.
     *
     * @param rnd source
     * @param rows channels
     * @return the output stage
     */
    public static Requantization randomRequantization(SplittableRandom rnd, int rows) {
        int[] m = new int[rows];
        int[] shift = new int[rows];
        for (int r = 0; r < rows; r++) {
            m[r] = switch (rnd.nextInt(5)) {
                case 0 -> 0;
                case 1 -> Integer.MAX_VALUE - rnd.nextInt(4);
                case 2 -> 1 << 30;
                default -> (1 << 30) + rnd.nextInt(1 << 30);
            };
            shift[r] = m[r] == 0 ? 0 : rnd.nextInt(-31, 31);
        }
        int lo = rnd.nextBoolean() ? -128 : rnd.nextInt(-128, 128);
        int hi = rnd.nextBoolean() ? 127 : rnd.nextInt(lo, 128);
        return new Requantization(m, shift, rnd.nextInt(-128, 128), new ActivationClamp(lo, hi));
    }

    private static Requantization perTensorRequantization(int channels) {
        int[] m = new int[channels];
        java.util.Arrays.fill(m, 1 << 30);
        return new Requantization(m, new int[channels], 0, new ActivationClamp(-128, 127));
    }

    @Test
    void aJavaPathRequestSelectsNoNativeKernels() {
        assertNull(ByteKernels.select("vector"));
        assertNull(ByteKernels.select("scalar"));
    }

    /**
     * Random bytes, or only the extremes -128 and 127 (every product at its largest magnitude); also the native
     * module's tests' operands (through this module's test jar).
     *
     * @param rnd source
     * @param size count
     * @param extremes whether only -128 and 127
     * @return the bytes
     */
    public static byte[] bytes(SplittableRandom rnd, int size, boolean extremes) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = extremes ? (rnd.nextBoolean() ? Byte.MIN_VALUE : Byte.MAX_VALUE) : (byte) rnd.nextInt(256);
        }
        return out;
    }

    /**
     * Random accumulators, a third of them near the int32 extremes (the sums then wrap, as Java's int does).
     *
     * @param rnd source
     * @param size count
     * @return the accumulators
     */
    public static int[] accumulators(SplittableRandom rnd, int size) {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = switch (rnd.nextInt(3)) {
                case 0 -> Integer.MAX_VALUE - rnd.nextInt(1 << 16);
                case 1 -> Integer.MIN_VALUE + rnd.nextInt(1 << 16);
                default -> rnd.nextInt(-1000, 1000);
            };
        }
        return out;
    }
}
