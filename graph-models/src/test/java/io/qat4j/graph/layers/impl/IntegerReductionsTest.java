package io.qat4j.graph.layers.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.kernel.SegmentPoolParams;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.graph.layers.MessagePassing;
import io.qat4j.quant.layers.impl.ActivationQuantization;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The quantized sum aggregation against an exact reference: {@code clamp(round(K S_msg / S_aggr) + Z)}
 * with {@code K} the sum of the message codes minus their zero point, in decimal arithmetic of 34
 * digits on the float32 scales, rounded to nearest with ties toward +infinity (the integer model's
 * single rounding, {@code FixedPoint.multiplyByQuantizedMultiplier}). Its Q31 multiplier
 * represents {@code S_msg / S_aggr} within {@code 2^-31} relatively and rounds {@code K M} once, so
 * it gives the reference's code wherever {@code K S_msg / S_aggr} is farther than
 * {@code 2^-30 |K S_msg / S_aggr|} from a half code; the few sums that close are left out and counted.
 * Observer ranges are whole multiples of {@code S_msg} (the percentiles of sums of grid values), which
 * puts whole classes of sums on or next to a half code.
 */
class IntegerReductionsTest {

    private static final QuantSpec INT4 = GnnQuantSettings.degreeQuant(4, QuantSchedule.ALWAYS).activations();
    private static final QuantSpec INT8 = GnnQuantSettings.degreeQuant(8, QuantSchedule.ALWAYS).activations();

    /** A graph with messages on the grid of {@code Q_msg}, one row per node, gathered along the edges. */
    private record Graph(int nodes, int features, int[] src, int[] dst, float[] messages) {
    }

    private static INDArray state(float min, float max) {
        return Nd4j.create(new float[] {min, max, 1}, new long[] {3}, 'c');
    }

    private static AffineQuantParams params(QuantSpec spec, float min, float max) {
        return ActivationQuantization.float32Params(spec, state(min, max));
    }

    /** Random edges (a hub with {@code hubDegree} in-edges among them), random codes per node, as FloatKernels dequantizes them. */
    private static Graph graph(SplittableRandom r, int nodes, int features, int edges, int hubDegree, AffineQuantParams in) {
        int[] src = new int[edges + hubDegree];
        int[] dst = new int[edges + hubDegree];
        for (int e = 0; e < src.length; e++) {
            src[e] = r.nextInt(nodes);
            dst[e] = e < edges ? r.nextInt(nodes) : 0;
        }
        float[] m = new float[nodes * features];
        float s = (float) in.scale();
        for (int k = 0; k < m.length; k++) {
            int code = in.range().qMin() + r.nextInt(in.range().qMax() - in.range().qMin() + 1);
            m[k] = (code - in.zeroPoint()) * s;
        }
        return new Graph(nodes, features, src, dst, m);
    }

    /** The float fake quantization of the float sums, as the layers computed the aggregate before. */
    private static INDArray floatQuantized(Graph g, INDArray messages, QuantSpec spec, INDArray outState) {
        INDArray sum = MessagePassing.gatherScatterAdd(messages, g.src(), g.dst(), null, g.nodes());
        return ActivationQuantization.apply(sum, spec, QuantSchedule.ALWAYS, outState, 0, false, false).values();
    }

    /** Counts of one comparison: sums compared, near half codes (within 1e-6), left out, and codes the float path got wrong. */
    private record Tally(int compared, int nearTies, int leftOut, int floatPathWrong) {
    }

    /**
     * Runs the aggregate and checks every code against the exact reference.
     *
     * @return what was compared
     */
    private static Tally check(Graph g, QuantSpec spec, AffineQuantParams in, INDArray outState) {
        AffineQuantParams out = ActivationQuantization.float32Params(spec, outState);
        INDArray messages = Nd4j.create(g.messages(), new long[] {g.nodes(), g.features()}, 'c');
        INDArray before = floatQuantized(g, messages, spec, outState);
        float[] got = HeapArrays.floats(IntegerReductions.aggregate(before, messages, g.src(), g.dst(), null, null, in, out, "test"));
        float[] floatPath = HeapArrays.floats(before);
        long[] k = new long[g.nodes() * g.features()];
        float sIn = (float) in.scale();
        for (int e = 0; e < g.src().length; e++) {
            for (int c = 0; c < g.features(); c++) {
                k[g.dst()[e] * g.features() + c] += Math.round(g.messages()[g.src()[e] * g.features() + c] / sIn);
            }
        }
        BigDecimal ratio = new BigDecimal(sIn).divide(new BigDecimal((float) out.scale()), MathContext.DECIMAL128);
        BigDecimal[] exact = new BigDecimal[k.length];
        for (int i = 0; i < k.length; i++) {
            exact[i] = ratio.multiply(BigDecimal.valueOf(k[i]), MathContext.DECIMAL128);
        }
        return compare(exact, got, floatPath, out, g.features(), "aggregate");
    }

    /**
     * Checks codes against exact real values {@code v} of {@code K S_in / S_out}: the code is
     * {@code clamp(floor(v + 1/2) + Z_out)}, except within the multiplier's precision of a half code.
     */
    private static Tally compare(BigDecimal[] exact, float[] got, float[] floatPath, AffineQuantParams out, int features,
                                 String what) {
        int compared = 0;
        int nearTies = 0;
        int leftOut = 0;
        int floatPathWrong = 0;
        for (int i = 0; i < exact.length; i++) {
            BigDecimal v = exact[i];
            BigDecimal fromHalf = v.subtract(v.setScale(0, RoundingMode.FLOOR)).subtract(new BigDecimal("0.5")).abs();
            if (fromHalf.doubleValue() < 1e-6) {
                nearTies++;
            }
            if (fromHalf.doubleValue() != 0 && fromHalf.doubleValue() <= Math.scalb(Math.abs(v.doubleValue()), -30)) {
                leftOut++;
                continue;
            }
            int expected = out.range().clamp(v.add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).longValueExact()
                    + out.zeroPoint());
            int code = Math.round(got[i] / (float) out.scale()) + out.zeroPoint();
            assertEquals(expected, code, what + " " + v + " of row " + i / features + " channel " + i % features
                    + " (S_out " + (float) out.scale() + ")");
            assertEquals((expected - out.zeroPoint()) * (float) out.scale(), got[i], "value on the grid as FloatKernels dequantizes");
            floatPathWrong += Math.round(floatPath[i] / (float) out.scale()) + out.zeroPoint() == expected ? 0 : 1;
            compared++;
        }
        return new Tally(compared, nearTies, leftOut, floatPathWrong);
    }

    /**
     * The ranges measured on the last GIN layer of a MUTAG Degree-Quant INT4 run (fold 4), where
     * {@code S_aggr = 2 S_msg} in float32 puts every odd sum on a half code: the float path rounds
     * the negative ones away from zero to the other code, the integer codes match the reference.
     */
    @Test
    void theMeasuredTiesOfAMutagGinLayerGetTheIntegerModelsCodes() {
        AffineQuantParams in = params(INT4, -1.2904630899429321f, 3.5487735271453857f);
        INDArray outState = state(-2.9035420417785645f, 6.77493143081665f);
        Graph g = graph(new SplittableRandom(4), 60, 16, 150, 0, in);
        Tally t = check(g, INT4, in, outState);
        assertTrue(t.nearTies() > 100, "odd sums on a half code: " + t);
        assertTrue(t.floatPathWrong() > 100, "the float path rounds them the other way: " + t);
        assertEquals(0, t.leftOut(), "none within the multiplier's precision: " + t);
    }

    /**
     * Seeded random grids at 4 and 8 bits: the aggregate's range whole multiples of {@code S_msg}
     * (so half codes are met) and arbitrary ones, zero points anywhere, and a hub of 3000 in-edges
     * whose sums clamp at both ends of the range.
     */
    @Test
    void randomGridsAndRangesGiveTheExactCodes() {
        SplittableRandom r = new SplittableRandom(20261202);
        int nearTies = 0;
        for (int trial = 0; trial < 60; trial++) {
            QuantSpec spec = trial % 2 == 0 ? INT4 : INT8;
            float width = (float) (0.05 + 10 * r.nextDouble());
            float lo = (float) (-width * r.nextDouble());
            AffineQuantParams in = params(spec, lo, lo + width);
            double sIn = (float) in.scale();
            int levels = spec.range().qMax() - spec.range().qMin();
            float outMin;
            float outMax;
            if (trial % 3 != 2) {
                int a = -r.nextInt(4 * levels);
                int b = a + levels * (1 + r.nextInt(4)) + (trial % 3 == 0 ? 0 : r.nextInt(levels));
                outMin = (float) (Math.min(a, 0) * sIn);
                outMax = (float) (Math.max(b, 1) * sIn);
            } else {
                outMin = (float) (-r.nextDouble() * 20 * width);
                outMax = (float) (r.nextDouble() * 20 * width + 0.01);
            }
            Graph g = graph(r, 40, 8, 120, trial % 10 == 0 ? 3000 : 0, in);
            Tally t = check(g, spec, in, state(outMin, outMax));
            assertTrue(t.compared() > 0.99 * g.nodes() * g.features(), "compared " + t);
            nearTies += t.nearTies();
        }
        assertTrue(nearTies > 500, "half codes met: " + nearTies);
    }

    /**
     * Rows that Degree-Quant keeps in float (protected nodes) and rows that receive a protected
     * node's float message keep the float fake quantization; the other rows take the integer codes.
     */
    @Test
    void protectedRowsAndRowsWithFloatMessagesKeepTheFloatQuantization() {
        AffineQuantParams in = params(INT4, -1.2904630899429321f, 3.5487735271453857f);
        INDArray outState = state(-2.9035420417785645f, 6.77493143081665f);
        AffineQuantParams out = ActivationQuantization.float32Params(INT4, outState);
        Graph g = graph(new SplittableRandom(7), 30, 8, 90, 0, in);
        boolean[] protectedNodes = new boolean[g.nodes()];
        protectedNodes[3] = true;
        protectedNodes[11] = true;
        float[] m = g.messages().clone();
        for (int c = 0; c < g.features(); c++) {
            m[3 * g.features() + c] += 0.0123f; // a protected row's message is off the grid
        }
        INDArray messages = Nd4j.create(m, new long[] {g.nodes(), g.features()}, 'c');
        INDArray before = floatQuantized(g, messages, INT4, outState);
        INDArray after = IntegerReductions.aggregate(before, messages, g.src(), g.dst(), protectedNodes, protectedNodes, in, out,
                "test");
        INDArray exact = IntegerReductions.aggregate(floatQuantized(g, Nd4j.create(g.messages(), new long[] {g.nodes(), g.features()},
                'c'), INT4, outState), Nd4j.create(g.messages(), new long[] {g.nodes(), g.features()}, 'c'), g.src(), g.dst(),
                null, null, in, out, "test");
        boolean[] keepsFloat = protectedNodes.clone();
        for (int e = 0; e < g.src().length; e++) {
            keepsFloat[g.dst()[e]] |= protectedNodes[g.src()[e]];
        }
        int kept = 0;
        for (int i = 0; i < g.nodes(); i++) {
            INDArray expected = (keepsFloat[i] ? before : exact).getRow(i);
            assertEquals(expected, after.getRow(i), "node " + i + (keepsFloat[i] ? " (float)" : " (integer)"));
            kept += keepsFloat[i] ? 1 : 0;
        }
        assertTrue(kept > 2 && kept < g.nodes() - 5, "rows of both kinds: " + kept);
    }

    /**
     * Graph pooling of node codes, seeded random graphs of 1 to 40 nodes (one of 3000), at 4 and 8
     * bits, output ranges whole multiples of the input grid or arbitrary: sum {@code K S_in / S_out},
     * max {@code (max q - Z_in) S_in / S_out}, and mean {@code m S_in / (S_out 2^16)} with
     * {@code m = round(K 2^16 / n)} half away from zero (the integer mean's 16 fraction bits).
     */
    @Test
    void poolingGivesTheIntegerModelsCodes() {
        SplittableRandom r = new SplittableRandom(17);
        int nearTies = 0;
        for (int trial = 0; trial < 36; trial++) {
            QuantSpec spec = trial % 2 == 0 ? INT4 : INT8;
            SegmentPoolParams.Reduction reduction = SegmentPoolParams.Reduction.values()[trial % 3];
            float lo = (float) (-3 * r.nextDouble());
            AffineQuantParams in = params(spec, lo, lo + (float) (0.1 + 5 * r.nextDouble()));
            float sIn = (float) in.scale();
            int levels = spec.range().qMax() - spec.range().qMin();
            int a = -r.nextInt(3 * levels);
            int b = a + levels * (1 + r.nextInt(3)) + (trial % 4 == 0 ? r.nextInt(levels) : 0);
            INDArray outState = state((float) (Math.min(a, 0) * (double) sIn), (float) (Math.max(b, 1) * (double) sIn));
            AffineQuantParams out = ActivationQuantization.float32Params(spec, outState);
            int graphs = 12;
            int[] sizes = new int[graphs];
            int nodes = 0;
            for (int g = 0; g < graphs; g++) {
                sizes[g] = trial % 6 == 0 && g == 0 ? 3000 : 1 + r.nextInt(40);
                nodes += sizes[g];
            }
            int f = 6;
            int[] ids = new int[nodes];
            int[] codes = new int[nodes * f];
            float[] x = new float[nodes * f];
            for (int g = 0, i = 0; g < graphs; g++) {
                for (int j = 0; j < sizes[g]; j++, i++) {
                    ids[i] = g;
                    for (int c = 0; c < f; c++) {
                        codes[i * f + c] = in.range().qMin() + r.nextInt(levels + 1);
                        x[i * f + c] = (codes[i * f + c] - in.zeroPoint()) * sIn;
                    }
                }
            }
            BigDecimal ratio = new BigDecimal(sIn).divide(new BigDecimal((float) out.scale()), MathContext.DECIMAL128);
            BigDecimal[] exact = new BigDecimal[graphs * f];
            for (int g = 0, first = 0; g < graphs; first += sizes[g], g++) {
                for (int c = 0; c < f; c++) {
                    long sum = 0;
                    int max = Integer.MIN_VALUE;
                    for (int i = first; i < first + sizes[g]; i++) {
                        sum += codes[i * f + c] - in.zeroPoint();
                        max = Math.max(max, codes[i * f + c] - in.zeroPoint());
                    }
                    BigDecimal v = switch (reduction) {
                        case SUM -> BigDecimal.valueOf(sum);
                        case MAX -> BigDecimal.valueOf(max);
                        case MEAN -> BigDecimal.valueOf(sum).multiply(BigDecimal.valueOf(1 << 16))
                                .divide(BigDecimal.valueOf(sizes[g]), 0, RoundingMode.HALF_UP)
                                .divide(BigDecimal.valueOf(1 << 16));
                    };
                    exact[g * f + c] = v.multiply(ratio, MathContext.DECIMAL128);
                }
            }
            INDArray xs = Nd4j.create(x, new long[] {nodes, f}, 'c');
            INDArray before = ActivationQuantization.apply(Nd4j.zeros(DataType.FLOAT, graphs, f), spec, QuantSchedule.ALWAYS,
                    outState, 0, false, false).values();
            float[] got = HeapArrays.floats(IntegerReductions.pool(before, xs, ids, reduction, in, out, "test"));
            Tally t = compare(exact, got, got, out, f, reduction.name());
            assertTrue(t.compared() > 0.95 * graphs * f, "compared " + t);
            nearTies += t.nearTies();
        }
        assertTrue(nearTies > 30, "half codes met: " + nearTies);
    }

    @Test
    void otherDataTypesKeepTheFloatQuantization() {
        AffineQuantParams in = params(INT8, -1f, 3f);
        INDArray q = Nd4j.rand(DataType.DOUBLE, 4, 3);
        assertEquals(q, IntegerReductions.aggregate(q, Nd4j.rand(DataType.DOUBLE, 4, 3), null, new int[] {0, 1}, null, null, in, in,
                "test"));
        assertEquals(q, IntegerReductions.pool(q, Nd4j.rand(DataType.DOUBLE, 4, 3), new int[] {0, 1, 2, 3},
                SegmentPoolParams.Reduction.SUM, in, in, "test"));
    }
}
