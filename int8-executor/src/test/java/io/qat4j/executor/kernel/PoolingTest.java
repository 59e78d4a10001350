package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.activation;
import static io.qat4j.executor.kernel.KernelTestSupport.assertExact;
import static io.qat4j.executor.kernel.KernelTestSupport.assertWithinOne;
import static io.qat4j.executor.kernel.KernelTestSupport.calibrate;
import static io.qat4j.executor.kernel.KernelTestSupport.clamp;
import static io.qat4j.executor.kernel.KernelTestSupport.dequantize;
import static io.qat4j.executor.kernel.KernelTestSupport.exactRequantize;
import static io.qat4j.executor.kernel.KernelTestSupport.quantize;
import static io.qat4j.executor.kernel.KernelTestSupport.roundedDivide;
import static io.qat4j.executor.kernel.KernelTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.prep.OutputMultipliers;
import io.qat4j.executor.quant.AffineQuantParams;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link MaxPool2d}, {@link AveragePool2d}, {@link GlobalAveragePool}; TFLite micro {@code pooling_test.cc} style. */
class PoolingTest {

    // ---- max pool ----

    /** Double reference, exact: max commutes with quantization; 2x2 stride 2 on a 4x4 image. */
    @Test
    void maxPool2x2MatchesFloatGoldenExactly() {
        double[] input = {
            0.25, -1.0, 0.5, 2.0,
            1.5, 0.0, -0.75, -0.5,
            -2.0, -1.25, 3.0, 0.25,
            -1.5, -1.75, 1.0, 2.5,
        };
        double[] golden = {1.5, 2.0, -1.25, 3.0};
        AffineQuantParams q = activation(0.25, -10);
        MaxPool2dParams p = new MaxPool2dParams(1, 4, 4, Window2d.valid(2, 2, 2, 2), ActivationClamp.INT8);
        byte[] out = new byte[4];
        MaxPool2d.run(p, 1, quantize(input, q), out);
        assertExact(quantize(golden, q), out, "max pool 2x2");
    }

    /**
     * Double reference, exact: 3x3 stride 2 SAME on random data, padding ignored (not a candidate),
     * two batches, three channels; with and without a fused ReLU.
     */
    @Test
    void maxPool3x3SamePaddingMatchesDoubleReference() {
        Random rnd = new Random(31);
        int n = 2;
        int c = 3;
        int h = 7;
        int w = 6;
        AffineQuantParams q = activation(0.03, -20);
        byte[] xq = quantize(uniform(rnd, n * c * h * w, -3.2, 4.1), q);
        double[] xr = dequantize(xq, q);
        Window2d win = Window2d.same(h, w, 3, 3, 2, 2, 1, 1);
        for (ActivationClamp act : new ActivationClamp[] {ActivationClamp.INT8, ActivationClamps.relu(q)}) {
            MaxPool2dParams p = new MaxPool2dParams(c, h, w, win, act);
            int oh = p.outHeight();
            int ow = p.outWidth();
            assertEquals(4, oh);
            assertEquals(3, ow);
            double[] golden = new double[n * c * oh * ow];
            for (int plane = 0; plane < n * c; plane++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        double m = Double.NEGATIVE_INFINITY;
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = y * 2 - win.padTop() + ky;
                                int ix = x * 2 - win.padLeft() + kx;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    m = Math.max(m, xr[(plane * h + iy) * w + ix]);
                                }
                            }
                        }
                        golden[(plane * oh + y) * ow + x] = act == ActivationClamp.INT8 ? m : Math.max(m, 0);
                    }
                }
            }
            byte[] out = new byte[golden.length];
            MaxPool2d.run(p, n, xq, out);
            assertExact(quantize(golden, q), out, "max pool SAME " + act);
        }
    }

    /**
     * Seeded random geometries (kernels 1-4, strides 1-3, dilations 1-2, paddings 0-2 per side,
     * images 1-13 square or not, batches 1-3, random clamps) against the definition written as
     * plainly as possible: the maximum over the window's in-image positions, clamped. Covers the
     * kernel's border/interior split and its written-out 2x2 / stride 2 path (every fourth case).
     */
    @Test
    void maxPoolEqualsTheDefinitionOnSeededRandomGeometries() {
        Random r = new Random(47);
        int checked = 0;
        for (int t = 0; t < 400; t++) {
            boolean twoByTwo = t % 4 == 0;
            int kh = twoByTwo ? 2 : 1 + r.nextInt(4);
            int kw = twoByTwo ? 2 : 1 + r.nextInt(4);
            int sh = twoByTwo ? 2 : 1 + r.nextInt(3);
            int sw = twoByTwo ? 2 : 1 + r.nextInt(3);
            int dh = twoByTwo ? 1 : 1 + r.nextInt(2);
            int dw = twoByTwo ? 1 : 1 + r.nextInt(2);
            int h = 1 + r.nextInt(13);
            int w = 1 + r.nextInt(twoByTwo ? 40 : 13); // 2x2: rows of several 8-byte words and a remainder
            // padding up to 2, less than the window's extent (a window wholly in the padding is refused)
            int ph = Math.min(3, (kh - 1) * dh + 1);
            int pw = Math.min(3, (kw - 1) * dw + 1);
            int[] pad = {r.nextInt(ph), r.nextInt(pw), r.nextInt(ph), r.nextInt(pw)};
            Window2d win = new Window2d(kh, kw, sh, sw, dh, dw, pad[0], pad[1], pad[2], pad[3]);
            int lo = t % 8 == 0 ? -128 + r.nextInt(256) : -128 + r.nextInt(3) * 60;
            int hi = t % 8 == 0 ? lo + r.nextInt(128 - lo) : Math.max(lo, 127 - r.nextInt(3) * 60);
            MaxPool2dParams p;
            try {
                p = new MaxPool2dParams(1 + r.nextInt(3), h, w, win, new ActivationClamp(lo, hi));
            } catch (IllegalArgumentException e) {
                continue; // no output, or a window wholly in the padding: refused, as tested above
            }
            int n = 1 + r.nextInt(3);
            byte[] x = new byte[n * p.channels() * h * w];
            r.nextBytes(x);
            if (t % 3 == 0) { // the extremes and their neighbours, where a comparison of bytes could carry or wrap
                byte[] edges = {-128, -127, -1, 0, 1, 126, 127};
                for (int i = 0; i < x.length; i++) {
                    x[i] = edges[r.nextInt(edges.length)];
                }
            }
            int oh = p.outHeight();
            int ow = p.outWidth();
            byte[] out = new byte[n * p.channels() * oh * ow];
            MaxPool2d.run(p, n, x, out);
            for (int plane = 0; plane < n * p.channels(); plane++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int max = Integer.MIN_VALUE;
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                int iy = oy * sh - pad[0] + ky * dh;
                                int ix = ox * sw - pad[1] + kx * dw;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    max = Math.max(max, x[(plane * h + iy) * w + ix]);
                                }
                            }
                        }
                        assertEquals(Math.max(lo, Math.min(hi, max)), out[(plane * oh + oy) * ow + ox],
                                "case " + t + " " + win + " " + h + "x" + w + " plane " + plane + " at " + oy + "," + ox);
                    }
                }
            }
            checked++;
        }
        assertTrue(checked > 300, "most random geometries are valid: " + checked);
    }

    @Test
    void poolingRejectsWindowsLyingInThePadding() {
        Window2d padded = new Window2d(2, 2, 1, 1, 1, 1, 2, 0, 0, 0); // first row of windows: rows -2, -1
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2dParams(1, 3, 3, padded, ActivationClamp.INT8));
        assertThrows(IllegalArgumentException.class,
                () -> new AveragePool2dParams(1, 3, 3, padded, false, 0, ActivationClamp.INT8));
        new MaxPool2dParams(1, 3, 3, new Window2d(2, 2, 1, 1, 1, 1, 1, 0, 0, 0), ActivationClamp.INT8);
    }

    // ---- average pool, same scale in and out ----

    /**
     * Double reference, exact: with {@code Z = 0} rounding the mean code and rounding the real mean
     * coincide, and every average here is an exact binary tie or clearly off one: sums 2, -2, 6,
     * -6, 3, -1 over 4 values give 0.5 -> 1, -0.5 -> -1, 1.5 -> 2, -1.5 -> -2, 0.75 -> 1,
     * -0.25 -> 0 (ties away from zero).
     */
    @Test
    void averagePoolRoundsTiesAwayFromZero() {
        double s = 0.5;
        int[] codes = {
            1, 0, -1, 0, 2, 1, -2, -1, 3, 0, -1, 0,
            0, 1, 0, -1, 1, 2, -1, -2, 0, 0, 0, 0,
        };
        double[] input = new double[codes.length];
        for (int i = 0; i < codes.length; i++) {
            input[i] = codes[i] * s;
        }
        double[] golden = {0.25, -0.25, 0.75, -0.75, 0.375, -0.125}; // real means
        AffineQuantParams q = activation(s, 0);
        AveragePool2dParams p = new AveragePool2dParams(1, 2, 12, Window2d.valid(2, 2, 2, 2), false, 0,
                ActivationClamp.INT8);
        byte[] out = new byte[6];
        AveragePool2d.run(p, 1, quantize(input, q), out);
        assertExact(quantize(golden, q), out, "ties");
        assertExact(new byte[] {1, -1, 2, -2, 1, 0}, out, "ties as codes");
    }

    /**
     * Exact integer reference (sum of codes, then BigDecimal HALF_UP, i.e. ties away from zero):
     * TFLite rounds the mean of the codes, so with {@code Z = 1} codes averaging 0.5 give 1, where
     * rounding the real mean {@code -0.5 S} would give code 0. The double reference is not used here
     * on purpose: this is the documented, TFLite-compatible behaviour.
     */
    @Test
    void averagePoolRoundsTheMeanCodeAsTflite() {
        byte[] in = {1, 0, 0, 1, -1, 0, 0, -1}; // two 1x4 windows: sums 2 and -2
        AveragePool2dParams p = new AveragePool2dParams(1, 1, 8, Window2d.valid(1, 4, 1, 4), false, 1,
                ActivationClamp.INT8);
        byte[] out = new byte[2];
        AveragePool2d.run(p, 1, in, out);
        assertExact(new byte[] {(byte) roundedDivide(2, 4), (byte) roundedDivide(-2, 4)}, out, "code-domain rounding");
        assertExact(new byte[] {1, -1}, out, "code-domain rounding literal");
    }

    /**
     * Exact integer reference: 3x3 stride 1 SAME on 5x5, random codes and a non-zero zero point.
     * Without count_include_pad corners average 4 values, edges 6, the interior 9; with it every
     * window divides by 9 and padded positions count as Z_in.
     */
    @Test
    void averagePoolBorderCounts() {
        Random rnd = new Random(77);
        int h = 5;
        int w = 5;
        int z = -7;
        byte[] in = new byte[2 * h * w];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) (rnd.nextInt(256) - 128);
        }
        Window2d win = Window2d.same(h, w, 3, 3, 1, 1, 1, 1);
        for (boolean includePad : new boolean[] {false, true}) {
            AveragePool2dParams p = new AveragePool2dParams(2, h, w, win, includePad, z, ActivationClamp.INT8);
            byte[] out = new byte[2 * h * w];
            AveragePool2d.run(p, 1, in, out);
            byte[] expected = new byte[out.length];
            for (int plane = 0; plane < 2; plane++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        long sum = 0;
                        int count = 0;
                        for (int iy = y - 1; iy <= y + 1; iy++) {
                            for (int ix = x - 1; ix <= x + 1; ix++) {
                                boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                                if (inside) {
                                    sum += in[(plane * h + iy) * w + ix];
                                    count++;
                                } else if (includePad) {
                                    sum += z;
                                    count++;
                                }
                            }
                        }
                        if (!includePad) {
                            boolean cornerOrEdge = y == 0 || y == h - 1 || x == 0 || x == w - 1;
                            boolean corner = (y == 0 || y == h - 1) && (x == 0 || x == w - 1);
                            assertEquals(corner ? 4 : cornerOrEdge ? 6 : 9, count);
                        }
                        expected[(plane * h + y) * w + x] = (byte) roundedDivide(sum, count);
                    }
                }
            }
            assertExact(expected, out, "border counts, includePad " + includePad);
        }
    }

    // ---- average pool with output requantization ----

    /**
     * Random data, 3x3 stride 2 SAME (border windows of 4 and 6 values), output scale and zero
     * point of their own. Exact integer reference (sum of q - Z_in, BigInteger requantization with
     * the count's multiplier) bit for bit; double reference (mean of real values, quantized)
     * within 1. Both divisor conventions.
     */
    @Test
    void averagePoolRequantizedMatchesReferences() {
        Random rnd = new Random(4242);
        int n = 2;
        int c = 3;
        int h = 6;
        int w = 7;
        AffineQuantParams in = activation(0.041, 13);
        byte[] xq = quantize(uniform(rnd, n * c * h * w, -5.5, 4.7), in);
        double[] xr = dequantize(xq, in);
        Window2d win = Window2d.same(h, w, 3, 3, 2, 2, 1, 1);
        for (boolean includePad : new boolean[] {false, true}) {
            AveragePool2dParams p = new AveragePool2dParams(c, h, w, win, includePad, in.zeroPoint(),
                    ActivationClamp.INT8);
            int oh = p.outHeight();
            int ow = p.outWidth();
            double[] real = new double[n * c * oh * ow];
            long[] sums = new long[real.length];
            int[] counts = new int[real.length];
            for (int plane = 0; plane < n * c; plane++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        int i = (plane * oh + y) * ow + x;
                        double s = 0;
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = y * 2 - win.padTop() + ky;
                                int ix = x * 2 - win.padLeft() + kx;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    s += xr[(plane * h + iy) * w + ix];
                                    sums[i] += xq[(plane * h + iy) * w + ix] - in.zeroPoint();
                                    counts[i]++;
                                }
                            }
                        }
                        if (includePad) {
                            counts[i] = 9;
                        }
                        real[i] = s / counts[i];
                    }
                }
            }
            AffineQuantParams out = calibrate(real);
            AveragePoolRequantization rq = OutputMultipliers.averagePool(in.scale(), out, 9);
            byte[] actual = new byte[real.length];
            AveragePool2d.runRequantized(p, rq, n, xq, actual);
            byte[] exact = new byte[real.length];
            for (int i = 0; i < exact.length; i++) {
                exact[i] = (byte) clamp(exactRequantize(sums[i], rq.multipliers()[counts[i] - 1],
                        rq.shifts()[counts[i] - 1]) + out.zeroPoint(), -128, 127);
            }
            assertExact(exact, actual, "exact integer reference, includePad " + includePad);
            assertWithinOne(quantize(real, out), actual, "double reference, includePad " + includePad);
        }
    }

    @Test
    void averagePoolRequantizationMustCoverTheWindow() {
        AveragePool2dParams p = new AveragePool2dParams(1, 4, 4, Window2d.valid(3, 3, 1, 1), false, 0,
                ActivationClamp.INT8);
        AveragePoolRequantization small = OutputMultipliers.averagePool(0.1, activation(0.1, 0), 4);
        assertThrows(IllegalArgumentException.class,
                () -> AveragePool2d.runRequantized(p, small, 1, new byte[16], new byte[4]));
    }

    // ---- global average pool ----

    /**
     * Exact integer reference for the codes (sum, BigDecimal HALF_UP), and, with {@code Z = 0},
     * the double reference exactly: a 2x2 plane summing to 2 averages 0.5 and rounds to 1, one
     * summing to -2 rounds to -1.
     */
    @Test
    void globalAveragePoolRoundsHalfAwayFromZero() {
        byte[] in = {1, 0, 0, 1, -1, 0, -1, 0, 5, 5, 5, 6, -128, -128, -128, -127};
        GlobalAveragePoolParams p = new GlobalAveragePoolParams(4, 2, 2, 0, ActivationClamp.INT8);
        byte[] out = new byte[4];
        GlobalAveragePool.run(p, 1, in, out);
        assertExact(new byte[] {1, -1, 5, -128}, out, "literal");
        for (int c = 0; c < 4; c++) {
            long sum = 0;
            for (int i = 0; i < 4; i++) {
                sum += in[c * 4 + i];
            }
            assertEquals(roundedDivide(sum, 4), out[c]);
        }
        AffineQuantParams q = activation(0.5, 0);
        double[] golden = {0.25, -0.25, 2.625, -63.875}; // real means, S = 0.5
        assertExact(quantize(golden, q), out, "double reference");
    }

    /**
     * Random 2x4x5x6 images, requantized to a calibrated output: exact integer reference bit for
     * bit, double reference within 1.
     */
    @Test
    void globalAveragePoolRequantizedMatchesReferences() {
        Random rnd = new Random(99);
        int n = 2;
        int c = 4;
        int hw = 30;
        AffineQuantParams in = activation(0.07, -31);
        byte[] xq = quantize(uniform(rnd, n * c * hw, -4, 10), in);
        double[] xr = dequantize(xq, in);
        double[] real = new double[n * c];
        long[] sums = new long[n * c];
        for (int plane = 0; plane < n * c; plane++) {
            for (int i = 0; i < hw; i++) {
                real[plane] += xr[plane * hw + i] / hw;
                sums[plane] += xq[plane * hw + i] - in.zeroPoint();
            }
        }
        AffineQuantParams out = calibrate(real);
        QuantizedMultiplier m = OutputMultipliers.globalAveragePool(in.scale(), out.scale(), hw);
        GlobalAveragePoolParams p = new GlobalAveragePoolParams(c, 5, 6, in.zeroPoint(), ActivationClamp.INT8);
        byte[] actual = new byte[n * c];
        GlobalAveragePool.runRequantized(p, m, out.zeroPoint(), n, xq, actual);
        byte[] exact = new byte[n * c];
        for (int i = 0; i < exact.length; i++) {
            exact[i] = (byte) clamp(exactRequantize(sums[i], m.multiplier(), m.shift()) + out.zeroPoint(), -128, 127);
        }
        assertExact(exact, actual, "exact integer reference");
        assertWithinOne(quantize(real, out), actual, "double reference");
    }

    @Test
    void globalAveragePoolRejectsPlanesThatCouldOverflow() {
        new GlobalAveragePoolParams(1, 2048, 4112, 0, ActivationClamp.INT8); // 255 * 8421376 < 2^31
        assertThrows(IllegalArgumentException.class,
                () -> new GlobalAveragePoolParams(1, 4096, 4096, 0, ActivationClamp.INT8));
    }
}
