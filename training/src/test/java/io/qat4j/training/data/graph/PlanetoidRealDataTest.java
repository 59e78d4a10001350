package io.qat4j.training.data.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphBatch;
import io.qat4j.graph.data.GraphDataset;
import io.qat4j.graph.data.GraphTask;
import io.qat4j.graph.data.NodeSplit;
import io.qat4j.graph.data.PlanetoidLoader;
import io.qat4j.training.data.RequiresData;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real Cora files (LINQS; {@code ../shared/datasets/cora}) through {@link PlanetoidLoader};
 * skipped when absent unless {@code QAT4J_REQUIRE_DATA=1}. Every expected count is taken from the
 * dataset's own documents, not from the loader: {@code README} (2708 papers, 1433 words, the seven
 * classes) and {@code SOURCE.txt} (5278 unique undirected edges, 0 self-loops, all cited ids present,
 * class sizes, the 140/500/1000 Planetoid split).
 */
class PlanetoidRealDataTest {

    @Test
    void coraHasTheDocumentedNodesFeaturesClassesEdgesAndSplit() throws IOException {
        GraphDataset cora = new PlanetoidLoader().load(RequiresData.sharedDataset("cora"));
        assertEquals("cora", cora.name());
        assertEquals(GraphTask.NODE_CLASSIFICATION, cora.task());
        assertEquals(1, cora.graphCount());
        assertEquals(2708, cora.nodeCount());
        assertEquals(1433, cora.featureCount());
        assertEquals(List.of("Case_Based", "Genetic_Algorithms", "Neural_Networks", "Probabilistic_Methods",
                "Reinforcement_Learning", "Rule_Learning", "Theory"), cora.classNames());
        assertEquals(5278, cora.cleaning().undirectedEdges());
        assertEquals(2 * 5278, cora.cleaning().directedEdges());
        assertEquals(0, cora.cleaning().selfLoopsRemoved());
        assertEquals(0, cora.cleaning().danglingEdgesDropped());

        Graph g = cora.graphs().get(0);
        int[] perClass = new int[7];
        for (int label : g.nodeLabels()) {
            perClass[label]++;
        }
        assertArrayEquals(new int[] {298, 418, 818, 426, 217, 180, 351}, perClass);

        NodeSplit split = cora.nodeSplit().orElseThrow();
        assertEquals(140, split.train().length);
        assertEquals(500, split.validation().length);
        assertEquals(1000, split.test().length);

        GraphBatch batch = GraphBatch.of(cora.graphs());
        assertArrayEquals(new long[] {2708, 1433}, batch.nodesArray().shape());
        assertArrayEquals(new long[] {10556, 2}, batch.edgesArray().shape());
        assertEquals(140.0, batch.labelsMaskArray(split.train()).sumNumber().doubleValue());
    }
}
