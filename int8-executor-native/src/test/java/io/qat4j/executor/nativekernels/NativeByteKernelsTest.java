package io.qat4j.executor.nativekernels;

import static io.qat4j.executor.kernel.ByteKernelsTest.accumulators;
import static io.qat4j.executor.kernel.ByteKernelsTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.ByteKernels;
import io.qat4j.executor.kernel.ByteKernelsTest;
import io.qat4j.executor.kernel.Conv2dParams;
import io.qat4j.executor.kernel.Requantization;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native kernels, as gemmlowp tests its kernels: every kernel this CPU can run (AVX-512 VNNI
 * when it has it, AVX2 always on x86-64; a kernel it cannot run is reported, not silently skipped)
 * against {@link ByteKernels#reference()} (itself checked against the definition in int8-executor's
 * {@code ByteKernelsTest}), bit for bit: boundary geometries that leave every remainder of the
 * register blocks (rows 1..17 around the 8- and 4-row blocks, columns around the 16- and 32-column
 * strips, depths 1..9 and around 4k), bytes at the extremes -128 / 127 and accumulators near the
 * int32 extremes (the wrap must match Java's), and seeded random geometries with offsets and
 * strides, up to conv-sized products.
 */
class NativeByteKernelsTest {

    static Stream<ByteKernels> kernels() {
        List<ByteKernels> all = new ArrayList<>();
        for (String isa : new String[] {"avx512-vnni", "avx2"}) {
            NativeByteKernels g = NativeByteKernels.forIsa(isa);
            if (g == null) {
                System.out.println("NativeByteKernelsTest: this CPU cannot run the " + isa + " kernel; not tested here");
            } else {
                all.add(g);
            }
        }
        return all.stream();
    }

    @Test
    void theServiceLoaderFindsTheKernelThisBuildSelects() {
        assertNotNull(new NativeByteKernels().name(), "native kernels unavailable on this x86-64 build machine: "
                + NativeByteKernels.unavailableReason());
        ByteKernels selected = ByteKernels.selected();
        assertNotNull(selected);
        String expected = "avx2".equals(System.getProperty(NativeByteKernels.ISA_PROPERTY)) ? "native-avx2"
                : NativeByteKernels.forIsa("avx512-vnni") != null ? "native-avx512-vnni" : "native-avx2";
        assertEquals(expected, selected.name());
        System.out.println("ByteKernels path under test: " + selected.name());
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void boundaryGeometriesEqualTheReference(ByteKernels g) {
        SplittableRandom rnd = new SplittableRandom(21);
        int[] rows = {1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17};
        int[] cols = {1, 2, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65};
        int[] depths = {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 255, 256, 257};
        for (int m : rows) {
            for (int n : cols) {
                int depth = depths[rnd.nextInt(depths.length)];
                boolean extremes = rnd.nextInt(3) == 0;
                check(g, rnd, m, n, depth, 0, 0, 0, 0, extremes);
            }
        }
        for (int depth : depths) {
            check(g, rnd, 9, 33, depth, 1, 3, 2, 5, true);
            check(g, rnd, 9, 33, depth, 1, 3, 2, 5, false);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void seededRandomGeometriesEqualTheReference(ByteKernels g) {
        SplittableRandom rnd = new SplittableRandom(22);
        for (int trial = 0; trial < 150; trial++) {
            int m = 1 + rnd.nextInt(trial % 10 == 0 ? 130 : 40);
            int n = 1 + rnd.nextInt(trial % 10 == 0 ? 600 : 100);
            int depth = 1 + rnd.nextInt(trial % 10 == 0 ? 700 : 80);
            check(g, rnd, m, n, depth, rnd.nextInt(9), rnd.nextInt(9), rnd.nextInt(4), rnd.nextInt(4), rnd.nextInt(5) == 0);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void maxPool2x2EqualsTheReference(ByteKernels g) {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int trial = 0; trial < 300; trial++) {
            int planes = 1 + rnd.nextInt(6);
            int h = 2 + rnd.nextInt(trial % 10 == 0 ? 60 : 16);
            int w = 2 + rnd.nextInt(trial % 10 == 0 ? 200 : 80); // output rows around the 16- and 32-output steps
            int lo = trial % 3 == 0 ? -128 : rnd.nextInt(-128, 128);
            int hi = trial % 3 == 0 ? 127 : rnd.nextInt(lo, 128);
            byte[] in = bytes(rnd, planes * h * w, trial % 4 == 0);
            byte[] expected = new byte[planes * (h / 2) * (w / 2) + 40];
            byte[] actual = expected.clone(); // the 40 bytes after the output must stay untouched
            java.util.Arrays.fill(expected, (byte) 99);
            java.util.Arrays.fill(actual, (byte) 99);
            ByteKernels.reference().maxPool2x2(planes, h, w, in, expected, lo, hi);
            g.maxPool2x2(planes, h, w, in, actual, lo, hi);
            assertArrayEquals(expected, actual, g.name() + " trial " + trial + ": " + planes + "x" + h + "x" + w + " [" + lo
                    + ", " + hi + "]");
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void im2colEqualsTheReference(ByteKernels g) {
        SplittableRandom rnd = new SplittableRandom(24);
        for (int trial = 0; trial < 400; trial++) {
            Conv2dParams p = ByteKernelsTest.randomConv(rnd);
            int images = 1 + rnd.nextInt(3);
            int off = rnd.nextInt(20);
            byte[] in = bytes(rnd, off + images * p.inputImageSize() + rnd.nextInt(3), trial % 4 == 0);
            int size = p.inChannels() * p.window().kernelHeight() * p.window().kernelWidth() * images * p.outHeight() * p.outWidth();
            byte[] expected = new byte[size + 40];
            java.util.Arrays.fill(expected, (byte) 99); // the 40 bytes after the matrix must stay untouched
            byte[] actual = expected.clone();
            ByteKernels.reference().im2col(p, in, off, images, expected);
            g.im2col(p, in, off, images, actual);
            assertArrayEquals(expected, actual, g.name() + " trial " + trial + ": " + images + " images, " + p);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void theRequantizedProductEqualsTheReference(ByteKernels g) {
        SplittableRandom rnd = new SplittableRandom(25);
        for (int trial = 0; trial < 500; trial++) {
            // planes narrower and wider than a strip of 32 columns, so strips cross images; rows around the blocks
            int m = 1 + rnd.nextInt(trial % 5 == 0 ? 70 : 18);
            int plane = 1 + rnd.nextInt(trial % 3 == 0 ? 5 : trial % 3 == 1 ? 50 : 800);
            int n = 1 + rnd.nextInt(Math.min(3 * plane, 700));
            int depth = 1 + rnd.nextInt(trial % 7 == 0 ? 600 : 40);
            int ldb = n + rnd.nextInt(3);
            int first = rnd.nextInt(3);
            int imageStride = (first + m + rnd.nextInt(3)) * plane;
            int wOff = rnd.nextInt(20);
            int outOff = rnd.nextInt(20);
            boolean extremes = trial % 4 == 0;
            Requantization rq = ByteKernelsTest.randomRequantization(rnd, first + m);
            int[] bias = accumulators(rnd, first + m);
            byte[] w = ByteKernels.padRows(bytes(rnd, m * depth, extremes), 0, m, depth);
            byte[] wArr = new byte[wOff + w.length];
            System.arraycopy(w, 0, wArr, wOff, w.length);
            byte[] b = bytes(rnd, depth * ldb, extremes);
            byte[] expected = new byte[outOff + ((n - 1) / plane + 1) * imageStride + 40];
            java.util.Arrays.fill(expected, (byte) 99); // bytes outside the planes must stay untouched
            byte[] actual = expected.clone();
            ByteKernels.reference().weightsTimesCodesRequantized(m, n, depth, wArr, wOff, b, 0, ldb, bias, rq, first, expected,
                    outOff, plane, imageStride);
            g.weightsTimesCodesRequantized(m, n, depth, wArr, wOff, b, 0, ldb, bias, rq, first, actual, outOff, plane,
                    imageStride);
            assertArrayEquals(expected, actual, g.name() + " trial " + trial + ": m " + m + " n " + n + " depth " + depth
                    + " plane " + plane + ", " + rq);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void indicesOutsideTheArraysAreRefusedBeforeTheNativeCall(ByteKernels g) {
        assertThrows(IndexOutOfBoundsException.class, () -> g.weightsTimesCodesRequantized(4, 64, 9, new byte[4 * 12], 1,
                new byte[9 * 64], 0, 64, new int[4], ByteKernelsTest.randomRequantization(new SplittableRandom(1), 4), 0,
                new byte[4 * 64], 0, 64, 4 * 64));
        assertThrows(IndexOutOfBoundsException.class, () -> g.codesTimesWeights(4, 64, 9, new byte[4 * 9], 0, 9,
                ByteKernels.packColumns(new byte[64 * 9], 64, 9), new int[4 * 64 - 1], 0, 64));
    }

    /** Both products on one geometry (offsets and extra stride as given), native against the reference. */
    private static void check(ByteKernels g, SplittableRandom rnd, int m, int n, int depth, int off1, int off2, int extraLd,
                              int extraLdc, boolean extremes) {
        String what = g.name() + " m=" + m + " n=" + n + " depth=" + depth + " offsets " + off1 + "," + off2 + " strides +"
                + extraLd + ",+" + extraLdc + (extremes ? " extremes" : "");
        // weights x codes with the output stage (convolutions: one image of m planes of n), biases near the int32 extremes
        byte[] w = bytes(rnd, m * depth, extremes);
        byte[] padded = ByteKernels.padRows(w, 0, m, depth);
        byte[] wArr = new byte[off1 + padded.length];
        System.arraycopy(padded, 0, wArr, off1, padded.length);
        int ldb = n + extraLd;
        byte[] b = bytes(rnd, off2 + depth * ldb, extremes);
        int[] bias = accumulators(rnd, m);
        Requantization rq = ByteKernelsTest.randomRequantization(rnd, m);
        byte[] expectedOut = new byte[off2 + m * n + 40];
        java.util.Arrays.fill(expectedOut, (byte) 99); // bytes outside the planes must stay untouched
        byte[] actualOut = expectedOut.clone();
        ByteKernels.reference().weightsTimesCodesRequantized(m, n, depth, wArr, off1, b, off2, ldb, bias, rq, 0, expectedOut,
                off2, n, m * n);
        g.weightsTimesCodesRequantized(m, n, depth, wArr, off1, b, off2, ldb, bias, rq, 0, actualOut, off2, n, m * n);
        assertArrayEquals(expectedOut, actualOut, "weightsTimesCodesRequantized " + what + ", " + rq);
        // and through an output stage that keeps each row's top 8 bits (the random one above saturates large sums)
        int[] smallBias = new int[m];
        int[] multipliers = new int[m];
        int[] shifts = new int[m];
        for (int i = 0; i < m; i++) {
            smallBias[i] = rnd.nextInt(-1000, 1000);
            long maxAbs = 1;
            for (int j = 0; j < n; j++) {
                long sum = smallBias[i];
                for (int k = 0; k < depth; k++) {
                    sum += (long) w[i * depth + k] * ((b[off2 + k * ldb + j] ^ 0x80) & 0xFF);
                }
                maxAbs = Math.max(maxAbs, Math.abs(sum));
            }
            multipliers[i] = 1 << 30; // out = acc * 2^(shift - 1) = acc / 2^k
            shifts[i] = 1 - Math.max(0, 64 - Long.numberOfLeadingZeros(maxAbs) - 7);
        }
        Requantization top = new Requantization(multipliers, shifts, 0, new ActivationClamp(-128, 127));
        ByteKernels.reference().weightsTimesCodesRequantized(m, n, depth, wArr, off1, b, off2, ldb, smallBias, top, 0,
                expectedOut, off2, n, m * n);
        g.weightsTimesCodesRequantized(m, n, depth, wArr, off1, b, off2, ldb, smallBias, top, 0, actualOut, off2, n, m * n);
        assertArrayEquals(expectedOut, actualOut, "weightsTimesCodesRequantized " + what + ", " + top);
        int ldc = n + extraLdc;
        int[] c = accumulators(rnd, off2 + m * ldc);
        // codes x weights (dense layers)
        int ldx = depth + extraLd;
        byte[] x = bytes(rnd, off1 + m * ldx, extremes);
        byte[] packed = ByteKernels.packColumns(bytes(rnd, n * depth, extremes), n, depth);
        int[] expected = c.clone();
        int[] actual = c.clone();
        ByteKernels.reference().codesTimesWeights(m, n, depth, x, off1, ldx, packed, expected, off2, ldc);
        g.codesTimesWeights(m, n, depth, x, off1, ldx, packed, actual, off2, ldc);
        assertArrayEquals(expected, actual, "codesTimesWeights " + what);
    }
}
