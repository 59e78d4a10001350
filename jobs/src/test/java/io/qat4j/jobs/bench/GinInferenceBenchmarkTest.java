package io.qat4j.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.tensor.Tensor;
import io.qat4j.graph.data.GraphBatch;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The GIN benchmark's set-up on a small batch: the network builds, calibrates and exports, and
 * both measured calls score every graph of the batch.
 */
class GinInferenceBenchmarkTest {

    @Test
    void bothSidesScoreEveryGraphOfTheBatch() {
        GinInferenceBenchmark b = new GinInferenceBenchmark();
        b.graphs = 6;
        b.nodes = 20;
        b.edges = 40;
        b.setUp();
        Tensor logits = b.int8Executor();
        assertArrayEquals(new int[] {6, 2}, logits.shape());
        INDArray probs = b.dl4jFp32();
        assertArrayEquals(new long[] {6, 2}, probs.shape());
    }

    @Test
    void randomGraphsAreUndirectedWithTheNormalisedDegreeAsFeature() {
        GraphBatch batch = GinInferenceBenchmark.randomBatch(5, 40, 100, 3);
        assertEquals(5, batch.graphCount());
        assertTrue(batch.nodeCount() >= 5 * 30 && batch.nodeCount() <= 5 * 50, "nodes " + batch.nodeCount());
        java.util.Set<Long> edges = new java.util.HashSet<>();
        for (int k = 0; k < batch.edgeCount(); k++) {
            assertTrue(batch.src()[k] != batch.dst()[k], "no self-loops");
            assertTrue(edges.add((long) batch.src()[k] * batch.nodeCount() + batch.dst()[k]), "no repeated edge");
        }
        for (int k = 0; k < batch.edgeCount(); k++) {
            assertTrue(edges.contains((long) batch.dst()[k] * batch.nodeCount() + batch.src()[k]), "both directions");
        }
        int[] degree = batch.inDegree();
        int max = java.util.Arrays.stream(degree).max().orElseThrow();
        for (int i = 0; i < batch.nodeCount(); i++) {
            assertEquals((float) degree[i] / max, batch.nodesArray().getFloat(i, 0), 1e-7f);
        }
    }
}
