package io.qat4j.graph.data;

import static io.qat4j.graph.data.FormatErrors.assertFails;
import static io.qat4j.graph.data.FormatErrors.assertFailsWith;
import static io.qat4j.graph.data.FormatErrors.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TuLoader} on small TU datasets written here, unlike MUTAG/PROTEINS/ENZYMES (other name,
 * label values, attributes, a regression dataset), the cleaning counts, and every malformed case
 * with its file and line.
 */
class TuLoaderTest {

    private final TuLoader loader = new TuLoader();

    /**
     * TOY: graph 1 = nodes 1..3 (a triangle, both directions, plus a self-loop and a repeated
     * line), graph 2 = node 4 alone, graph 3 = nodes 5..6 (one direction only).
     */
    private static Path toy(Path dir) throws IOException {
        write(dir, "TOY_A.txt", "1, 2", "2, 1", "2, 3", "3, 2", "1, 3", "3, 1", "2, 2", "1,2", "5, 6");
        write(dir, "TOY_graph_indicator.txt", "1", "1", "1", "2", "3", "3");
        write(dir, "TOY_graph_labels.txt", "7", "-3", "7");
        write(dir, "TOY_node_labels.txt", "10", "20", "5", "10", "20", "20");
        write(dir, "TOY_node_attributes.txt", "0.5, 1", "2,3", " -1 , 4.25", "0, 0", "1, 1", "2, 2");
        write(dir, "TOY_edge_labels.txt", "0", "0", "1", "1", "0", "0", "0", "0", "1");
        return dir;
    }

    @Test
    void readsADatasetThatIsNotOneOfOurs(@TempDir Path dir) throws IOException {
        GraphDataset d = loader.load(toy(dir));
        assertEquals("TOY", d.name());
        assertEquals(GraphTask.GRAPH_CLASSIFICATION, d.task());
        assertEquals(List.of("-3", "7"), d.classNames());
        assertEquals(3, d.graphCount());
        // node labels 5, 10, 20 one-hot, then the two attributes
        assertEquals(5, d.featureCount());
        Graph g1 = d.graphs().get(0);
        assertEquals(1, g1.label());
        assertArrayEquals(new float[] {0, 1, 0, 0.5f, 1, 0, 0, 1, 2, 3, 1, 0, 0, -1, 4.25f}, g1.features());
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, g1.src());
        assertArrayEquals(new int[] {1, 2, 0, 2, 0, 1}, g1.dst());
        Graph g2 = d.graphs().get(1);
        assertEquals(0, g2.label());
        assertEquals(1, g2.nodeCount());
        assertEquals(0, g2.edgeCount());
        Graph g3 = d.graphs().get(2);
        assertArrayEquals(new int[] {0, 1}, g3.src());
        assertArrayEquals(new int[] {1, 0}, g3.dst());
        assertArrayEquals(new float[] {0, 0, 1, 1, 1, 0, 0, 1, 2, 2}, g3.features());
        assertEquals(new CleaningReport(3, 6, 8, 1, 1, 0, 1,
                List.of("ignored TOY_edge_labels.txt (edge features are not used)")), d.cleaning());
        assertEquals(List.of("TOY_A.txt", "TOY_graph_indicator.txt", "TOY_graph_labels.txt", "TOY_node_labels.txt",
                "TOY_node_attributes.txt"), d.files().stream().map(p -> p.getFileName().toString()).toList());
        assertTrue(d.folds().isEmpty());
    }

    @Test
    void graphAttributesWithoutLabelsAreRegressionTargets(@TempDir Path dir) throws IOException {
        write(dir, "Q_A.txt", "1, 2", "2, 1");
        write(dir, "Q_graph_indicator.txt", "1", "1", "2");
        write(dir, "Q_graph_attributes.txt", "0.5, -2", "3, 1e2");
        GraphDataset d = loader.load(dir);
        assertEquals(GraphTask.GRAPH_REGRESSION, d.task());
        assertEquals(List.of("graph attribute 1", "graph attribute 2"), d.targetNames());
        assertArrayEquals(new float[] {3, 100}, d.graphs().get(1).targets());
        // neither node labels nor attributes: one constant feature
        assertEquals(1, d.featureCount());
        assertArrayEquals(new float[] {1, 1}, d.graphs().get(0).features());
        assertTrue(d.loadSummary().endsWith("; no node labels or attributes: one constant feature 1 per node"),
                d.loadSummary());
    }

    @Test
    void graphLabelsWinOverGraphAttributes(@TempDir Path dir) throws IOException {
        write(dir, "Q_A.txt", "1, 2", "2, 1");
        write(dir, "Q_graph_indicator.txt", "1", "1");
        write(dir, "Q_graph_labels.txt", "4");
        write(dir, "Q_graph_attributes.txt", "0.5");
        GraphDataset d = loader.load(dir);
        assertEquals(GraphTask.GRAPH_CLASSIFICATION, d.task());
        assertTrue(d.cleaning().notes().contains("ignored Q_graph_attributes.txt (the graph labels are used)"));
    }

    @Test
    void malformedAdjacency(@TempDir Path dir) throws IOException {
        toy(dir);
        write(dir, "TOY_A.txt", "1, 2", "2");
        assertFails(loader, dir, "TOY_A.txt", 2, 0, "expected 2 fields (row, col: the node ids of a directed edge)");
        write(dir, "TOY_A.txt", "1, 2", "2, 7");
        assertFails(loader, dir, "TOY_A.txt", 2, 2, "expected a node id in 1..6", "found 7");
        write(dir, "TOY_A.txt", "0, 2");
        assertFails(loader, dir, "TOY_A.txt", 1, 1, "found 0");
        write(dir, "TOY_A.txt", "1, 2", "3, 4");
        assertFails(loader, dir, "TOY_A.txt", 2, 0, "edge 3 -> 4 joins graph 1 and graph 2");
        write(dir, "TOY_A.txt", "1, two");
        assertFails(loader, dir, "TOY_A.txt", 1, 2, "expected an integer node id, found 'two'");
    }

    @Test
    void malformedGraphIndicator(@TempDir Path dir) throws IOException {
        toy(dir);
        write(dir, "TOY_graph_indicator.txt", "1", "1", "2", "1", "3", "3");
        assertFails(loader, dir, "TOY_graph_indicator.txt", 4, 1, "expected a graph id of at least 2");
        write(dir, "TOY_graph_indicator.txt", "2", "2", "2", "2", "3", "3");
        assertFails(loader, dir, "TOY_graph_indicator.txt", 1, 1, "expected graph id 1 on the first line");
        write(dir, "TOY_graph_indicator.txt", "1", "1", "1", "3", "3", "3");
        assertFails(loader, dir, "TOY_graph_indicator.txt", 4, 1, "graph ids jump from 1 to 3: graph 2 has no nodes");
        write(dir, "TOY_graph_indicator.txt", "1", "1, 1");
        assertFails(loader, dir, "TOY_graph_indicator.txt", 2, 0, "expected 1 field");
        write(dir, "TOY_graph_indicator.txt");
        assertFails(loader, dir, "TOY_graph_indicator.txt", 1, 0, "expected the graph id of node 1, found the end");
    }

    @Test
    void countMismatchesBetweenFiles(@TempDir Path dir) throws IOException {
        toy(dir);
        write(dir, "TOY_graph_labels.txt", "7", "-3");
        assertFails(loader, dir, "TOY_graph_labels.txt", 3, 0,
                "expected 3 lines (one per graph of TOY_graph_indicator.txt): the graph label of graph 3, found the end");
        write(dir, "TOY_graph_labels.txt", "7", "-3", "7", "7");
        assertFails(loader, dir, "TOY_graph_labels.txt", 4, 0, "expected 3 lines", "found more");
        write(dir, "TOY_graph_labels.txt", "7", "-3", "x");
        assertFails(loader, dir, "TOY_graph_labels.txt", 3, 1, "expected an integer graph label, found 'x'");
        toy(dir);
        write(dir, "TOY_node_labels.txt", "10", "20", "5", "10", "20");
        assertFails(loader, dir, "TOY_node_labels.txt", 6, 0,
                "expected 6 lines (one per node, as TOY_graph_indicator.txt has): the node label of node 6");
        toy(dir);
        write(dir, "TOY_node_attributes.txt", "0.5, 1", "2,3", "-1", "0, 0", "1, 1", "2, 2");
        assertFails(loader, dir, "TOY_node_attributes.txt", 3, 0, "expected 2 fields (node attributes, as many as on line 1)");
        write(dir, "TOY_node_attributes.txt", "0.5, 1", "2,3", "-1, 0x10", "0, 0", "1, 1", "2, 2");
        assertFails(loader, dir, "TOY_node_attributes.txt", 3, 2, "expected a number node attribute, found '0x10'");
        write(dir, "TOY_node_attributes.txt", "0.5, 1", "2,", "-1, 1", "0, 0", "1, 1", "2, 2");
        assertFails(loader, dir, "TOY_node_attributes.txt", 2, 2, "found ''");
    }

    @Test
    void missingFiles(@TempDir Path dir) throws IOException {
        toy(dir);
        Files.delete(dir.resolve("TOY_graph_labels.txt"));
        assertFailsWith(NoSuchFileException.class, loader, dir, "missing TU graph labels (or TOY_graph_attributes.txt");
        Files.delete(dir.resolve("TOY_graph_indicator.txt"));
        assertFailsWith(NoSuchFileException.class, loader, dir, "TOY_graph_indicator.txt: missing TU graph indicator file");
        Files.delete(dir.resolve("TOY_A.txt"));
        assertFailsWith(NoSuchFileException.class, loader, dir, "no TU adjacency file (a file named *_A.txt)");
    }
}
