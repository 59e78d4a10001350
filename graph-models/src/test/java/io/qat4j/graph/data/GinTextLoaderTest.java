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
 * {@link GinTextLoader} on small GIN text datasets written here, unlike REDDIT-BINARY (other name,
 * label values, several tags, node attributes), with folds, the cleaning counts, and every
 * malformed case with its file and line.
 */
class GinTextLoaderTest {

    private final GinTextLoader loader = new GinTextLoader();

    /**
     * Three graphs labelled 5, -1, 5. Graph 1: a path 0-1-2 listed on both ends, node 0 also lists
     * itself (a self-loop) and node 1 lists node 0 twice. Graph 2: one node. Graph 3: node 0 lists
     * node 1, node 1 lists nothing (a missing reverse).
     */
    private static Path toy(Path dir) throws IOException {
        write(dir.resolve("toy"), "toy.txt",
                "3",
                "3 5",
                "9 2 1 0",
                "3 3 0 2 0",
                "9 1 1",
                "1 -1",
                "4 0",
                "2 5",
                "3 1 1",
                "3 0");
        return dir.resolve("toy");
    }

    @Test
    void readsADatasetThatIsNotRedditBinary(@TempDir Path dir) throws IOException {
        Path folder = toy(dir);
        write(folder, "10fold_idx/train_idx-1.txt", "0", "1");
        write(folder, "10fold_idx/test_idx-1.txt", "2");
        write(folder, "10fold_idx/train_idx-2.txt", "2", "0");
        write(folder, "10fold_idx/test_idx-2.txt", "1");
        write(folder, "10fold_idx/notes.txt", "not a fold file");
        write(folder, "SOURCE.txt", "where it came from");
        GraphDataset d = loader.load(folder);
        assertEquals("toy", d.name());
        assertEquals(GraphTask.GRAPH_CLASSIFICATION, d.task());
        assertEquals(List.of("-1", "5"), d.classNames());
        // tags 3, 4, 9 one-hot
        assertEquals(3, d.featureCount());
        Graph g1 = d.graphs().get(0);
        assertEquals(1, g1.label());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 0, 1}, g1.features());
        assertArrayEquals(new int[] {0, 1, 1, 2}, g1.src());
        assertArrayEquals(new int[] {1, 0, 2, 1}, g1.dst());
        assertEquals(0, d.graphs().get(1).label());
        assertArrayEquals(new float[] {0, 1, 0}, d.graphs().get(1).features());
        assertArrayEquals(new int[] {0, 1}, d.graphs().get(2).src());
        assertArrayEquals(new int[] {1, 0}, d.graphs().get(2).dst());
        assertEquals(new CleaningReport(3, 6, 6, 1, 1, 0, 1, List.of()), d.cleaning());
        assertEquals(List.of(new Fold(1, new int[] {0, 1}, new int[] {2}), new Fold(2, new int[] {2, 0}, new int[] {1})),
                d.folds());
        assertEquals(List.of("toy.txt", "train_idx-1.txt", "test_idx-1.txt", "train_idx-2.txt", "test_idx-2.txt"),
                d.files().stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void nodeAttributesFollowTheTagsAndFoldsMayBeAbsent(@TempDir Path dir) throws IOException {
        write(dir, "any-name.txt", "2", "2 0", "1 1 1 0.5 -2", "1 1 0 1 1", "1 1", "2 0 3.5 0");
        write(dir, "README.txt", "not the data");
        GraphDataset d = loader.load(dir);
        assertEquals("any-name", d.name());
        // tags 1, 2 one-hot, then two attributes
        assertEquals(4, d.featureCount());
        assertArrayEquals(new float[] {1, 0, 0.5f, -2, 1, 0, 1, 1}, d.graphs().get(0).features());
        assertArrayEquals(new float[] {0, 1, 3.5f, 0}, d.graphs().get(1).features());
        assertTrue(d.folds().isEmpty());
        assertTrue(d.loadSummary().endsWith("; no 10fold_idx folder: no folds shipped, the caller chooses them"),
                d.loadSummary());
    }

    @Test
    void malformedDataFiles(@TempDir Path dir) throws IOException {
        Path f = toy(dir);
        write(f, "toy.txt", "three");
        assertFails(loader, f, "toy.txt", 1, 1, "expected an integer number of graphs, found 'three'");
        write(f, "toy.txt", "0");
        assertFails(loader, f, "toy.txt", 1, 1, "expected at least 1 graph, found 0");
        write(f, "toy.txt", "1", "2 0 7", "1 0", "1 0");
        assertFails(loader, f, "toy.txt", 2, 0, "expected 2 fields (the header of graph 1: node count, graph label)");
        write(f, "toy.txt", "1", "0 1");
        assertFails(loader, f, "toy.txt", 2, 1, "expected at least 1 node in graph 1, found 0");
        write(f, "toy.txt", "1", "2 1", "1 2 1", "1 1 0");
        assertFails(loader, f, "toy.txt", 3, 2, "expected 2 neighbour indices after the neighbour count, found 1 fields");
        write(f, "toy.txt", "1", "2 1", "1 1 2", "1 1 0");
        assertFails(loader, f, "toy.txt", 3, 3, "expected a neighbour index in 0..1 (graph 1 has 2 nodes), found 2");
        write(f, "toy.txt", "1", "2 1", "1 1 -1", "1 1 0");
        assertFails(loader, f, "toy.txt", 3, 3, "found -1");
        write(f, "toy.txt", "1", "2 1", "1");
        assertFails(loader, f, "toy.txt", 3, 0, "expected a node line 't m nb_1 ... nb_m' (node 1 of graph 1)");
        write(f, "toy.txt", "2", "2 1", "1 1 1", "1 1 0", "3 0", "1 0");
        assertFails(loader, f, "toy.txt", 7, 0, "truncated: expected node line 2 of 3 of graph 2, found the end of the file");
        write(f, "toy.txt", "2", "2 1", "1 1 1", "1 1 0");
        assertFails(loader, f, "toy.txt", 5, 0, "truncated: expected the header 'n l' of graph 2 of 2");
        write(f, "toy.txt", "1", "2 1", "1 1 1", "1 1 0", "1 0");
        assertFails(loader, f, "toy.txt", 5, 0, "expected the end of the file after 1 graphs (the count on line 1)");
        write(f, "toy.txt", "1", "2 1", "1 1 1 0.5", "1 1 0");
        assertFails(loader, f, "toy.txt", 4, 0, "expected 1 node attributes after the neighbours, as on the first node"
                + " line, found 0 fields");
        write(f, "toy.txt", "1", "2 1", "1 1 1 zero", "1 1 0 1");
        assertFails(loader, f, "toy.txt", 3, 4, "expected a number node attribute, found 'zero'");
        write(f, "toy.txt", "1", "2 x", "1 1 1", "1 1 0");
        assertFails(loader, f, "toy.txt", 2, 2, "expected an integer graph label, found 'x'");
    }

    @Test
    void malformedFoldFiles(@TempDir Path dir) throws IOException {
        Path f = toy(dir);
        write(f, "10fold_idx/train_idx-1.txt", "0", "1");
        write(f, "10fold_idx/test_idx-1.txt", "2", "3");
        assertFails(loader, f, "test_idx-1.txt", 2, 1, "expected a graph index in 0..2, found 3");
        write(f, "10fold_idx/test_idx-1.txt", "2", "2");
        assertFails(loader, f, "test_idx-1.txt", 2, 1, "graph index 2 is listed twice");
        write(f, "10fold_idx/test_idx-1.txt", "2", "1");
        assertFails(loader, f, "test_idx-1.txt", 2, 1, "graph 1 is also a training graph of this fold");
        write(f, "10fold_idx/test_idx-1.txt", "2", "1 0");
        assertFails(loader, f, "test_idx-1.txt", 2, 0, "expected 1 field (a graph index), found 2");
        write(f, "10fold_idx/test_idx-1.txt", "2");
        write(f, "10fold_idx/train_idx-3.txt", "0");
        write(f, "10fold_idx/test_idx-3.txt", "1");
        assertFailsWith(NoSuchFileException.class, loader, f, "train_idx-2.txt: missing: folds are numbered 1..3");
        write(f, "10fold_idx/train_idx-2.txt", "0");
        assertFailsWith(NoSuchFileException.class, loader, f, "test_idx-2.txt: missing");
        write(f, "10fold_idx/test_idx-2.txt", "2");
        assertEquals(3, loader.load(f).folds().size());
    }

    @Test
    void theDataFileIsFolderNameDotTxtOrTheOnlyCandidate(@TempDir Path dir) throws IOException {
        write(dir, "a.txt", "1", "1 0", "1 0");
        write(dir, "b.txt", "1", "1 0", "1 0");
        assertFailsWith(IOException.class, loader, dir, "more than one candidate GIN text data file: a.txt, b.txt");
        write(dir, dir.getFileName() + ".txt", "1", "1 3", "1 0");
        assertEquals(List.of("3"), loader.load(dir).classNames());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertFailsWith(NoSuchFileException.class, loader, empty, "no GIN text data file (NAME.txt, NAME = the folder's name)");
    }
}
