package io.qat4j.training.data.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphDataset;
import io.qat4j.graph.data.GraphTask;
import io.qat4j.graph.data.TuLoader;
import io.qat4j.training.data.RequiresData;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real TU files of MUTAG, PROTEINS and ENZYMES ({@code ../shared/datasets}) through
 * {@link TuLoader}; skipped when absent unless {@code QAT4J_REQUIRE_DATA=1}. Expected counts come
 * from each folder's {@code README.txt} (MUTAG: 188 compounds, two classes, the 7 node labels C, N,
 * O, F, I, Cl, Br; ENZYMES: 600 enzymes in 6 EC classes) and {@code SOURCE.txt} (node and edge
 * counts, label values and class sizes; PROTEINS' README states no counts: 1113 graphs, labels
 * 1:663 and 2:450, 3 node labels, 1-dimensional attributes; ENZYMES: 3 node labels, 18-dimensional
 * attributes), not from the loader.
 */
class TuRealDataTest {

    @Test
    void mutag() throws IOException {
        GraphDataset d = new TuLoader().load(RequiresData.sharedDataset("MUTAG"));
        assertCounts(d, "MUTAG", 188, 3371, 3721, List.of("-1", "1"), new int[] {63, 125});
        assertEquals(7, d.featureCount(), "7 node labels one-hot, no attributes");
        assertTrue(d.cleaning().notes().contains("ignored MUTAG_edge_labels.txt (edge features are not used)"));
    }

    @Test
    void proteins() throws IOException {
        GraphDataset d = new TuLoader().load(RequiresData.sharedDataset("PROTEINS"));
        assertCounts(d, "PROTEINS", 1113, 43471, 81044, List.of("1", "2"), new int[] {663, 450});
        assertEquals(3 + 1, d.featureCount(), "3 node labels one-hot, then 1 attribute");
    }

    @Test
    void enzymes() throws IOException {
        GraphDataset d = new TuLoader().load(RequiresData.sharedDataset("ENZYMES"));
        assertCounts(d, "ENZYMES", 600, 19580, 37282, List.of("1", "2", "3", "4", "5", "6"),
                new int[] {100, 100, 100, 100, 100, 100});
        assertEquals(3 + 18, d.featureCount(), "3 node labels one-hot, then 18 attributes");
    }

    private static void assertCounts(GraphDataset d, String name, int graphs, long nodes, long undirectedEdges,
                                     List<String> classes, int[] perClass) {
        assertEquals(name, d.name());
        assertEquals(GraphTask.GRAPH_CLASSIFICATION, d.task());
        assertEquals(graphs, d.graphCount());
        assertEquals(nodes, d.nodeCount());
        assertEquals(undirectedEdges, d.cleaning().undirectedEdges());
        // the files list both directions and hold no self-loops or duplicate lines (SOURCE.txt)
        assertEquals(0, d.cleaning().reverseEdgesAdded());
        assertEquals(0, d.cleaning().selfLoopsRemoved());
        assertEquals(0, d.cleaning().duplicateEdgesRemoved());
        assertEquals(classes, d.classNames());
        int[] counted = new int[classes.size()];
        for (Graph g : d.graphs()) {
            counted[g.label()]++;
        }
        assertArrayEquals(perClass, counted);
    }
}
