package io.qat4j.training.data.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.graph.data.Fold;
import io.qat4j.graph.data.GinTextLoader;
import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphDataset;
import io.qat4j.training.data.RequiresData;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real REDDIT-BINARY files in GIN text format ({@code ../shared/datasets/REDDIT-BINARY}) through
 * {@link GinTextLoader}; skipped when absent unless {@code QAT4J_REQUIRE_DATA=1}. Expected counts
 * come from its {@code SOURCE.txt}: 2000 graphs, 859254 nodes, 995508 undirected edges, labels 0 and
 * 2 with 1000 graphs each, one node tag, no self-loops; 10 folds of 1800 training and 200 test graphs
 * whose test folds partition all graphs.
 */
class GinTextRealDataTest {

    @Test
    void redditBinaryHasTheDocumentedGraphsEdgesAndFolds() throws IOException {
        GraphDataset d = new GinTextLoader().load(RequiresData.sharedDataset("REDDIT-BINARY"));
        assertEquals("REDDIT-BINARY", d.name());
        assertEquals(2000, d.graphCount());
        assertEquals(859254, d.nodeCount());
        assertEquals(995508, d.cleaning().undirectedEdges());
        assertEquals(0, d.cleaning().selfLoopsRemoved());
        assertEquals(0, d.cleaning().reverseEdgesAdded());
        assertEquals(List.of("0", "2"), d.classNames());
        assertEquals(1, d.featureCount(), "one node tag, one-hot");
        int[] perClass = new int[2];
        for (Graph g : d.graphs()) {
            perClass[g.label()]++;
        }
        assertArrayEquals(new int[] {1000, 1000}, perClass);

        assertEquals(10, d.folds().size());
        int[] inTestFolds = new int[2000];
        for (Fold f : d.folds()) {
            assertEquals(1800, f.train().length);
            assertEquals(200, f.test().length);
            boolean[] covered = new boolean[2000];
            for (int g : f.train()) {
                covered[g] = true;
            }
            for (int g : f.test()) {
                covered[g] = true;
                inTestFolds[g]++;
            }
            for (int g = 0; g < 2000; g++) {
                assertTrue(covered[g], "fold " + f.number() + " leaves out graph " + g);
            }
        }
        for (int g = 0; g < 2000; g++) {
            assertEquals(1, inTestFolds[g], "graph " + g + " in the test folds");
        }
    }
}
