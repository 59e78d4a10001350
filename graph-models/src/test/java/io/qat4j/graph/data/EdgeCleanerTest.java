package io.qat4j.graph.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link EdgeCleaner}: each rule of {@link CleaningReport}, counted, and the canonical order. */
class EdgeCleanerTest {

    @Test
    void dropsDanglingRemovesSelfLoopsAndDuplicatesAddsMissingReverses() {
        EdgeCleaner cleaner = new EdgeCleaner();
        // 4 nodes: 0->1 and 1->0 (both directions), 0->1 again (duplicate), 2->2 (self-loop),
        // 1->2 (reverse missing), 5->0 and -1->2 (dangling), 3->1 (reverse missing), 3->1 again
        int[] src = {0, 1, 0, 2, 1, 5, -1, 3, 3};
        int[] dst = {1, 0, 1, 2, 2, 0, 2, 1, 1};
        EdgeCleaner.EdgeList e = cleaner.clean(4, src, dst, src.length);
        assertArrayEquals(new int[] {0, 1, 1, 1, 2, 3}, e.src());
        assertArrayEquals(new int[] {1, 0, 2, 3, 1, 1}, e.dst());
        assertEquals(6, e.size());
        CleaningReport r = cleaner.report();
        assertEquals(new CleaningReport(1, 4, 6, 1, 2, 2, 2, List.of()), r);
        assertEquals(3, r.undirectedEdges());
    }

    @Test
    void symmetricInputGainsNothingAndOnlyTheLeadingEdgesCount() {
        EdgeCleaner cleaner = new EdgeCleaner();
        // the last entry is beyond edgeCount and must be ignored
        EdgeCleaner.EdgeList e = cleaner.clean(3, new int[] {2, 1, 0, 1, 7}, new int[] {1, 2, 1, 0, 7}, 4);
        assertArrayEquals(new int[] {0, 1, 1, 2}, e.src());
        assertArrayEquals(new int[] {1, 0, 2, 1}, e.dst());
        EdgeCleaner.EdgeList none = cleaner.clean(1, new int[0], new int[0], 0);
        assertEquals(0, none.size());
        assertEquals(new CleaningReport(2, 4, 4, 0, 0, 0, 0, List.of()), cleaner.report());
    }

    @Test
    void theLogLineSaysEveryCountAndNote() {
        EdgeCleaner cleaner = new EdgeCleaner();
        cleaner.clean(3, new int[] {0, 0, 0}, new int[] {1, 1, 0}, 3);
        cleaner.note("ignored X_edge_labels.txt (edge features are not used)");
        assertEquals("toy: 1 graph, 3 nodes, 2 directed edges (1 undirected); removed 1 self-loops, 1 duplicate edges;"
                + " dropped 0 edges with dangling ids; added 1 reverse edges; ignored X_edge_labels.txt (edge features"
                + " are not used)", cleaner.report().logLine("toy"));
        cleaner.clean(2, new int[0], new int[0], 0);
        assertEquals("toy: 2 graphs, 5 nodes, 2 directed edges (1 undirected); removed 1 self-loops, 1 duplicate edges;"
                + " dropped 0 edges with dangling ids; added 1 reverse edges; ignored X_edge_labels.txt (edge features"
                + " are not used)", cleaner.report().logLine("toy"));
    }
}
