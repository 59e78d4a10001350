package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.activation;
import static io.qat4j.executor.kernel.KernelTestSupport.assertExact;
import static io.qat4j.executor.kernel.KernelTestSupport.exactOutput;
import static io.qat4j.executor.kernel.KernelTestSupport.quantize;
import static io.qat4j.executor.kernel.KernelTestSupport.roundedDivide;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.kernel.SegmentPoolParams.Reduction;
import io.qat4j.executor.prep.GraphOpParams;
import io.qat4j.executor.quant.AffineQuantParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SegmentPool}: graph ids checked with the node named; sum, mean and max against the float
 * golden where it is exact and against the exact integer reference on seeded random batches
 * (sums in long, the mean as {@code sum 2^16 / n} rounded half away from zero by BigDecimal, the
 * requantization from its definition); the mean within one code of the real mean (the proof:
 * the 16 fraction bits put the mean within {@code 2^-17} input steps of the exact value, the Q31
 * multiplier is within {@code 2^-31} relative of the real ratio, and the output rounds once, so
 * the result is the rounding of a value within {@code 0.01} code of the real one); the sum's bound
 * enforced per graph.
 */
class SegmentPoolTest {

    static byte[] reference(Reduction reduction, byte[] x, int f, int zIn, int[] ids, int graphs, Requantization r) {
        byte[] out = new byte[graphs * f];
        for (int g = 0; g < graphs; g++) {
            for (int k = 0; k < f; k++) {
                long sum = 0;
                int max = Integer.MIN_VALUE;
                int n = 0;
                for (int i = 0; i < ids.length; i++) {
                    if (ids[i] == g) {
                        sum += x[i * f + k] - zIn;
                        max = Math.max(max, x[i * f + k]);
                        n++;
                    }
                }
                long v = switch (reduction) {
                    case SUM -> sum;
                    case MEAN -> roundedDivide(sum << 16, n);
                    case MAX -> max - zIn;
                };
                out[g * f + k] = exactOutput(v, r, 0);
            }
        }
        return out;
    }

    static int[] randomIds(Random rnd, int nodes) {
        int[] ids = new int[nodes];
        for (int i = 1; i < nodes; i++) {
            ids[i] = ids[i - 1] + (rnd.nextInt(3) == 0 ? 1 : 0);
        }
        return ids;
    }

    @Test
    void graphIdsStartAtZeroAndRiseByAtMostOne() {
        assertEquals(3, SegmentPool.graphCount("p", new int[] {0, 0, 1, 1, 1, 2}));
        assertEquals(1, SegmentPool.graphCount("p", new int[] {0}));
        assertEquals(0, SegmentPool.graphCount("p", new int[0]));
        InputDataException e = assertThrows(InputDataException.class, () -> SegmentPool.graphCount("segment_pool 'r'", new int[] {1, 1}));
        assertTrue(e.getMessage().startsWith("segment_pool 'r': node 0 has graph id 1; graph ids must start at 0"), e.getMessage());
        e = assertThrows(InputDataException.class, () -> SegmentPool.graphCount("p", new int[] {0, 0, 2}));
        assertTrue(e.getMessage().startsWith("p: node 2 has graph id 2 after 0;"), e.getMessage());
        e = assertThrows(InputDataException.class, () -> SegmentPool.graphCount("p", new int[] {0, 1, 0}));
        assertTrue(e.getMessage().startsWith("p: node 2 has graph id 0 after 1;"), e.getMessage());
    }

    /** S_in = S_out = 0.5 (mean: S_in / (S_out 2^16) is a power of two); every golden is a multiple of 0.5. */
    @Test
    void sumMeanAndMaxMatchTheFloatGoldenExactly() {
        AffineQuantParams in = activation(0.5, -3);
        AffineQuantParams out = activation(0.5, 4);
        double[] x = {1, -2, 3, 0.5, /**/ -4, 6, /**/ 2.5, 2.5, 7, -1.5};
        int[] ids = {0, 0, 0, 0, 1, 1, 2, 2, 2, 2}; // F = 1: four, two and four nodes
        double[][] golden = {{2.5, 2, 10.5}, {0.625, 1, 2.625}, {3, 6, 7}};
        Reduction[] reductions = {Reduction.SUM, Reduction.MEAN, Reduction.MAX};
        for (int k = 0; k < 3; k++) {
            Requantization r = GraphOpParams.segmentPool(reductions[k], in.scale(), out, ActivationClamp.INT8);
            byte[] y = new byte[3];
            SegmentPool.run(new SegmentPoolParams(reductions[k], 1, in.zeroPoint(), r), "p", quantize(x, in), ids, 3, y);
            // the means 0.625 and 2.625 are 1.25 and 5.25 output steps: both sides round them to 1 and 5
            assertExact(quantize(golden[k], out), y, reductions[k].name());
        }
    }

    @Test
    void randomBatchesMatchTheExactReference() {
        Random rnd = new Random(31);
        for (int round = 0; round < 300; round++) {
            Reduction reduction = Reduction.values()[round % 3];
            int nodes = 1 + rnd.nextInt(40);
            int f = 1 + rnd.nextInt(5);
            int[] ids = randomIds(rnd, nodes);
            int graphs = SegmentPool.graphCount("p", ids);
            byte[] x = new byte[nodes * f];
            rnd.nextBytes(x);
            int zIn = rnd.nextInt(256) - 128;
            AffineQuantParams out = activation(0.005 + rnd.nextDouble() * 0.5, rnd.nextInt(256) - 128);
            Requantization r = GraphOpParams.segmentPool(reduction, 0.01 + rnd.nextDouble() * 0.1, out, ActivationClamp.INT8);
            byte[] y = new byte[graphs * f];
            SegmentPool.run(new SegmentPoolParams(reduction, f, zIn, r), "p", x, ids, graphs, y);
            assertArrayEquals(reference(reduction, x, f, zIn, ids, graphs, r), y, reduction + " round " + round);
        }
    }

    @Test
    void theMeanIsWithinOneCodeOfTheRealMean() {
        Random rnd = new Random(5);
        for (int round = 0; round < 2000; round++) {
            int n = 1 + rnd.nextInt(300);
            byte[] x = new byte[n];
            rnd.nextBytes(x);
            AffineQuantParams in = activation(0.02 + rnd.nextDouble() * 0.05, rnd.nextInt(256) - 128);
            AffineQuantParams out = activation(in.scale() * (0.2 + rnd.nextDouble()), rnd.nextInt(100) - 50);
            Requantization r = GraphOpParams.segmentPool(Reduction.MEAN, in.scale(), out, ActivationClamp.INT8);
            byte[] y = new byte[1];
            SegmentPool.run(new SegmentPoolParams(Reduction.MEAN, 1, in.zeroPoint(), r), "p", x, new int[n], 1, y);
            double mean = 0;
            for (byte v : x) {
                mean += in.dequantize(v) / n;
            }
            assertTrue(Math.abs(y[0] - out.quantize(mean)) <= 1, "round " + round + ": " + y[0] + " vs " + out.quantize(mean));
        }
    }

    /** Boundary codes: all -128 with Z_in = 127 (offset -255) and all 127 with Z_in = -128 (offset 255). */
    @Test
    void extremeOffsetsAtTheLargestLeftShiftsTheBoundsAllow() {
        // mean: |mean| <= 255 * 2^16 < 2^24, so a left shift of 7 still fits; 8 does not
        Requantization meanShift7 = Requantization.perTensor(1, new QuantizedMultiplier(1 << 30, 7), 0, ActivationClamp.INT8);
        assertThrows(IllegalArgumentException.class, () -> new SegmentPoolParams(Reduction.MEAN, 1, 0,
                Requantization.perTensor(1, new QuantizedMultiplier(1 << 30, 8), 0, ActivationClamp.INT8)));
        List<byte[]> inputs = new ArrayList<>();
        inputs.add(new byte[] {-128, -128, -128});
        inputs.add(new byte[] {127, 127, 127});
        int[] ids = {0, 0, 0};
        for (byte[] x : inputs) {
            int zIn = x[0] == -128 ? 127 : -128;
            for (Reduction reduction : Reduction.values()) {
                Requantization r = reduction == Reduction.MEAN ? meanShift7
                        : Requantization.perTensor(1, new QuantizedMultiplier(1 << 30, 0), 0, ActivationClamp.INT8);
                byte[] y = new byte[1];
                SegmentPool.run(new SegmentPoolParams(reduction, 1, zIn, r), "p", x, ids, 1, y);
                assertArrayEquals(reference(reduction, x, 1, zIn, ids, 1, r), y, reduction + " of " + x[0]);
            }
        }
        // sum: with a left shift of 20, graphs of at most floor(2047 / 255) = 8 nodes
        SegmentPoolParams sum = new SegmentPoolParams(Reduction.SUM, 1, 0,
                Requantization.perTensor(1, new QuantizedMultiplier(1 << 30, 20), 0, ActivationClamp.INT8));
        assertEquals(8, sum.maxGraphSize());
        byte[] y = new byte[2];
        SegmentPool.run(sum, "p", new byte[9], new int[] {0, 0, 0, 0, 0, 0, 0, 0, 1}, 2, y);
        InputDataException e = assertThrows(InputDataException.class,
                () -> SegmentPool.run(sum, "segment_pool 'r'", new byte[9], new int[9], 1, new byte[1]));
        assertTrue(e.getMessage().startsWith("segment_pool 'r': graph 0 has 9 nodes; the int32 accumulator bound 255 x nodes x 2^20"
                + " <= 2^31 - 1 of the sum allows at most 8"), e.getMessage());
    }
}
