package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.activation;
import static io.qat4j.executor.kernel.KernelTestSupport.assertExact;
import static io.qat4j.executor.kernel.KernelTestSupport.exactOutput;
import static io.qat4j.executor.kernel.KernelTestSupport.quantize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.prep.GraphOpParams;
import io.qat4j.executor.quant.AffineQuantParams;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link WeightedAggregate} and {@link WeightedGather}: an exact float golden, seeded random multi-head graphs against the
 * exact integer reference ({@code sum (w - Z_w)(x - Z_in)} per target and head in long, the
 * requantization from its definition), int8, unsigned and 16-bit weight codes at their extremes,
 * and the weight-sum bound enforced with the node and head named; each per-edge message of
 * {@link WeightedGather} equals the aggregation of that edge alone.
 */
class WeightedAggregateTest {

    static byte[] reference(WeightedAggregateParams p, byte[] x, int nodes, int[] source, int[] target, int[] w) {
        int f = p.features();
        int c = p.channelsPerHead();
        long[] acc = new long[nodes * f];
        for (int e = 0; e < target.length; e++) {
            for (int k = 0; k < f; k++) {
                acc[target[e] * f + k] += (long) (w[e * p.heads() + k / c] - p.weightZeroPoint()) * (x[source[e] * f + k] - p.inputZeroPoint());
            }
        }
        byte[] out = new byte[nodes * f];
        for (int i = 0; i < out.length; i++) {
            out[i] = exactOutput(acc[i], p.requantization(), 0);
        }
        return out;
    }

    /** Weights of scale 2^-2 (codes 0..4), features of scale 0.5, output 0.125: every product and sum is exact. */
    @Test
    void weightedSumsMatchTheFloatGoldenExactly() {
        AffineQuantParams in = activation(0.5, 2);
        AffineQuantParams out = activation(0.125, -1);
        double[] x = {1, -2, /**/ 3, 0.5, /**/ -1.5, 4}; // 3 nodes, 1 head of 2 channels
        int[] source = {0, 1, 2, 2};
        int[] target = {1, 1, 0, 2};
        int[] w = {1, 3, 4, 2}; // alpha = 0.25, 0.75, 1, 0.5
        double[] golden = {-1.5, 4, 0.25 * 1 + 0.75 * 3, 0.25 * -2 + 0.75 * 0.5, 0.5 * -1.5, 0.5 * 4};
        Requantization r = GraphOpParams.weightedAggregate(0.25, in.scale(), out, ActivationClamp.INT8);
        WeightedAggregateParams p = new WeightedAggregateParams(1, 2, in.zeroPoint(), 0, r);
        byte[] y = new byte[6];
        WeightedAggregate.run(p, "w", quantize(x, in), 3, source, target, w, y);
        assertExact(quantize(golden, out), y, "weighted aggregation");
    }

    @Test
    void randomMultiHeadGraphsMatchTheExactReference() {
        Random rnd = new Random(99);
        for (int round = 0; round < 300; round++) {
            int heads = 1 + rnd.nextInt(3);
            int c = 1 + rnd.nextInt(4);
            int nodes = 1 + rnd.nextInt(25);
            int edges = rnd.nextInt(80);
            int kind = round % 3; // int8 coefficients, unsigned 8-bit softmax codes, 16-bit softmax codes
            int zw = kind == 0 ? rnd.nextInt(256) - 128 : 0;
            int wMin = kind == 0 ? -128 : 0;
            int wMax = kind == 0 ? 127 : kind == 1 ? 128 : 1 << 14;
            int zIn = rnd.nextInt(256) - 128;
            double sw = kind == 0 ? 0.004 : kind == 1 ? 1.0 / 128 : 1.0 / (1 << 14);
            AffineQuantParams out = activation(0.01 + rnd.nextDouble(), rnd.nextInt(256) - 128);
            Requantization r = GraphOpParams.weightedAggregate(sw, 0.01 + rnd.nextDouble() * 0.1, out, ActivationClamp.INT8);
            WeightedAggregateParams p = new WeightedAggregateParams(heads, c, zIn, zw, r);
            byte[] x = new byte[nodes * heads * c];
            rnd.nextBytes(x);
            int[] source = new int[edges];
            int[] target = new int[edges];
            int[] w = new int[edges * heads];
            for (int e = 0; e < edges; e++) {
                source[e] = rnd.nextInt(nodes);
                target[e] = rnd.nextInt(nodes);
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = wMin + rnd.nextInt(wMax - wMin + 1);
            }
            byte[] y = new byte[x.length];
            WeightedAggregate.run(p, "w", x, nodes, source, target, w, y);
            assertArrayEquals(reference(p, x, nodes, source, target, w), y, "round " + round);
        }
    }

    /**
     * Offsets at their extremes, {@code (w - Z_w)(x - Z_in) = (65535)(-255)} and the bound
     * {@code 255 W 2^leftShift <= 2^31 - 1}: with a left shift of 10, {@code W <= 8224}; a node
     * whose weights sum to one more fails the run naming the node and head.
     */
    @Test
    void extremeCodesAndTheWeightSumBound() {
        Requantization r = Requantization.perTensor(1, new QuantizedMultiplier(1 << 30, 10), 0, ActivationClamp.INT8);
        WeightedAggregateParams p = new WeightedAggregateParams(2, 1, 127, -32768, r);
        assertEquals(8224, p.maxWeightSum());
        // node 0, head 0: weight offsets 1 and 0; head 1: 8000 and 224, W = 8224, the bound
        byte[] x = {-128, -128, 5, 5};
        int[] source = {0, 1};
        int[] target = {0, 0};
        int[] fits = {-32767, -32768 + 8000, -32768, -32768 + 224};
        byte[] y = new byte[4];
        WeightedAggregate.run(p, "w", x, 2, source, target, fits, y);
        assertArrayEquals(reference(p, x, 2, source, target, fits), y);
        int[] over = {-32767, -32768 + 8000, -32768, -32768 + 225};
        InputDataException e = assertThrows(InputDataException.class,
                () -> WeightedAggregate.run(p, "weighted_aggregate 'att'", x, 2, source, target, over, new byte[4]));
        assertTrue(e.getMessage().startsWith("weighted_aggregate 'att': node 0 head 1 aggregates weights with sum |w - Z_w| = 8225;"
                + " the int32 accumulator bound 255 x that sum x 2^10 <= 2^31 - 1 allows at most 8224"), e.getMessage());
        // 16-bit extremes without a left shift
        WeightedAggregateParams wide = new WeightedAggregateParams(1, 1, 127, -32768,
                Requantization.perTensor(1, new QuantizedMultiplier(1 << 30, -20), 3, ActivationClamp.INT8));
        int[] w = {32767, 32767};
        byte[] y2 = new byte[1];
        WeightedAggregate.run(wide, "w", new byte[] {-128}, 1, new int[] {0, 0}, new int[] {0, 0}, w, y2);
        assertArrayEquals(reference(wide, new byte[] {-128}, 1, new int[] {0, 0}, new int[] {0, 0}, w), y2);
    }

    /** A message is the aggregation of its edge alone: against the reference on a graph of that one edge into a fresh node. */
    @Test
    void eachMessageIsTheAggregationOfItsEdgeAlone() {
        Random rnd = new Random(8);
        for (int round = 0; round < 100; round++) {
            int heads = 1 + rnd.nextInt(3);
            int c = 1 + rnd.nextInt(3);
            int nodes = 1 + rnd.nextInt(10);
            int edges = rnd.nextInt(30);
            int f = heads * c;
            AffineQuantParams out = activation(0.01 + rnd.nextDouble() * 0.2, rnd.nextInt(256) - 128);
            WeightedAggregateParams p = new WeightedAggregateParams(heads, c, rnd.nextInt(256) - 128, rnd.nextInt(256) - 128,
                    GraphOpParams.weightedAggregate(0.004, 0.05, out, ActivationClamp.INT8));
            byte[] x = new byte[nodes * f];
            rnd.nextBytes(x);
            int[] source = new int[edges];
            int[] w = new int[edges * heads];
            for (int e = 0; e < edges; e++) {
                source[e] = rnd.nextInt(nodes);
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextInt(256) - 128;
            }
            byte[] messages = new byte[edges * f];
            WeightedGather.run(p, x, nodes, source, w, messages);
            for (int e = 0; e < edges; e++) {
                // nodes + 1 nodes, the one edge into the extra node
                byte[] wider = java.util.Arrays.copyOf(x, (nodes + 1) * f);
                byte[] alone = reference(p, wider, nodes + 1, new int[] {source[e]}, new int[] {nodes},
                        java.util.Arrays.copyOfRange(w, e * heads, (e + 1) * heads));
                assertArrayEquals(java.util.Arrays.copyOfRange(alone, nodes * f, (nodes + 1) * f),
                        java.util.Arrays.copyOfRange(messages, e * f, (e + 1) * f), "round " + round + " edge " + e);
            }
        }
    }
}
