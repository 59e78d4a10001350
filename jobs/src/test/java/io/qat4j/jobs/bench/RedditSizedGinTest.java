package io.qat4j.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.data.GraphBatch;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * The workload of {@link DegreeQuantStepBenchmark} and {@link GinInferenceBenchmark}: random
 * undirected graphs as specified, and one training step of the shipped config's network in each
 * mode, the Degree-Quant step with a fresh mask.
 */
class RedditSizedGinTest {

    /** The shipped config, from the module's folder where the tests run. */
    static final Path CONFIG = Path.of("..").resolve(RedditSizedGin.CONFIG);

    @Test
    void graphsHaveTheSizeAndFeaturesTheBenchmarkSays() {
        GraphBatch b = RedditSizedGin.batch(5, 40, 100, 42);
        assertEquals(5, b.graphCount());
        assertTrue(b.nodeCount() >= 5 * 30 && b.nodeCount() <= 5 * 50, "nodes " + b.nodeCount());
        Set<Long> edges = new HashSet<>();
        for (int k = 0; k < b.edgeCount(); k++) {
            assertNotEquals(b.src()[k], b.dst()[k], "no self-loop");
            assertTrue(edges.add((long) b.src()[k] * b.nodeCount() + b.dst()[k]), "no repeated edge");
        }
        for (int k = 0; k < b.edgeCount(); k++) {
            assertTrue(edges.contains((long) b.dst()[k] * b.nodeCount() + b.src()[k]), "both directions");
        }
        assertTrue(b.edgeCount() > 5 * 90, "few of the 50 draws per graph repeat: " + b.edgeCount());
        INDArray x = b.nodesArray();
        assertEquals(1, x.columns());
        // standardised over the batch: mean 0, population variance 1 (float rounding only)
        assertEquals(0.0, x.meanNumber().doubleValue(), 1e-5);
        assertEquals(1.0, x.mul(x).meanNumber().doubleValue(), 1e-4);
        assertEquals(RedditSizedGin.batch(5, 40, 100, 42).labelsArray(), b.labelsArray(), "seeded");
    }

    @Test
    void oneStepOfEachModeTrains() {
        GraphBatch b = RedditSizedGin.batch(3, RedditSizedGin.NODES, RedditSizedGin.DIRECTED_EDGES, 7);
        int protect = GraphInputs.ORDER.indexOf(GraphInputs.PROTECT);
        for (RedditSizedGin.Mode mode : RedditSizedGin.Mode.values()) {
            RedditSizedGin.Model model = RedditSizedGin.model(CONFIG, mode, 1);
            ComputationGraph net = model.network();
            for (String v : new String[] {"L0_gin", "L4_gin", "L5_pool", "L6_dense"}) {
                assertTrue(net.getVertex(v) != null, "the shipped config's " + v);
            }
            MultiDataSet data = RedditSizedGin.data(b);
            model.drawMask(data, b, 11);
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
