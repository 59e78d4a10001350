package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.activation;
import static io.qat4j.executor.kernel.KernelTestSupport.assertExact;
import static io.qat4j.executor.kernel.KernelTestSupport.assertWithinOne;
import static io.qat4j.executor.kernel.KernelTestSupport.calibrate;
import static io.qat4j.executor.kernel.KernelTestSupport.clamp;
import static io.qat4j.executor.kernel.KernelTestSupport.concurrently;
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
import io.qat4j.executor.kernel.gemm.IntGemm;
import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.prep.OutputMultipliers;
import io.qat4j.executor.quant.AffineQuantParams;
import java.util.ArrayList;
import java.util.List;
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

    // ---- PreparedConv2d (im2col + IntGemm): random geometry, exact reference ----

    /**
     * Seeded random geometries: kernels 1-4 (non-square), strides 1-3, dilations 1-2, asymmetric
     * padding 0-2, odd sizes, groups 1-3, depthwise with channel multipliers 1-3, filter depths up to
     * 360, batches up to 4 and sometimes up to 70 (several im2col chunks of small images); weights of
     * three kinds (4-bit container with zeros, full int8, int8 on a few values); random zero points,
     * bias or none, per-channel multipliers (some above 1), full, ReLU-like and narrower clamps.
     * {@link PreparedConv2d}, {@link Conv2d#run} and, for 4-bit weights, {@link Conv2d#runPacked4}
     * and {@link PreparedConv2d#ofPacked4} all equal the long-accumulator / BigInteger reference bit
     * for bit; a prepared layer reused with a smaller batch gives the same bytes again.
     */
    @Test
    void preparedMatchesExactReferenceOnRandomGeometry() {
        Random rnd = new Random(0x9E0C0DL);
        for (int t = 0; t < 160; t++) {
            randomPreparedCase(rnd, t);
        }
    }

    private static void randomPreparedCase(Random rnd, int t) {
        int weightKind = t % 3; // 0: 4-bit with zeros, 1: full int8, 2: int8 on a few values
        int groupKind = rnd.nextInt(5);
        int groups;
        int cin;
        int cout;
        if (groupKind == 4) { // depthwise, channel multiplier 1-3
            cin = 1 + rnd.nextInt(6);
            groups = cin;
            cout = cin * (1 + rnd.nextInt(3));
        } else {
            groups = groupKind < 2 ? 1 : groupKind; // 1, 1, 2, 3
            cin = groups * (1 + rnd.nextInt(groups == 1 ? 40 : 6));
            cout = groups * (1 + rnd.nextInt(5));
        }
        int kh = 1 + rnd.nextInt(4);
        int kw = 1 + rnd.nextInt(4);
        int sh = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(3) : 1;
        int sw = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(3) : 1;
        int dh = 1 + rnd.nextInt(2);
        int dw = 1 + rnd.nextInt(2);
        int pt = rnd.nextInt(3);
        int pl = rnd.nextInt(3);
        int pb = rnd.nextInt(3);
        int pr = rnd.nextInt(3);
        int h = Math.max(1, (kh - 1) * dh + 1 - pt - pb) + rnd.nextInt(cin > 16 ? 6 : 12);
        int w = Math.max(1, (kw - 1) * dw + 1 - pl - pr) + rnd.nextInt(cin > 16 ? 6 : 12);
        Window2d win = new Window2d(kh, kw, sh, sw, dh, dw, pt, pl, pb, pr);
        int batches = 1 + rnd.nextInt(t % 8 == 0 && cin * h * w <= 200 ? 70 : 4);
        Case c = new Case(batches, cin, h, w, cout, groups, win);
        int filterSize = cin / groups * kh * kw;

        byte[] wq = new byte[cout * filterSize];
        int[] few = {rnd.nextInt(256) - 128, rnd.nextInt(256) - 128, rnd.nextInt(17) - 8};
        for (int i = 0; i < wq.length; i++) {
            wq[i] = (byte) switch (weightKind) {
                case 0 -> rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(16) - 8;
                case 1 -> rnd.nextInt(256) - 128;
                default -> rnd.nextInt(6) == 0 ? 0 : few[rnd.nextInt(3)];
            };
        }
        int zIn = rnd.nextInt(256) - 128;
        byte[] xq = new byte[batches * cin * h * w];
        for (int i = 0; i < xq.length; i++) {
            xq[i] = (byte) (rnd.nextInt(3) == 0 ? zIn : rnd.nextInt(256) - 128); // a third at "real 0"
        }
        long productBound = 128L * 255 * filterSize;
        boolean leftShift = productBound * 2 + 2000 <= Integer.MAX_VALUE && rnd.nextInt(6) == 0;
        int[] bias = rnd.nextInt(4) == 0 ? null : new int[cout];
        int[] m = new int[cout];
        int[] shifts = new int[cout];
        for (int o = 0; o < cout; o++) {
            if (bias != null) {
                bias[o] = leftShift ? rnd.nextInt(2001) - 1000 : rnd.nextInt(400001) - 200000;
            }
            double real = leftShift ? 1 + rnd.nextDouble()
                    : (0.2 + rnd.nextDouble()) * 60 / (128.0 * 64 * Math.sqrt(filterSize));
            QuantizedMultiplier q = QuantizedMultiplier.of(real);
            m[o] = q.multiplier();
            shifts[o] = q.shift();
        }
        int zOut = rnd.nextInt(256) - 128;
        ActivationClamp act = switch (rnd.nextInt(5)) {
            case 0 -> ActivationClamp.INT8;
            case 1 -> new ActivationClamp(zOut, 127); // ReLU: the output stage's acc <= 0 shortcut
            case 2 -> new ActivationClamp(Math.max(-128, zOut - 1), 127); // just below the shortcut
            case 3 -> new ActivationClamp(Math.min(127, zOut + 1), 127);
            default -> {
                int lo = rnd.nextInt(200) - 128;
                yield new ActivationClamp(lo, lo + rnd.nextInt(128 - lo));
            }
        };
        Requantization rq = new Requantization(m, shifts, zOut, act);
        Conv2dParams p = new Conv2dParams(cin, h, w, cout, groups, win, zIn, rq);
        int oh = p.outHeight();
        int ow = p.outWidth();

        long[] acc = referenceConvAccumulators(c, xq, zIn, wq, bias == null ? new int[cout] : bias, oh, ow);
        byte[] exact = new byte[batches * cout * oh * ow];
        int plane = oh * ow;
        for (int i = 0; i < exact.length; i++) {
            int o = (i / plane) % cout;
            exact[i] = (byte) clamp(exactRequantize(acc[i], m[o], shifts[o]) + zOut, act.min(), act.max());
        }
        String what = "case " + t + " " + c + " weights " + weightKind + " zIn " + zIn + " " + act;

        PreparedConv2d prepared = PreparedConv2d.of(p, wq, bias);
        byte[] actual = new byte[exact.length];
        prepared.run(batches, xq, actual);
        assertExact(exact, actual, "prepared (" + IntGemm.selected() + "), " + what);
        byte[] scalar = new byte[exact.length];
        PreparedConv2d.of(p, wq, bias, IntGemm.scalar(), null).run(batches, xq, scalar);
        assertExact(exact, scalar, "prepared (scalar), " + what);
        for (ByteKernels bytes : KernelTestSupport.byteKernels()) {
            byte[] viaCodes = new byte[exact.length];
            PreparedConv2d.of(p, wq, bias, IntGemm.selected(), bytes).run(batches, xq, viaCodes);
            assertExact(exact, viaCodes, "prepared (" + bytes + "), " + what);
        }
        byte[] viaStatic = new byte[exact.length];
        Conv2d.run(p, batches, xq, wq, bias, viaStatic);
        assertExact(exact, viaStatic, "Conv2d.run, " + what);
        // reuse of the per-thread scratch with a different batch: the last image alone
        byte[] last = new byte[p.outputImageSize()];
        prepared.run(1, java.util.Arrays.copyOfRange(xq, (batches - 1) * p.inputImageSize(), xq.length), last);
        assertExact(java.util.Arrays.copyOfRange(exact, (batches - 1) * last.length, exact.length), last,
                "prepared, last image again, " + what);
        if (weightKind == 0) {
            byte[] packed = PackedInt4.pack(wq);
            byte[] fromPacked = new byte[exact.length];
            Conv2d.runPacked4(p, batches, xq, packed, bias, fromPacked);
            assertExact(exact, fromPacked, "Conv2d.runPacked4, " + what);
            PreparedConv2d.ofPacked4(p, packed, bias).run(batches, xq, fromPacked);
            assertExact(exact, fromPacked, "PreparedConv2d.ofPacked4, " + what);
        }
    }

    /**
     * 4-bit weights with enough output channels for the Java path's packed product (blocks of 8
     * rows, runs of products in 16-bit fields, {@link IntGemm#multiplyAddBounded}): every weight at -8
     * and every input at the far end from {@code Z_in} (each run at its 16-bit limit), then seeded
     * random data; 8 to 70 channels, 1 to 3 images, zero points at the int8 extremes and random. The
     * selected path and the scalar one equal the exact reference bit for bit.
     */
    @Test
    void fourBitWeightsOnThePackedProductAreExact() {
        Random rnd = new Random(0x4B18L);
        int[][] shapes = {{1, 9, 9, 8, 3}, {3, 14, 14, 64, 3}, {2, 7, 7, 70, 1}, {1, 28, 28, 32, 3}, {2, 5, 11, 19, 2}};
        for (int t = 0; t < 3 * shapes.length; t++) {
            int[] s = shapes[t % shapes.length];
            boolean extreme = t < shapes.length;
            Case c = new Case(1 + t % 3, s[0], s[1], s[2], s[3], 1, Window2d.same(s[1], s[2], s[4], s[4], 1, 1, 1, 1));
            int zIn = switch (t % 3) {
                case 0 -> -128;
                case 1 -> 127;
                default -> rnd.nextInt(256) - 128;
            };
            int filterSize = c.cin() * s[4] * s[4];
            byte[] wq = new byte[c.cout() * filterSize];
            for (int i = 0; i < wq.length; i++) {
                wq[i] = (byte) (extreme ? -8 : rnd.nextInt(16) - 8);
            }
            byte[] xq = new byte[c.batches() * c.cin() * c.h() * c.w()];
            for (int i = 0; i < xq.length; i++) {
                xq[i] = (byte) (extreme ? (zIn < 0 ? 127 : -128) : rnd.nextInt(256) - 128);
            }
            int[] bias = new int[c.cout()];
            for (int o = 0; o < bias.length; o++) {
                bias[o] = rnd.nextInt(20001) - 10000;
            }
            QuantizedMultiplier q = QuantizedMultiplier.of(1.0 / (8 * 255 * filterSize));
            Requantization rq = Requantization.perTensor(c.cout(), q, 0, ActivationClamp.INT8);
            Conv2dParams p = new Conv2dParams(c.cin(), c.h(), c.w(), c.cout(), 1, c.window(), zIn, rq);
            long[] acc = referenceConvAccumulators(c, xq, zIn, wq, bias, p.outHeight(), p.outWidth());
            byte[] exact = new byte[acc.length];
            for (int i = 0; i < exact.length; i++) {
                exact[i] = (byte) clamp(exactRequantize(acc[i], q.multiplier(), q.shift()), -128, 127);
            }
            for (IntGemm gemm : new IntGemm[] {IntGemm.selected(), IntGemm.scalar()}) {
                byte[] actual = new byte[exact.length];
                PreparedConv2d.of(p, wq, bias, gemm, null).run(c.batches(), xq, actual);
                assertExact(exact, actual, gemm + ": " + c + " zIn " + zIn + (extreme ? " extreme" : ""));
            }
        }
    }

    /**
     * The largest depth the bound allows, K = 65793 (1x1 convolution over 65793 channels), with
     * every product at its extreme (w = -128 or 127, |x - Z_in| = 255), the accumulator within a
     * few units of -2^31 or 2^31; both matrix-product implementations.
     */
    @Test
    void worstCaseAtTheBoundIsExact() {
        int k = KernelChecks.MAX_ACCUMULATION_DEPTH;
        int[][] cases = {{-128, 127, -128}, {127, 127, -128}, {127, -128, 127}, {-128, -128, 127}};
        for (int[] t : cases) {
            byte[] w = new byte[k];
            java.util.Arrays.fill(w, (byte) t[0]);
            byte[] x = new byte[2 * k]; // two images, the second all at Z_in
            java.util.Arrays.fill(x, 0, k, (byte) t[1]);
            java.util.Arrays.fill(x, k, 2 * k, (byte) t[2]);
            Conv2dParams p = new Conv2dParams(k, 1, 1, 1, 1, Window2d.valid(1, 1, 1, 1), t[2],
                    Requantization.perTensor(1, new QuantizedMultiplier(1 << 30, -30), 0, ActivationClamp.INT8));
            long acc = (long) t[0] * (t[1] - t[2]) * k;
            assertTrue(Math.abs(acc) > 127L * 255 * (k - 1), "at the bound: " + acc);
            List<PreparedConv2d> paths = new ArrayList<>(List.of(PreparedConv2d.of(p, w, null, IntGemm.selected(), null),
                    PreparedConv2d.of(p, w, null, IntGemm.scalar(), null)));
            for (ByteKernels bytes : KernelTestSupport.byteKernels()) {
                paths.add(PreparedConv2d.of(p, w, null, IntGemm.selected(), bytes));
            }
            for (PreparedConv2d prepared : paths) {
                byte[] out = new byte[2];
                prepared.run(2, x, out);
                byte expected = (byte) clamp(exactRequantize(acc, 1 << 30, -30), -128, 127);
                assertEquals(expected, out[0], prepared.kernelName() + ": w " + t[0] + " x " + t[1] + " Z_in " + t[2]);
                assertEquals(0, out[1]);
            }
        }
    }

    /**
     * One prepared layer shared by several threads (per-thread scratch), batches of different
     * sizes at the same time: every result equals the single-threaded one.
     */
    @Test
    void preparedLayerIsSafeForConcurrentCalls() throws Exception {
        Random rnd = new Random(0xC0C0L);
        int cin = 8;
        int cout = 12;
        Window2d win = Window2d.same(9, 9, 3, 3, 1, 1, 1, 1);
        Conv2dParams p = new Conv2dParams(cin, 9, 9, cout, 1, win, -128,
                Requantization.perTensor(cout, QuantizedMultiplier.of(0.0007), -128, new ActivationClamp(-128, 127)));
        byte[] wq = new byte[cout * p.filterSize()];
        for (int i = 0; i < wq.length; i++) {
            wq[i] = (byte) (rnd.nextInt(15) - 7);
        }
        PreparedConv2d prepared = PreparedConv2d.ofPacked4(p, PackedInt4.pack(wq), null);
        int tasks = 24;
        byte[][] inputs = new byte[tasks][];
        byte[][] expected = new byte[tasks][];
        for (int i = 0; i < tasks; i++) {
            int batches = 1 + i % 7;
            inputs[i] = new byte[batches * p.inputImageSize()];
            rnd.nextBytes(inputs[i]);
            expected[i] = new byte[batches * p.outputImageSize()];
            Conv2d.run(p, batches, inputs[i], wq, null, expected[i]);
        }
        java.util.List<byte[]> results = concurrently(tasks, i -> {
            int batches = 1 + i % 7;
            byte[] out = new byte[batches * p.outputImageSize()];
            prepared.run(batches, inputs[i], out);
            return out;
        });
        for (int r = 0; r < results.size(); r++) {
            assertExact(expected[r % tasks], results.get(r), "concurrent call " + r);
        }
    }

    @Test
    void preparedRejectsBadArguments() {
        Window2d k3 = Window2d.valid(3, 3, 1, 1);
        Requantization rq4 = Requantization.perTensor(4, QuantizedMultiplier.of(0.01), 0, ActivationClamp.INT8);
        Conv2dParams p = new Conv2dParams(4, 5, 5, 4, 2, k3, 0, rq4);
        assertThrows(IllegalArgumentException.class, () -> PreparedConv2d.of(p, new byte[71], null));
        assertThrows(IllegalArgumentException.class, () -> PreparedConv2d.ofPacked4(p, new byte[35], null));
        assertThrows(IllegalArgumentException.class, () -> PreparedConv2d.of(p, new byte[72], new int[3]));
        assertThrows(IllegalArgumentException.class,
                () -> PreparedConv2d.of(p, new byte[72], new int[] {0, 0, Integer.MAX_VALUE, 0}));
        PreparedConv2d prepared = PreparedConv2d.of(p, new byte[72], null);
        assertThrows(IllegalArgumentException.class, () -> prepared.run(1, new byte[99], new byte[36]));
        assertThrows(IllegalArgumentException.class, () -> prepared.run(1, new byte[100], new byte[35]));
        assertThrows(IllegalArgumentException.class, () -> prepared.run(0, new byte[100], new byte[36]));
        byte[] out = new byte[36];
        prepared.run(1, new byte[100], out);
        assertEquals(p, prepared.params());
    }
}
