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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.kernel.gemm.IntGemm;
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
     * within 1 (the int32 bias and the Q31 multiplier may move a value across a .5 boundary).
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
     * One prepared layer reused with batches of different sizes (its per-thread buffers grown for the
     * larger ones and then reused, partly, by the smaller): each result equals that of a layer used
     * once ({@link FullyConnected#run}, buffers of its own).
     */
    @Test
    void preparedLayerReusedAcrossBatchSizesGivesTheSameBytes() {
        Random rnd = new Random(0xB10CL);
        int k = 70;
        int o = 40;
        byte[] wq = new byte[o * k];
        rnd.nextBytes(wq);
        int[] bq = new int[o];
        for (int c = 0; c < o; c++) {
            bq[c] = rnd.nextInt(20001) - 10000;
        }
        FullyConnectedParams p = new FullyConnectedParams(k, o, -3,
                Requantization.perTensor(o, QuantizedMultiplier.of(0.0007), 5, ActivationClamp.INT8));
        PreparedFullyConnected layer = PreparedFullyConnected.of(p, wq, bq);
        for (int n : new int[] {1, 130, 7, 64, 65, 2}) {
            byte[] xq = new byte[n * k];
            rnd.nextBytes(xq);
            byte[] once = new byte[n * o];
            FullyConnected.run(p, n, xq, wq, bq, once);
            byte[] reused = new byte[n * o];
            layer.run(n, xq, reused);
            assertExact(once, reused, "batch " + n);
            int[] accOnce = new int[n * o];
            FullyConnected.accumulators(p, n, xq, wq, bq, accOnce);
            int[] accReused = new int[n * o];
            layer.accumulators(n, xq, accReused);
            org.junit.jupiter.api.Assertions.assertArrayEquals(accOnce, accReused, "accumulators, batch " + n);
        }
    }

    /**
     * 4-bit weights (the Java path's product then sums runs of products in 16-bit fields, see
     * {@link IntGemm#multiplyAddBounded}): the int32 accumulators equal the exact long reference,
     * with every weight at -8 and every input at the far end from {@code Z_in} (each run at its
     * 16-bit limit), and on seeded random data; batches and output depths that fill the packed
     * blocks and leave remainders of them; zero points at the int8 extremes and random.
     */
    @Test
    void fourBitWeightsGiveTheExactAccumulators() {
        Random rnd = new Random(0x4B17L);
        int[][] shapes = {{8, 16, 64}, {9, 17, 32}, {64, 300, 128}, {70, 33, 100}, {16, 600, 96}, {8, 1, 33}};
        for (int t = 0; t < 4 * shapes.length; t++) {
            int[] s = shapes[t % shapes.length];
            int n = s[0];
            int k = s[1];
            int o = s[2];
            boolean extreme = t < shapes.length;
            int zIn = switch (t % 3) {
                case 0 -> -128;
                case 1 -> 127;
                default -> rnd.nextInt(256) - 128;
            };
            byte[] xq = new byte[n * k];
            byte[] wq = new byte[o * k];
            for (int i = 0; i < xq.length; i++) {
                xq[i] = (byte) (extreme ? (zIn < 0 ? 127 : -128) : rnd.nextInt(256) - 128);
            }
            for (int i = 0; i < wq.length; i++) {
                wq[i] = (byte) (extreme ? -8 : rnd.nextInt(16) - 8);
            }
            int[] bq = new int[o];
            for (int c = 0; c < o; c++) {
                bq[c] = rnd.nextInt(200001) - 100000;
            }
            FullyConnectedParams p = new FullyConnectedParams(k, o, zIn, null);
            int[] exact = new int[n * o];
            for (int bi = 0; bi < n; bi++) {
                for (int c = 0; c < o; c++) {
                    long acc = bq[c];
                    for (int i = 0; i < k; i++) {
                        acc += (long) wq[c * k + i] * (xq[bi * k + i] - zIn);
                    }
                    exact[bi * o + c] = Math.toIntExact(acc);
                }
            }
            for (IntGemm gemm : new IntGemm[] {IntGemm.selected(), IntGemm.scalar()}) {
                int[] actual = new int[n * o];
                PreparedFullyConnected.of(p, wq, bq, gemm, null).accumulators(n, xq, actual);
                org.junit.jupiter.api.Assertions.assertArrayEquals(exact, actual,
                        gemm + ": " + n + "x" + k + "x" + o + " zIn " + zIn + (extreme ? " extreme" : ""));
            }
        }
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

    // ---- PreparedFullyConnected (IntGemm over the transposed weights) ----

    /**
     * Seeded random shapes: depths 1-400 (and one of 3136), 1-140 outputs, batches 1-20, and one of
     * 150 (blocks of 64 examples and a remainder); weights of
     * three kinds (4-bit container with zeros, full int8, int8 on a few values); random zero
     * points with many inputs equal to Z_in (skipped), bias or none, per-channel multipliers (some
     * above 1), full, ReLU-like and narrower clamps. Requantized outputs and raw accumulators of
     * {@link PreparedFullyConnected} and of the static entry points (packed and unpacked) equal the
     * long / BigInteger reference bit for bit, also when the prepared layer is run again, with the
     * selected matrix product and with the scalar one.
     */
    @Test
    void preparedMatchesExactReferenceOnRandomShapes() {
        Random rnd = new Random(0xFCFCL);
        for (int t = 0; t < 120; t++) {
            int weightKind = t % 3;
            int k = t == 7 ? 3136 : 1 + rnd.nextInt(rnd.nextBoolean() ? 20 : 400);
            int o = t == 7 ? 128 : 1 + rnd.nextInt(140);
            int n = t == 11 ? 150 : 1 + rnd.nextInt(20);
            byte[] w = new byte[o * k];
            int[] few = {rnd.nextInt(256) - 128, rnd.nextInt(256) - 128, rnd.nextInt(17) - 8};
            for (int i = 0; i < w.length; i++) {
                w[i] = (byte) switch (weightKind) {
                    case 0 -> rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(16) - 8;
                    case 1 -> rnd.nextInt(256) - 128;
                    default -> rnd.nextInt(6) == 0 ? 0 : few[rnd.nextInt(3)];
                };
            }
            int zIn = rnd.nextInt(256) - 128;
            byte[] x = new byte[n * k];
            for (int i = 0; i < x.length; i++) {
                x[i] = (byte) (rnd.nextBoolean() ? zIn : rnd.nextInt(256) - 128);
            }
            boolean leftShift = 128L * 255 * k * 2 + 2000 <= Integer.MAX_VALUE && rnd.nextInt(6) == 0;
            int[] bias = rnd.nextInt(4) == 0 ? null : new int[o];
            int[] m = new int[o];
            int[] shifts = new int[o];
            for (int c = 0; c < o; c++) {
                if (bias != null) {
                    bias[c] = leftShift ? rnd.nextInt(2001) - 1000 : rnd.nextInt(400001) - 200000;
                }
                QuantizedMultiplier q = QuantizedMultiplier.of(leftShift ? 1 + rnd.nextDouble()
                        : (0.2 + rnd.nextDouble()) * 60 / (128.0 * 64 * Math.sqrt(k)));
                m[c] = q.multiplier();
                shifts[c] = q.shift();
            }
            int zOut = rnd.nextInt(256) - 128;
            ActivationClamp act = switch (rnd.nextInt(5)) {
                case 0 -> ActivationClamp.INT8;
                case 1 -> new ActivationClamp(zOut, 127);
                case 2 -> new ActivationClamp(Math.max(-128, zOut - 1), 127); // just below the shortcut
                case 3 -> new ActivationClamp(Math.min(127, zOut + 1), 127);
                default -> {
                    int lo = rnd.nextInt(200) - 128;
                    yield new ActivationClamp(lo, lo + rnd.nextInt(128 - lo));
                }
            };
            Requantization rq = new Requantization(m, shifts, zOut, act);
            FullyConnectedParams p = new FullyConnectedParams(k, o, zIn, rq);
            FullyConnectedParams raw = new FullyConnectedParams(k, o, zIn, null);

            int[] exactAcc = new int[n * o];
            byte[] exact = new byte[n * o];
            for (int b = 0; b < n; b++) {
                for (int c = 0; c < o; c++) {
                    long acc = bias == null ? 0 : bias[c];
                    for (int i = 0; i < k; i++) {
                        acc += (long) w[c * k + i] * (x[b * k + i] - zIn);
                    }
                    exactAcc[b * o + c] = Math.toIntExact(acc);
                    exact[b * o + c] = (byte) clamp(exactRequantize(acc, m[c], shifts[c]) + zOut, act.min(), act.max());
                }
            }
            String what = "case " + t + ": K " + k + " O " + o + " N " + n + " weights " + weightKind + " " + act;

            PreparedFullyConnected prepared = PreparedFullyConnected.of(p, w, bias);
            byte[] actual = new byte[n * o];
            prepared.run(n, x, actual);
            assertExact(exact, actual, "prepared (" + IntGemm.selected() + "), " + what);
            byte[] scalar = new byte[n * o];
            PreparedFullyConnected.of(p, w, bias, IntGemm.scalar(), null).run(n, x, scalar);
            assertExact(exact, scalar, "prepared (scalar), " + what);
            for (ByteKernels bytes : KernelTestSupport.byteKernels()) {
                byte[] viaCodes = new byte[n * o];
                PreparedFullyConnected.of(p, w, bias, IntGemm.selected(), bytes).run(n, x, viaCodes);
                assertExact(exact, viaCodes, "prepared (" + bytes + "), " + what);
                int[] codesAcc = new int[n * o];
                PreparedFullyConnected.of(raw, w, bias, IntGemm.selected(), bytes).accumulators(n, x, codesAcc);
                assertArrayEquals(exactAcc, codesAcc, "prepared raw layer (" + bytes + "), " + what);
            }
            int[] acc = new int[n * o];
            prepared.accumulators(n, x, acc);
            assertArrayEquals(exactAcc, acc, "prepared accumulators, " + what);
            byte[] viaStatic = new byte[n * o];
            FullyConnected.run(p, n, x, w, bias, viaStatic);
            assertExact(exact, viaStatic, "FullyConnected.run, " + what);
            int[] rawAcc = new int[n * o];
            FullyConnected.accumulators(raw, n, x, w, bias, rawAcc);
            assertArrayEquals(exactAcc, rawAcc, "FullyConnected.accumulators, " + what);
            PreparedFullyConnected.of(raw, w, bias).accumulators(n, x, rawAcc);
            assertArrayEquals(exactAcc, rawAcc, "prepared raw layer, " + what);
            // the same prepared layer again with a smaller batch: the last example alone
            byte[] last = new byte[o];
            prepared.run(1, java.util.Arrays.copyOfRange(x, (n - 1) * k, n * k), last);
            assertExact(java.util.Arrays.copyOfRange(exact, (n - 1) * o, n * o), last, "last example again, " + what);
            if (weightKind == 0) {
                byte[] packed = PackedInt4.pack(w);
                byte[] fromPacked = new byte[n * o];
                FullyConnected.runPacked4(p, n, x, packed, bias, fromPacked);
                assertExact(exact, fromPacked, "runPacked4, " + what);
                PreparedFullyConnected.ofPacked4(p, packed, bias).run(n, x, fromPacked);
                assertExact(exact, fromPacked, "prepared packed, " + what);
                FullyConnected.accumulatorsPacked4(raw, n, x, packed, bias, rawAcc);
                assertArrayEquals(exactAcc, rawAcc, "accumulatorsPacked4, " + what);
                PreparedFullyConnected.ofPacked4(raw, packed, bias).accumulators(n, x, rawAcc);
                assertArrayEquals(exactAcc, rawAcc, "prepared packed accumulators, " + what);
            }
        }
    }

    /** One prepared layer shared by several threads, batches of different sizes: single-threaded results. */
    @Test
    void preparedLayerIsSafeForConcurrentCalls() throws Exception {
        Random rnd = new Random(0xFC0CL);
        int k = 300;
        int o = 50;
        byte[] w = new byte[o * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (rnd.nextInt(15) - 7);
        }
        FullyConnectedParams p = new FullyConnectedParams(k, o, -128, null);
        PreparedFullyConnected prepared = PreparedFullyConnected.of(p, w, null);
        int tasks = 24;
        byte[][] inputs = new byte[tasks][];
        int[][] expected = new int[tasks][];
        for (int i = 0; i < tasks; i++) {
            int n = 1 + i % 11;
            inputs[i] = new byte[n * k];
            rnd.nextBytes(inputs[i]);
            expected[i] = new int[n * o];
            FullyConnected.accumulators(p, n, inputs[i], w, null, expected[i]);
        }
        java.util.List<int[]> results = concurrently(tasks, i -> {
            int n = 1 + i % 11;
            int[] out = new int[n * o];
            prepared.accumulators(n, inputs[i], out);
            return out;
        });
        for (int r = 0; r < results.size(); r++) {
            assertArrayEquals(expected[r % tasks], results.get(r), "concurrent call " + r);
        }
    }

    @Test
    void preparedRejectsBadArguments() {
        Requantization rq = Requantization.perTensor(3, QuantizedMultiplier.of(0.01), 0, ActivationClamp.INT8);
        FullyConnectedParams p = new FullyConnectedParams(4, 3, 0, rq);
        assertThrows(IllegalArgumentException.class, () -> PreparedFullyConnected.of(p, new byte[11], null));
        assertThrows(IllegalArgumentException.class, () -> PreparedFullyConnected.ofPacked4(p, new byte[5], null));
        assertThrows(IllegalArgumentException.class, () -> PreparedFullyConnected.of(p, new byte[12], new int[2]));
        assertThrows(IllegalArgumentException.class,
                () -> PreparedFullyConnected.of(p, new byte[12], new int[] {0, Integer.MAX_VALUE, 0}));
        PreparedFullyConnected prepared = PreparedFullyConnected.of(p, new byte[12], null);
        assertThrows(IllegalArgumentException.class, () -> prepared.run(2, new byte[7], new byte[6]));
        assertThrows(IllegalArgumentException.class, () -> prepared.run(2, new byte[8], new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> prepared.run(0, new byte[8], new byte[6]));
        assertThrows(IllegalArgumentException.class, () -> prepared.accumulators(2, new byte[8], new int[5]));
        FullyConnectedParams raw = new FullyConnectedParams(4, 3, 0, null);
        assertThrows(IllegalArgumentException.class,
                () -> PreparedFullyConnected.of(raw, new byte[12], null).run(1, new byte[4], new byte[3]),
                "a layer without requantization only has raw accumulators");
        assertEquals(p, prepared.params());
    }
}
