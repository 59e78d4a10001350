package io.qat4j.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.data.GraphBatch;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * The workload of {@link DegreeQuantStepBenchmark} at 3 graphs: REDDIT-BINARY-sized graphs as
 * specified, and one training step in each mode, the Degree-Quant step with a fresh mask.
 */
class RedditSizedGinTest {

    @Test
    void graphsHaveTheSizeAndFeaturesTheBenchmarkSays() {
        GraphBatch b = RedditSizedGin.batch(3, 42);
        assertEquals(3 * RedditSizedGin.NODES, b.nodeCount());
        assertEquals(3 * 2 * RedditSizedGin.EDGES, b.edgeCount());
        for (int e = 0; e < b.edgeCount(); e++) {
            assertNotEquals(b.src()[e], b.dst()[e], "no self-loop");
        }
        INDArray x = b.nodesArray();
        assertEquals(1, x.columns());
        // standardised over the batch: mean 0, population variance 1 (float rounding only)
        assertEquals(0.0, x.meanNumber().doubleValue(), 1e-5);
        assertEquals(1.0, x.mul(x).meanNumber().doubleValue(), 1e-4);
        assertEquals(RedditSizedGin.batch(3, 42).labelsArray(), b.labelsArray(), "seeded");
    }

    @Test
    void oneStepOfEachModeTrains() {
        GraphBatch b = RedditSizedGin.batch(3, 7);
        int protect = GraphInputs.ORDER.indexOf(GraphInputs.PROTECT);
        for (RedditSizedGin.Mode mode : RedditSizedGin.Mode.values()) {
            ComputationGraph net = RedditSizedGin.network(mode, 1);
            MultiDataSet data = RedditSizedGin.data(b);
            RedditSizedGin.drawMask(data, b, mode, 11);
            double protectedNodes = data.getFeatures(protect).sumNumber().doubleValue();
            if (mode == RedditSizedGin.Mode.DQ_INT8) {
                // p = 0.1 * CDF(in-degree) per node: about 0.05 * 1290 = 65 expected; none has probability < e^-30
                assertTrue(protectedNodes > 0 && protectedNodes < 0.2 * b.nodeCount(), "protected " + protectedNodes);
            } else {
                assertEquals(0.0, protectedNodes);
            }
            INDArray before = net.params().dup();
            net.fit(data);
            assertTrue(Double.isFinite(net.score()), mode + " score " + net.score());
            assertNotEquals(before, net.params(), mode + " step changed nothing");
        }
    }
}
