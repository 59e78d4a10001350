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
 * {@link ScatterAdd} and the index checks of {@link EdgeIndex}: a float golden that is exact,
 * seeded random graphs against the exact integer reference (the sum of {@code q - Z_in} per target
 * in long arithmetic, requantized from the definition with BigInteger), boundary codes at the
 * largest in-degree the accumulator bound allows, and that bound enforced with a clear error.
 */
class ScatterAddTest {

    static ScatterAddParams params(int features, int zIn, Requantization r) {
        return new ScatterAddParams(features, zIn, r);
    }

    /** The definition: acc = sum (m - Z_in) per target, in long, then the exact single rounding. */
    static byte[] reference(byte[] m, int f, int zIn, int[] target, int nodes, Requantization r) {
        long[] acc = new long[nodes * f];
        for (int e = 0; e < target.length; e++) {
            for (int k = 0; k < f; k++) {
                acc[target[e] * f + k] += m[e * f + k] - zIn;
            }
        }
        byte[] out = new byte[nodes * f];
        for (int i = 0; i < out.length; i++) {
            out[i] = exactOutput(acc[i], r, 0);
        }
        return out;
    }

    /** S_in = S_out = 0.5: the sums of exactly representable messages are exactly representable. */
    @Test
    void sumsMatchTheFloatGoldenExactly() {
        AffineQuantParams in = activation(0.5, 3);
        AffineQuantParams out = activation(0.5, -7);
        double[] messages = {1.5, -2, 0.5, 10, -12, 0, 3.5, 4}; // 4 edges of 2 features
        int[] target = {2, 0, 2, 2};
        double[] golden = {0.5, 10, 0, 0, 1.5 - 12 + 3.5, -2 + 0 + 4}; // node 1 has no messages
        Requantization r = GraphOpParams.scatterAdd(in.scale(), out, ActivationClamp.INT8);
        byte[] y = new byte[6];
        ScatterAdd.run(params(2, in.zeroPoint(), r), "scatter_add 't'", quantize(messages, in), target, 3, y);
        assertExact(quantize(golden, out), y, "scatter-add");
        assertEquals(-7, y[2], "a node without messages gets the code of 0");
    }

    @Test
    void randomGraphsMatchTheExactReference() {
        Random rnd = new Random(1130);
        for (int round = 0; round < 200; round++) {
            int nodes = 1 + rnd.nextInt(30);
            int edges = rnd.nextInt(120);
            int f = 1 + rnd.nextInt(6);
            int zIn = rnd.nextInt(256) - 128;
            AffineQuantParams out = activation(0.01 + rnd.nextDouble(), rnd.nextInt(256) - 128);
            double inScale = 0.001 + rnd.nextDouble() * 0.2;
            ActivationClamp clamp = rnd.nextBoolean() ? ActivationClamp.INT8 : new ActivationClamp(out.zeroPoint(), 127);
            Requantization r = GraphOpParams.scatterAdd(inScale, out, clamp);
            byte[] m = new byte[edges * f];
            rnd.nextBytes(m);
            int[] target = new int[edges];
            for (int e = 0; e < edges; e++) {
                target[e] = rnd.nextInt(nodes);
            }
            byte[] y = new byte[nodes * f];
            ScatterAdd.run(params(f, zIn, r), "t", m, target, nodes, y);
            assertArrayEquals(reference(m, f, zIn, target, nodes, r), y, "round " + round);
        }
    }

    /** The fused gather: edges carrying rows of a node table give the codes of the gathered messages, against the reference. */
    @Test
    void rowsOfATableMatchTheGatheredMessages() {
        Random rnd = new Random(1202);
        for (int round = 0; round < 100; round++) {
            int nodes = 1 + rnd.nextInt(30);
            int edges = rnd.nextInt(120);
            int f = 1 + rnd.nextInt(6);
            int zIn = rnd.nextInt(256) - 128;
            AffineQuantParams out = activation(0.01 + rnd.nextDouble(), rnd.nextInt(256) - 128);
            Requantization r = GraphOpParams.scatterAdd(0.001 + rnd.nextDouble() * 0.2, out, ActivationClamp.INT8);
            byte[] table = new byte[nodes * f];
            rnd.nextBytes(table);
            int[] rows = new int[edges];
            int[] target = new int[edges];
            byte[] gathered = new byte[edges * f];
            for (int e = 0; e < edges; e++) {
                rows[e] = rnd.nextInt(nodes);
                target[e] = rnd.nextInt(nodes);
                System.arraycopy(table, rows[e] * f, gathered, e * f, f);
            }
            byte[] y = new byte[nodes * f];
            ScatterAdd.run(params(f, zIn, r), "t", table, rows, target, nodes, y);
            assertArrayEquals(reference(gathered, f, zIn, target, nodes, r), y, "round " + round);
        }
        Requantization r = GraphOpParams.scatterAdd(0.1, activation(0.2, 0), ActivationClamp.INT8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScatterAdd.run(params(2, 0, r), "scatter_add 'a'", new byte[4], new int[] {1, 2}, new int[] {0, 0}, 2, new byte[4]));
        assertEquals("scatter_add 'a': edge 1 carries row 2 of a table of 2 rows", e.getMessage());
    }

    /**
     * The bound {@code 255 d 2^leftShift <= 2^31 - 1}: with a left shift of 20 it allows
     * {@code d <= floor(2047 / 255) = 8}. Eight messages of the extreme offset {@code -128 - 127}
     * reach {@code |acc| = 2040} and requantize exactly; a ninth fails the run naming the node.
     */
    @Test
    void theLargestInDegreeRunsAndOneMoreIsAClearError() {
        Requantization r = Requantization.perTensor(1, new QuantizedMultiplier(1 << 30, 20), 0, ActivationClamp.INT8);
        ScatterAddParams p = params(1, 127, r);
        assertEquals(8, p.maxInDegree());
        byte[] m = new byte[9];
        java.util.Arrays.fill(m, Byte.MIN_VALUE);
        int[] target = {1, 1, 1, 1, 1, 1, 1, 1};
        byte[] y = new byte[2];
        ScatterAdd.run(p, "t", m, target, 2, y);
        assertArrayEquals(reference(m, 1, 127, target, 2, r), y);
        assertEquals(-128, y[1], "-2040 * 2^19 clamps at -128");
        InputDataException e = assertThrows(InputDataException.class,
                () -> ScatterAdd.run(p, "scatter_add 'agg'", m, new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, 2, y));
        assertTrue(e.getMessage().startsWith("scatter_add 'agg': node 1 receives 9 messages; the int32 accumulator bound 255 x"
                + " in-degree x 2^20 <= 2^31 - 1 allows at most 8"), e.getMessage());
        // without a left shift the bound is (2^31 - 1) / 255
        assertEquals(8_421_504, params(1, 0, GraphOpParams.scatterAdd(0.1, activation(0.2, 0), ActivationClamp.INT8)).maxInDegree());
        assertThrows(IllegalArgumentException.class, () -> params(1, 0, Requantization.perTensor(1, new QuantizedMultiplier(1 << 30, 30),
                0, ActivationClamp.INT8)), "not even one message fits a left shift of 30");
    }

    @Test
    void indicesOutsideTheNodesAreNamed() {
        InputDataException e = assertThrows(InputDataException.class,
                () -> EdgeIndex.column("gather 'g'", new int[] {0, 1, 2, 3, 3, 7}, 2, 1, 5));
        assertEquals("gather 'g': index row 2 (column 1) is 7, outside the 5 nodes [0, 5)", e.getMessage());
        e = assertThrows(InputDataException.class, () -> EdgeIndex.column("g", new int[] {-1}, 1, 0, 1));
        assertEquals("g: index row 0 (column 0) is -1, outside the 1 node [0, 1)", e.getMessage());
        assertArrayEquals(new int[] {1, 3, 3}, EdgeIndex.column("g", new int[] {0, 1, 2, 3, 3, 3}, 2, 1, 4));
        assertArrayEquals(new int[] {0, 2, 1}, EdgeIndex.counts(new int[] {1, 2, 1}, 3));
        assertArrayEquals(new int[] {4, 5, 6, 7, 0, 0, 1, 1, 2, 2}, EdgeIndex.withSelfLoops(new int[] {4, 5, 6, 7}, 3),
                "the E edges, then the loop of node i at row E + i");
    }
}
