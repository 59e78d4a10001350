package io.qat4j.executor.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.arith.FixedPoint;
import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.kernel.InputDataException;
import io.qat4j.executor.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifacts of graph networks ({@link GraphModel}) written to a file, loaded and run on batches of
 * different node, edge and graph counts with one executor: the chain gather -> scatter_add ->
 * segment_pool against a reference computed here from the definitions; every graph op, where a
 * batch of graphs must give each graph's rows exactly as the graph run alone (messages never
 * cross graphs), including a graph without edges; and data that break the ops' rules rejected at
 * run time with the op, the row and the value named.
 */
class GraphArtifactTest {

    /** A batch of graphs: node codes, edges (source, target), graph ids. */
    record Batch(byte[] nodes, int[] edges, int[] graph) {
        Map<String, Tensor> inputs() {
            return GraphModel.inputs(nodes, edges, graph);
        }

        int nodeCount() {
            return graph.length;
        }
    }

    /** {@code sizes[g]} nodes per graph, about {@code degree} random edges per node inside each graph, no self-loops. */
    static Batch randomBatch(Random rnd, int[] sizes, int degree) {
        int n = 0;
        for (int s : sizes) {
            n += s;
        }
        byte[] nodes = new byte[n * GraphModel.F];
        rnd.nextBytes(nodes);
        int[] graph = new int[n];
        List<Integer> edges = new ArrayList<>();
        int base = 0;
        for (int g = 0; g < sizes.length; g++) {
            for (int i = 0; i < sizes[g]; i++) {
                graph[base + i] = g;
                for (int k = 0; sizes[g] > 1 && k < degree; k++) {
                    int j = rnd.nextInt(sizes[g]);
                    if (j != i) {
                        edges.add(base + j);
                        edges.add(base + i);
                    }
                }
            }
            base += sizes[g];
        }
        return new Batch(nodes, edges.stream().mapToInt(Integer::intValue).toArray(), graph);
    }

    static int requantize(long acc, QuantizedMultiplier m, int zOut) {
        return Math.max(-128, Math.min(127, FixedPoint.multiplyByQuantizedMultiplier((int) acc, m.multiplier(), m.shift()) + zOut));
    }

    /** The chain from its definition: gather source rows, sum (q - Z) per target, requantize; sum per graph, requantize. */
    static byte[][] chainReference(Batch b) {
        int f = GraphModel.F;
        int n = b.nodeCount();
        long[] agg = new long[n * f];
        for (int e = 0; e < b.edges().length / 2; e++) {
            for (int k = 0; k < f; k++) {
                agg[b.edges()[2 * e + 1] * f + k] += b.nodes()[b.edges()[2 * e] * f + k] - GraphModel.NODES.zeroPoint();
            }
        }
        QuantizedMultiplier mAgg = QuantizedMultiplier.of(GraphModel.NODES.scale() / GraphModel.AGG.scale());
        byte[] aggCodes = new byte[n * f];
        for (int i = 0; i < aggCodes.length; i++) {
            aggCodes[i] = (byte) requantize(agg[i], mAgg, GraphModel.AGG.zeroPoint());
        }
        int graphs = b.graph()[n - 1] + 1;
        long[] pooled = new long[graphs * f];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < f; k++) {
                pooled[b.graph()[i] * f + k] += aggCodes[i * f + k] - GraphModel.AGG.zeroPoint();
            }
        }
        QuantizedMultiplier mPool = QuantizedMultiplier.of(GraphModel.AGG.scale() / GraphModel.POOLED.scale());
        byte[] pooledCodes = new byte[graphs * f];
        for (int i = 0; i < pooledCodes.length; i++) {
            pooledCodes[i] = (byte) requantize(pooled[i], mPool, GraphModel.POOLED.zeroPoint());
        }
        return new byte[][] {aggCodes, pooledCodes};
    }

    @Test
    void theChainRunsGraphsOfTwoSizesFromOneFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gin.qat4j");
        ArtifactWriter.write(GraphModel.chain(), file);
        Int8Executor ex = Int8Executor.load(file);
        assertEquals(List.of("nodes", "edges", "graph"), List.copyOf(ex.inputs().keySet()));
        Random rnd = new Random(11);
        Batch small = randomBatch(rnd, new int[] {5}, 2);
        Batch large = randomBatch(rnd, new int[] {4, 9, 1, 6}, 3);
        for (Batch b : List.of(small, large, small)) {
            Map<String, Tensor> out = ex.run(b.inputs());
            byte[][] expected = chainReference(b);
            int graphs = b.graph()[b.nodeCount() - 1] + 1;
            assertArrayEquals(new int[] {b.nodeCount(), GraphModel.F}, out.get("agg").shape());
            assertArrayEquals(new int[] {graphs, GraphModel.F}, out.get("pooled").shape(), "one row per graph");
            assertArrayEquals(expected[0], out.get("agg").bytes(), "aggregate of " + b.nodeCount() + " nodes");
            assertArrayEquals(expected[1], out.get("pooled").bytes(), "readout of " + graphs + " graphs");
        }
        assertTrue(large.edges().length / 2 > small.edges().length / 2 && large.nodeCount() > small.nodeCount());
    }

    /** Every op, batch against graph by graph: the readouts row by row, the attention codes edge by edge. */
    @Test
    void aBatchGivesEachGraphWhatItGetsAlone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("all.qat4j");
        ArtifactWriter.write(GraphModel.all(), file);
        Int8Executor ex = Int8Executor.load(file);
        Random rnd = new Random(12);
        for (int round = 0; round < 20; round++) {
            int[] sizes = new int[1 + rnd.nextInt(5)];
            for (int g = 0; g < sizes.length; g++) {
                sizes[g] = 1 + rnd.nextInt(12);
            }
            sizes[rnd.nextInt(sizes.length)] = 1; // a graph without edges
            Batch batch = randomBatch(rnd, sizes, 1 + rnd.nextInt(4));
            Map<String, Tensor> all = ex.run(batch.inputs());
            int nodeBase = 0;
            int edgeBase = 0;
            int loopBase = batch.edges().length / 2;
            for (int g = 0; g < sizes.length; g++) {
                Batch alone = slice(batch, nodeBase, sizes[g]);
                int e = alone.edges().length / 2;
                assertEquals(e, countEdgesInto(batch, nodeBase, sizes[g]), "edges are listed graph by graph");
                Map<String, Tensor> one = ex.run(alone.inputs());
                for (String name : List.of("pooled", "mean", "max")) {
                    assertArrayEquals(one.get(name).bytes(), java.util.Arrays.copyOfRange(all.get(name).bytes(), g * GraphModel.F,
                            (g + 1) * GraphModel.F), "round " + round + " graph " + g + " " + name);
                }
                short[] alpha = all.get("alpha").shorts();
                short[] alphaAlone = one.get("alpha").shorts();
                int f = GraphModel.F;
                assertArrayEquals(java.util.Arrays.copyOfRange(alphaAlone, 0, e * f), java.util.Arrays.copyOfRange(alpha, edgeBase * f,
                        (edgeBase + e) * f), "attention over the graph's edges");
                assertArrayEquals(java.util.Arrays.copyOfRange(alphaAlone, e * f, (e + sizes[g]) * f), java.util.Arrays.copyOfRange(alpha,
                        (loopBase + nodeBase) * f, (loopBase + nodeBase + sizes[g]) * f), "attention over the graph's self-loops");
                nodeBase += sizes[g];
                edgeBase += e;
            }
            assertArrayEquals(new int[] {batch.edges().length / 2 + batch.nodeCount(), GraphModel.F}, all.get("alpha").shape());
        }
    }

    private static int countEdgesInto(Batch b, int from, int n) {
        int count = 0;
        for (int e = 0; e < b.edges().length / 2; e++) {
            count += b.edges()[2 * e + 1] >= from && b.edges()[2 * e + 1] < from + n ? 1 : 0;
        }
        return count;
    }

    /** Nodes {@code [from, from + n)} as a batch of one graph, their edges renumbered. */
    private static Batch slice(Batch b, int from, int n) {
        byte[] nodes = java.util.Arrays.copyOfRange(b.nodes(), from * GraphModel.F, (from + n) * GraphModel.F);
        List<Integer> edges = new ArrayList<>();
        for (int e = 0; e < b.edges().length / 2; e++) {
            int s = b.edges()[2 * e];
            if (s >= from && s < from + n) {
                edges.add(s - from);
                edges.add(b.edges()[2 * e + 1] - from);
            }
        }
        return new Batch(nodes, edges.stream().mapToInt(Integer::intValue).toArray(), new int[n]);
    }

    @Test
    void dataThatBreakTheOpsRulesFailTheRunNamingTheOpAndTheRow() {
        Int8Executor ex = executor();
        byte[] nodes = new byte[5 * GraphModel.F];
        InputDataException e = assertThrows(InputDataException.class,
                () -> ex.run(GraphModel.inputs(nodes, new int[] {0, 1, 1, 2, 4, 3, 12, 0}, new int[5])));
        assertEquals("gather 'gather_src': index row 3 (column 0) is 12, outside the 5 nodes [0, 5)", e.getMessage());
        e = assertThrows(InputDataException.class, () -> ex.run(GraphModel.inputs(nodes, new int[] {0, 1, 1, 5}, new int[5])));
        assertEquals("scatter_add 'gin_aggregate': index row 1 (column 1) is 5, outside the 5 nodes [0, 5)", e.getMessage());
        e = assertThrows(InputDataException.class, () -> ex.run(GraphModel.inputs(nodes, new int[] {0, 1}, new int[] {0, 0, 2, 2, 2})));
        assertTrue(e.getMessage().startsWith("segment_pool 'sum_readout': node 2 has graph id 2 after 0; graph ids must start at 0"),
                e.getMessage());
        Map<String, Tensor> shortIds = GraphModel.inputs(nodes, new int[] {0, 1}, new int[4]);
        e = assertThrows(InputDataException.class, () -> ex.run(shortIds));
        assertEquals("segment_pool 'sum_readout': 4 rows of graph ids but 5 rows of input; they must describe the same nodes",
                e.getMessage());
    }

    @Test
    void aBatchWithoutEdgesRuns() {
        Int8Executor ex = executor();
        byte[] nodes = {1, 2, 3, 4, -5, -6, -7, -8};
        Map<String, Tensor> out = ex.run(GraphModel.inputs(nodes, new int[0], new int[] {0, 1}));
        byte[] agg = out.get("agg").bytes();
        for (byte v : agg) {
            assertEquals(GraphModel.AGG.zeroPoint(), v, "no messages: the code of 0");
        }
        assertArrayEquals(new int[] {2, GraphModel.F}, out.get("pooled").shape());
    }

    private static Int8Executor executor() {
        try {
            return Int8Executor.of(GraphModel.chain(), "chain");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
