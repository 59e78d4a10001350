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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.prep.OutputMultipliers;
import io.qat4j.executor.quant.AffineQuantParams;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link Conv2d}, TFLite micro {@code conv_test.cc} style. */
class Conv2dTest {

    /**
     * Double reference, exact: 3x3 SAME convolution, scales powers of two with
     * {@code S_in S_w / S_out = 1}, so every real output is a multiple of S_out and no rounding
     * happens; the goldens were computed independently in double precision.
     */
    @Test
    void sameConvolutionMatchesFloatGoldenExactly() {
        double[] input = {
            0.5, -1.0, 0.25, 1.0,
            -0.75, 0.0, 1.0, -0.5,
            1.0, 0.25, -0.25, 0.75,
            -0.5, 0.5, 0.0, -1.0,
        };
        double[] filters = {
            1, 0, -1, 0.5, 0, -0.5, 1, 0, -1,
            0, 0.5, 0, 0.5, 1, 0.5, 0, 0.5, 0,
        };
        double[] bias = {0.375, -0.25};
        double[] golden = {
            0.875, -1.25, -0.125, 1.5, 1.125, 1.0, -1.875, 0.875, -0.25, -1.25, 2.125, 1.25, -0.125, 1.375, 0.625, 0.125,
            -0.625, -0.875, 0.5, 0.625, -0.25, -0.5, 0.5, 0.625, 0.25, 0.625, 0.5, -0.375, 0.0, 0.125, -0.625, -0.875,
        };
        AffineQuantParams in = activation(0.25, 5);
        AffineQuantParams out = activation(0.125, -3);
        double[] sw = {0.5, 0.5};
        Window2d same = Window2d.same(4, 4, 3, 3, 1, 1, 1, 1);
        assertEquals(new Window2d(3, 3, 1, 1, 1, 1, 1, 1, 1, 1), same);
        Conv2dParams p = new Conv2dParams(1, 4, 4, 2, 1, same, in.zeroPoint(),
                OutputMultipliers.requantization(in.scale(), sw, out, ActivationClamp.INT8));
        byte[] actual = new byte[32];
        Conv2d.run(p, 1, quantize(input, in), quantizePerChannel(filters, sw), quantizeBias(bias, 0.25, sw), actual);
        assertExact(quantize(golden, out), actual, "3x3 SAME");
    }

    // ---- seeded random cases: exact integer reference bit for bit, double reference within 1 ----

    /** Stride 2 with asymmetric explicit padding (top 1, left 0, bottom 2, right 1), per-channel scales. */
    @Test
    void stride2WithExplicitPadding() {
        check(new Case(2, 3, 7, 6, 4, 1, new Window2d(3, 3, 2, 2, 1, 1, 1, 0, 2, 1)), 1, x -> ActivationClamp.INT8);
    }

    /** Dilation 2 with SAME padding computed by the helper. */
    @Test
    void dilation2WithSamePadding() {
        Window2d w = Window2d.same(9, 8, 3, 3, 1, 1, 2, 2);
        assertEquals(2, w.padTop());
        assertEquals(2, w.padBottom());
        Case c = new Case(1, 2, 9, 8, 3, 1, w);
        assertEquals(9, c.params(0, ActivationClamp.INT8).outHeight());
        check(c, 2, x -> ActivationClamp.INT8);
    }

    /** Dilation 2 in one axis only, stride 2 in the other, no padding. */
    @Test
    void mixedDilationAndStride() {
        check(new Case(1, 2, 10, 9, 2, 1, new Window2d(2, 3, 1, 2, 2, 1, 0, 0, 0, 0)), 3, x -> ActivationClamp.INT8);
    }

    /** Two groups: output channels 0-2 read input channels 0-1, channels 3-5 read 2-3. */
    @Test
    void twoGroups() {
        check(new Case(2, 4, 6, 5, 6, 2, new Window2d(3, 2, 1, 2, 1, 1, 1, 1, 1, 0)), 4, x -> ActivationClamp.INT8);
    }

    /** Depthwise: groups == C_in == C_out, SAME padding. */
    @Test
    void depthwise() {
        check(new Case(2, 5, 6, 6, 5, 5, Window2d.same(6, 6, 3, 3, 1, 1, 1, 1)), 5, x -> ActivationClamp.INT8);
    }

    /** Depthwise with channel multiplier 2: groups == C_in, C_out = 2 C_in, stride 2 SAME. */
    @Test
    void depthwiseChannelMultiplier2() {
        check(new Case(1, 3, 7, 7, 6, 3, Window2d.same(7, 7, 3, 3, 2, 2, 1, 1)), 6, x -> ActivationClamp.INT8);
    }

    /** Fused ReLU6 as a clamp: the double reference applies min(max(r, 0), 6) in reals. */
    @Test
    void fusedRelu6() {
        check(new Case(1, 3, 5, 5, 4, 1, Window2d.same(5, 5, 3, 3, 1, 1, 1, 1)), 7, ActivationClamps::relu6);
    }

    /** Geometry of one random test case. */
    record Case(int batches, int cin, int h, int w, int cout, int groups, Window2d window) {
        Conv2dParams params(int zIn, ActivationClamp act) {
            return new Conv2dParams(cin, h, w, cout, groups, window, zIn,
                    Requantization.perTensor(cout, QuantizedMultiplier.of(0.01), 0, act));
        }
    }

    private static void check(Case c, long seed, Function<AffineQuantParams, ActivationClamp> activationOf) {
        Random rnd = new Random(seed);
        int cg = c.cin() / c.groups();
        int kh = c.window().kernelHeight();
        int kw = c.window().kernelWidth();
        int filterSize = cg * kh * kw;
        double[] x = uniform(rnd, c.batches() * c.cin() * c.h() * c.w(), -0.7, 3.1);
        double[] wts = uniform(rnd, c.cout() * filterSize, -1, 1);
        for (int o = 0; o < c.cout(); o++) {
            for (int i = 0; i < filterSize; i++) {
                wts[o * filterSize + i] *= 1.0 / (1 + o % 3); // distinct per-channel scales
            }
        }
        double[] b = uniform(rnd, c.cout(), -0.5, 0.5);
        AffineQuantParams in = calibrate(x);
        double[] sw = symmetricChannelScales(wts, c.cout());
        byte[] xq = quantize(x, in);
        byte[] wq = quantizePerChannel(wts, sw);
        int[] bq = quantizeBias(b, in.scale(), sw);

        int oh = c.window().outputHeight(c.h());
        int ow = c.window().outputWidth(c.w());
        double[] real = referenceConvReal(c, dequantize(xq, in), dequantizePerChannel(wq, sw), sw, in.scale(), bq, oh, ow);
        AffineQuantParams out = calibrate(real);
        ActivationClamp act = activationOf.apply(out);
        Requantization rq = OutputMultipliers.requantization(in.scale(), sw, out, act);
        Conv2dParams p = new Conv2dParams(c.cin(), c.h(), c.w(), c.cout(), c.groups(), c.window(), in.zeroPoint(), rq);
        assertEquals(oh, p.outHeight());
        assertEquals(ow, p.outWidth());
        byte[] actual = new byte[c.batches() * c.cout() * oh * ow];
        Conv2d.run(p, c.batches(), xq, wq, bq, actual);

        long[] acc = referenceConvAccumulators(c, xq, in.zeroPoint(), wq, bq, oh, ow);
        byte[] exact = new byte[actual.length];
        int plane = oh * ow;
        for (int i = 0; i < exact.length; i++) {
            int o = (i / plane) % c.cout();
            exact[i] = (byte) clamp(exactRequantize(acc[i], rq.multipliers()[o], rq.shifts()[o]) + out.zeroPoint(),
                    act.min(), act.max());
        }
        assertExact(exact, actual, "exact integer reference " + c);

        byte[] fromDouble = new byte[real.length];
        boolean relu6 = act.max() < 127 || act.min() > -128;
        for (int i = 0; i < real.length; i++) {
            double r = relu6 ? Math.min(Math.max(real[i], 0), 6) : real[i];
            fromDouble[i] = (byte) out.quantize(r);
        }
        assertWithinOne(fromDouble, actual, "double reference " + c);
    }

    /** Input copied into a buffer padded with Z_in on every side; no bounds checks in the loop. */
    private static long[] referenceConvAccumulators(Case c, byte[] xq, int zIn, byte[] wq, int[] bq, int oh, int ow) {
        Window2d win = c.window();
        int ph = c.h() + win.padTop() + win.padBottom();
        int pw = c.w() + win.padLeft() + win.padRight();
        int[] padded = new int[c.batches() * c.cin() * ph * pw];
        java.util.Arrays.fill(padded, zIn);
        for (int n = 0; n < c.batches(); n++) {
            for (int ch = 0; ch < c.cin(); ch++) {
                for (int y = 0; y < c.h(); y++) {
                    for (int x = 0; x < c.w(); x++) {
                        padded[((n * c.cin() + ch) * ph + y + win.padTop()) * pw + x + win.padLeft()] =
                                xq[((n * c.cin() + ch) * c.h() + y) * c.w() + x];
                    }
                }
            }
        }
        int cg = c.cin() / c.groups();
        int coutPerGroup = c.cout() / c.groups();
        int kh = win.kernelHeight();
        int kw = win.kernelWidth();
        long[] acc = new long[c.batches() * c.cout() * oh * ow];
        for (int n = 0; n < c.batches(); n++) {
            for (int o = 0; o < c.cout(); o++) {
                int g = o / coutPerGroup;
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        long s = bq[o];
                        for (int ic = 0; ic < cg; ic++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int py = y * win.strideHeight() + ky * win.dilationHeight();
                                    int px = x * win.strideWidth() + kx * win.dilationWidth();
                                    int q = padded[((n * c.cin() + g * cg + ic) * ph + py) * pw + px];
                                    s += (long) wq[((o * cg + ic) * kh + ky) * kw + kx] * (q - zIn);
                                }
                            }
                        }
                        acc[((n * c.cout() + o) * oh + y) * ow + x] = s;
                    }
                }
            }
        }
        return acc;
    }

    /** The real-valued grouped convolution, zero padding, on dequantized operands. */
    private static double[] referenceConvReal(Case c, double[] xr, double[] wr, double[] sw, double sIn, int[] bq,
            int oh, int ow) {
        Window2d win = c.window();
        int cg = c.cin() / c.groups();
        int coutPerGroup = c.cout() / c.groups();
        int kh = win.kernelHeight();
        int kw = win.kernelWidth();
        double[] out = new double[c.batches() * c.cout() * oh * ow];
        for (int n = 0; n < c.batches(); n++) {
            for (int o = 0; o < c.cout(); o++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        double s = sIn * sw[o] * bq[o];
                        for (int ic = 0; ic < cg; ic++) {
                            int ch = (o / coutPerGroup) * cg + ic;
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = y * win.strideHeight() - win.padTop() + ky * win.dilationHeight();
                                    int ix = x * win.strideWidth() - win.padLeft() + kx * win.dilationWidth();
                                    if (iy >= 0 && iy < c.h() && ix >= 0 && ix < c.w()) {
                                        s += wr[((o * cg + ic) * kh + ky) * kw + kx]
                                                * xr[((n * c.cin() + ch) * c.h() + iy) * c.w() + ix];
                                    }
                                }
                            }
                        }
                        out[((n * c.cout() + o) * oh + y) * ow + x] = s;
                    }
                }
            }
        }
        return out;
    }

    // ---- geometry ----

    /**
     * SAME padding and output sizes against values TensorFlow produces
     * ({@code tf.nn.conv2d(..., padding="SAME")}): out = ceil(in / stride), the odd pixel of the
     * padding goes to the bottom/right.
     */
    @Test
    void samePaddingMatchesTensorFlow() {
        // in, k, stride, dilation -> out, before, after
        int[][] cases = {
            {224, 7, 2, 1, 112, 2, 3}, // ResNet stem
            {112, 3, 2, 1, 56, 0, 1}, // MobileNet stride-2 3x3
            {56, 1, 2, 1, 28, 0, 0}, // 1x1 stride 2: no padding
            {28, 3, 1, 1, 28, 1, 1},
            {5, 3, 2, 1, 3, 1, 1},
            {4, 3, 2, 1, 2, 0, 1},
            {7, 3, 1, 2, 7, 2, 2}, // dilation 2: effective kernel 5
            {10, 3, 3, 2, 4, 2, 2}, // (4-1)*3 + 5 - 10 = 4
            {1, 3, 2, 1, 1, 1, 1},
            {6, 5, 1, 1, 6, 2, 2},
            {6, 4, 1, 1, 6, 1, 2}, // even kernel: extra after
            {3, 1, 1, 1, 3, 0, 0},
        };
        for (int[] t : cases) {
            String what = "in " + t[0] + " k " + t[1] + " s " + t[2] + " d " + t[3];
            assertEquals(t[4], Window2d.sameOutputSize(t[0], t[2]), what);
            assertEquals(t[5] + t[6], Window2d.samePaddingTotal(t[0], t[1], t[2], t[3]), what);
            assertEquals(t[5], Window2d.samePaddingBefore(t[0], t[1], t[2], t[3]), what);
            assertEquals(t[6], Window2d.samePaddingAfter(t[0], t[1], t[2], t[3]), what);
            // the explicit-padding formula gives the SAME size back
            assertEquals(t[4], Window2d.outputSize(t[0], t[1], t[2], t[3], t[5], t[6]), what);
            Window2d w = Window2d.same(t[0], t[0], t[1], t[1], t[2], t[2], t[3], t[3]);
            assertEquals(t[4], w.outputHeight(t[0]), what);
            assertEquals(t[4], w.outputWidth(t[0]), what);
        }
    }

    /** VALID output sizes: floor((in - (k - 1) d - 1) / s) + 1 (TensorFlow "VALID"). */
    @Test
    void validOutputSizes() {
        assertEquals(26, Window2d.outputSize(28, 3, 1, 1, 0, 0));
        assertEquals(13, Window2d.outputSize(28, 3, 2, 1, 0, 0));
        assertEquals(14, Window2d.outputSize(28, 2, 2, 1, 0, 0));
        assertEquals(24, Window2d.outputSize(28, 3, 1, 2, 0, 0));
        assertEquals(1, Window2d.outputSize(5, 5, 1, 1, 0, 0));
        assertEquals(3, Window2d.outputSize(7, 3, 2, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Window2d.outputSize(4, 5, 1, 1, 0, 0));
        assertEquals(1, Window2d.outputSize(5, 3, 1, 2, 0, 0)); // dilated kernel 5 fits once
        assertThrows(IllegalArgumentException.class, () -> Window2d.outputSize(4, 3, 1, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Window2d(3, 3, 0, 1, 1, 1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Window2d(3, 3, 1, 1, 1, 1, -1, 0, 0, 0));
    }

    // ---- accumulator bound and argument checks ----

    /** K = (C_in / groups) KH KW must keep 128 * 255 * K within int32. */
    @Test
    void rejectsFiltersThatCouldOverflowInt32() {
        Window2d k3 = Window2d.valid(3, 3, 1, 1);
        Requantization rq1 = Requantization.perTensor(1, QuantizedMultiplier.of(0.001), 0, ActivationClamp.INT8);
        new Conv2dParams(7310, 3, 3, 1, 1, k3, 0, rq1); // K = 65790
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dParams(7311, 3, 3, 1, 1, k3, 0, rq1)); // K = 65799
        assertTrue(e.getMessage().contains("too large for int32 accumulation"), e.getMessage());
        // groups divide the depth: the same 7311 channels in 3 groups give K = 2437 * 9
        Requantization rq3 = Requantization.perTensor(3, QuantizedMultiplier.of(0.001), 0, ActivationClamp.INT8);
        assertEquals(2437 * 9, new Conv2dParams(7311, 3, 3, 3, 3, k3, 0, rq3).filterSize());
        // and the bias is checked at the call
        Conv2dParams p = new Conv2dParams(7310, 3, 3, 1, 1, k3, 0, rq1);
        assertThrows(IllegalArgumentException.class, () -> Conv2d.run(p, 1, new byte[7310 * 9], new byte[7310 * 9],
                new int[] {Integer.MAX_VALUE}, new byte[1]));
    }

    @Test
    void rejectsInconsistentShapes() {
        Window2d k3 = Window2d.valid(3, 3, 1, 1);
        Requantization rq4 = Requantization.perTensor(4, QuantizedMultiplier.of(0.01), 0, ActivationClamp.INT8);
        assertThrows(IllegalArgumentException.class, () -> new Conv2dParams(3, 5, 5, 4, 2, k3, 0, rq4)); // 2 !| 3
        assertThrows(IllegalArgumentException.class, () -> new Conv2dParams(4, 5, 5, 6, 2, k3, 0, rq4)); // 6 != 4
        assertThrows(IllegalArgumentException.class, () -> new Conv2dParams(4, 2, 5, 4, 1, k3, 0, rq4)); // 2 < 3
        assertThrows(IllegalArgumentException.class, () -> new Conv2dParams(4, 5, 5, 4, 1, k3, -129, rq4));
        Conv2dParams p = new Conv2dParams(4, 5, 5, 4, 2, k3, 0, rq4);
        assertEquals(18, p.filterSize());
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.run(p, 1, new byte[99], new byte[72], null, new byte[36]));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.run(p, 1, new byte[100], new byte[71], null, new byte[36]));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.run(p, 1, new byte[100], new byte[72], null, new byte[35]));
    }
}
