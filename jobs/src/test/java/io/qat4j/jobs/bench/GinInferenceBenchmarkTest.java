package io.qat4j.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.qat4j.executor.tensor.Tensor;
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
        b.config = RedditSizedGinTest.CONFIG.toString();
        b.graphs = 6;
        b.nodes = 20;
        b.edges = 40;
        b.setUp();
        Tensor logits = b.int8Executor();
        assertArrayEquals(new int[] {6, 2}, logits.shape());
        INDArray probs = b.dl4jFp32();
        assertArrayEquals(new long[] {6, 2}, probs.shape());
    }
}
