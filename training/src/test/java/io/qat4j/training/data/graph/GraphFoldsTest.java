package io.qat4j.training.data.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.graph.data.GinTextLoader;
import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphDataset;
import io.qat4j.graph.data.SmilesCsvLoader;
import io.qat4j.graph.data.TuLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The k-fold cross-validation of graph-level datasets ({@link GraphFolds}). */
class GraphFoldsTest {

    /** Test folds are disjoint and cover the graphs; each run's three sets partition them; val = previous test. */
    @Test
    void foldsPartitionTheGraphsAndValidateOnThePreviousFold(@TempDir Path dir) throws Exception {
        GraphDataset d = new TuLoader().load(SyntheticGraphs.tu(dir.resolve("R"), "R"));
        int k = 7;
        List<int[]> tests = GraphFolds.testFolds(d, k, 12345);
        int[] all = tests.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(IntStream.range(0, d.graphCount()).toArray(), all, "every graph in exactly one test fold");
        for (int f = 0; f < k; f++) {
            GraphFolds run = GraphFolds.of(d, k, f, 12345);
            assertArrayEquals(tests.get(f), run.test());
            assertArrayEquals(tests.get((f + k - 1) % k), run.validation(), "validation is the previous fold's test");
            int[] union = IntStream.concat(IntStream.concat(Arrays.stream(run.train()), Arrays.stream(run.test())),
                    Arrays.stream(run.validation())).sorted().toArray();
            assertArrayEquals(IntStream.range(0, d.graphCount()).toArray(), union,
                    "fold " + f + " partitions the graphs");
            assertTrue(tests.get(f).length == 5 || tests.get(f).length == 6, "40 graphs in 7 folds: 5 or 6 each");
        }
    }

    /** Every fold holds each class's share, rounded down or up; another seed draws other folds. */
    @Test
    void classificationFoldsAreStratifiedAndSeeded(@TempDir Path dir) throws Exception {
        GraphDataset d = new TuLoader().load(SyntheticGraphs.tu(dir.resolve("R"), "R"));
        // make the classes unequal: drop 14 stars, leaving 20 cycles and 6 stars
        List<Graph> graphs = new java.util.ArrayList<>(d.graphs());
        for (int g = graphs.size() - 1, dropped = 0; dropped < 14; g--) {
            if (graphs.get(g).label() == 1) {
                graphs.remove(g);
                dropped++;
            }
        }
        GraphDataset unequal = new GraphDataset(d.name(), d.task(), graphs, d.featureCount(), d.classNames(),
                d.targetNames(), d.nodeSplit(), d.folds(), d.cleaning(), d.files());
        List<int[]> tests = GraphFolds.testFolds(unequal, 4, 12345);
        for (int[] t : tests) {
            long stars = Arrays.stream(t).filter(g -> graphs.get(g).label() == 1).count();
            assertTrue(stars == 1 || stars == 2, "6 stars in 4 folds: 1 or 2 per fold, got " + stars);
            assertTrue(t.length - stars == 5, "20 cycles in 4 folds: 5 per fold");
        }
        assertArrayEquals(tests.get(0), GraphFolds.testFolds(unequal, 4, 12345).get(0), "same seed, same folds");
        boolean differs = false;
        for (long seed = 1; seed < 4 && !differs; seed++) {
            differs = !Arrays.equals(tests.get(0), GraphFolds.testFolds(unequal, 4, seed).get(0));
        }
        assertTrue(differs, "other seeds draw other folds");
    }

    @Test
    void regressionFoldsAreSeededWithoutClasses(@TempDir Path dir) throws Exception {
        GraphDataset d = new SmilesCsvLoader("smiles", List.of("atoms"))
                .load(SyntheticGraphs.smilesCsv(dir.resolve("m")));
        List<int[]> tests = GraphFolds.testFolds(d, 10, 12345);
        assertEquals(10, tests.size());
        assertTrue(tests.stream().allMatch(t -> t.length == 4));
        assertArrayEquals(IntStream.range(0, 40).toArray(),
                tests.stream().flatMapToInt(Arrays::stream).sorted().toArray());
    }

    /** GIN text's shipped folds are used as they are: fold i tests on test_idx-(i+1). */
    @Test
    void shippedFoldsAreUsedAndTheirCountMustMatch(@TempDir Path dir) throws Exception {
        GraphDataset d = new GinTextLoader().load(SyntheticGraphs.ginText(dir.resolve("RT"), 4));
        GraphFolds run = GraphFolds.of(d, 4, 0, 99);
        assertArrayEquals(IntStream.range(0, 10).map(i -> 4 * i).toArray(), run.test(), "graphs 0, 4, 8, ...");
        assertArrayEquals(IntStream.range(0, 10).map(i -> 4 * i + 3).toArray(), run.validation(), "the last fold");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphFolds.of(d, 10, 0, 1));
        assertTrue(e.getMessage().contains("ships 4 folds; dataset.folds must be 4, got 10"), e.getMessage());
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> GraphFolds.testFolds(new GinTextLoader().load(SyntheticGraphs.ginText(dir.resolve("X"), 0)),
                        41, 1));
        assertTrue(few.getMessage().contains("must be in 3..40, got 41"), few.getMessage());
    }
}
