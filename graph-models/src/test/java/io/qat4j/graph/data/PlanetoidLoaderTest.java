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
 * {@link PlanetoidLoader} on small LINQS datasets written here: one unlike Cora (paper ids that are
 * words, real-valued features, other class names), the cleaning counts, the split file, and every
 * malformed case with its file and line.
 */
class PlanetoidLoaderTest {

    private final PlanetoidLoader loader = new PlanetoidLoader();

    /** Five papers, three classes named out of order; cites with every kind of edge to clean. */
    private static Path citations(Path dir) throws IOException {
        write(dir, "webkb.content",
                "p1\t0.5\t0\t2\tzeta",
                "paperB\t1\t1\t0\talpha",
                "x-3 0 0.25 -1 mid",
                "p4\t0\t0\t0\talpha",
                "p5\t1e-1\t0\t0\tzeta");
        write(dir, "webkb.cites",
                "p1\tpaperB",       // paperB -> p1
                "paperB\tp1",       // p1 -> paperB: the pair in both directions
                "p1\tpaperB",       // repeated
                "x-3\tx-3",         // self-loop
                "p4\tx-3",          // x-3 -> p4, reverse missing
                "ghost\tp1",        // dangling
                "p5 nobody");       // dangling, blank-separated
        return dir;
    }

    @Test
    void readsADatasetThatIsNotCora(@TempDir Path dir) throws IOException {
        citations(dir);
        write(dir, "my_split.tsv",
                "planetoid_index\tlinqs_paper_id\tsplit\tlabel",
                "0\tp5\ttrain\tzeta",
                "1\tp1\ttrain\tzeta",
                "2\tpaperB\tval\talpha",
                "3\tx-3\ttest\tmid",
                "4\tp4\tunused\talpha");
        GraphDataset d = loader.load(dir);
        assertEquals("webkb", d.name());
        assertEquals(GraphTask.NODE_CLASSIFICATION, d.task());
        assertEquals(List.of("alpha", "mid", "zeta"), d.classNames());
        assertEquals(3, d.featureCount());
        assertEquals(1, d.graphCount());
        Graph g = d.graphs().get(0);
        assertArrayEquals(new int[] {2, 0, 1, 0, 2}, g.nodeLabels());
        assertArrayEquals(new float[] {0.5f, 0, 2, 1, 1, 0, 0, 0.25f, -1, 0, 0, 0, 0.1f, 0, 0}, g.features());
        // nodes p1=0, paperB=1, x-3=2, p4=3: edges 0<->1 and 2<->3
        assertArrayEquals(new int[] {0, 1, 2, 3}, g.src());
        assertArrayEquals(new int[] {1, 0, 3, 2}, g.dst());
        assertEquals(new CleaningReport(1, 5, 4, 1, 1, 2, 1, List.of()), d.cleaning());
        assertArrayEquals(new int[] {0, 4}, d.nodeSplit().orElseThrow().train());
        assertArrayEquals(new int[] {1}, d.nodeSplit().orElseThrow().validation());
        assertArrayEquals(new int[] {2}, d.nodeSplit().orElseThrow().test());
        assertEquals(List.of("webkb.content", "webkb.cites", "my_split.tsv"),
                d.files().stream().map(p -> p.getFileName().toString()).toList());
        assertEquals("webkb: 1 graph, 5 nodes, 4 directed edges (2 undirected); removed 1 self-loops, 1 duplicate edges;"
                + " dropped 2 edges with dangling ids; added 1 reverse edges", d.loadSummary());
    }

    @Test
    void withoutASplitFileTheDatasetSaysSo(@TempDir Path dir) throws IOException {
        GraphDataset d = loader.load(citations(dir));
        assertTrue(d.nodeSplit().isEmpty());
        assertTrue(d.loadSummary().endsWith("; no split file (*.tsv): no train/validation/test split shipped, the caller"
                + " chooses one"), d.loadSummary());
    }

    @Test
    void nodesTheSplitFileDoesNotListAreInNoSplit(@TempDir Path dir) throws IOException {
        citations(dir);
        write(dir, "s.tsv", "planetoid_index\tlinqs_paper_id\tsplit\tlabel", "0\tp4\ttest\talpha");
        GraphDataset d = loader.load(dir);
        assertArrayEquals(new int[] {3}, d.nodeSplit().orElseThrow().test());
        assertEquals(0, d.nodeSplit().orElseThrow().train().length);
        assertTrue(d.loadSummary().endsWith("; 4 nodes absent from s.tsv are in no split"), d.loadSummary());
    }

    @Test
    void malformedContent(@TempDir Path dir) throws IOException {
        write(dir, "a.cites", "1 2");
        write(dir, "a.content", "1 0 1 c", "2 0 1 0 c");
        assertFails(loader, dir, "a.content", 2, 0, "expected 4 fields (paper id, 2 features as on line 1, class label),"
                + " found 5");
        write(dir, "a.content", "1 0 1 c", "2 0 yes c");
        assertFails(loader, dir, "a.content", 2, 3, "expected a number (feature 2), found 'yes'");
        write(dir, "a.content", "1 0 1 c", "2 0 NaN c");
        assertFails(loader, dir, "a.content", 2, 3, "found 'NaN'");
        write(dir, "a.content", "1 0 1 c", "2 0 1e999 c");
        assertFails(loader, dir, "a.content", 2, 3, "within float range");
        write(dir, "a.content", "1 0 1 c", "2 1 1 c", "1 0 0 d");
        assertFails(loader, dir, "a.content", 3, 1, "paper id '1' is already on line 1");
        write(dir, "a.content", "1 c");
        assertFails(loader, dir, "a.content", 1, 0, "expected a paper id, at least one feature and a class label");
        write(dir, "a.content", "1 0 1 c", "", "2 0 1 c");
        assertFails(loader, dir, "a.content", 2, 0, "empty line");
        write(dir, "a.content");
        assertFails(loader, dir, "a.content", 1, 0, "found an empty file");
    }

    @Test
    void malformedCites(@TempDir Path dir) throws IOException {
        write(dir, "a.content", "1 0 1 c", "2 0 1 c");
        write(dir, "a.cites", "1 2", "2 1 1");
        assertFails(loader, dir, "a.cites", 2, 0, "expected 2 fields (cited paper id, citing paper id), found 3");
        write(dir, "a.cites", "1");
        assertFails(loader, dir, "a.cites", 1, 0, "found 1");
    }

    @Test
    void malformedSplitFiles(@TempDir Path dir) throws IOException {
        write(dir, "a.content", "1 0 1 c", "2 0 1 d");
        write(dir, "a.cites", "1 2");
        String header = "planetoid_index\tlinqs_paper_id\tsplit\tlabel";
        write(dir, "a.tsv", header, "0\t1\ttrain\tc", "1\t2\ttrain\tc");
        assertFails(loader, dir, "a.tsv", 3, 4, "label 'c' disagrees with a.content line 2, which gives 'd'");
        write(dir, "a.tsv", header, "0\t1\ttrain\tc", "1\t3\ttrain\td");
        assertFails(loader, dir, "a.tsv", 3, 2, "paper id '3' is not in a.content");
        write(dir, "a.tsv", header, "0\t1\ttrain\tc", "1\t1\ttest\tc");
        assertFails(loader, dir, "a.tsv", 3, 2, "paper id '1' is already on line 2");
        write(dir, "a.tsv", header, "0\t1\ttraining\tc");
        assertFails(loader, dir, "a.tsv", 2, 3, "expected a split train, val, test or unused, found 'training'");
        write(dir, "a.tsv", header, "x\t1\ttrain\tc");
        assertFails(loader, dir, "a.tsv", 2, 1, "expected an integer planetoid_index, found 'x'");
        write(dir, "a.tsv", header, "0\t1\ttrain");
        assertFails(loader, dir, "a.tsv", 2, 0, "expected 4 fields");
        write(dir, "a.tsv", "index\tpaper\tsplit\tlabel", "0\t1\ttrain\tc");
        assertFails(loader, dir, "a.tsv", 1, 0, "expected the header planetoid_index<TAB>linqs_paper_id<TAB>split<TAB>label");
    }

    @Test
    void missingOrAmbiguousFiles(@TempDir Path dir) throws IOException {
        write(dir, "a.content", "1 0 1 c");
        assertFailsWith(NoSuchFileException.class, loader, dir, "no LINQS cites file (a file named *.cites)");
        write(dir, "a.cites", "1 1");
        write(dir, "b.cites", "1 1");
        assertFailsWith(IOException.class, loader, dir, "more than one LINQS cites file (*.cites): a.cites, b.cites");
        Files.delete(dir.resolve("b.cites"));
        assertEquals(1, loader.load(dir).nodeCount());
        assertFailsWith(NoSuchFileException.class, loader, dir.resolve("absent"), "dataset folder not found");
    }
}
