package io.qat4j.training.data.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphDataset;
import io.qat4j.graph.data.TuLoader;
import io.qat4j.graph.layers.DegreeQuantMask;
import io.qat4j.training.data.DataOrigin;
import io.qat4j.training.data.TrainingBatch;
import io.qat4j.training.data.TrainingBatches;
import io.qat4j.training.eval.TaskKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Graph minibatches: shards of whole graphs, per-step masks, the seeded epoch order, evaluation batches. */
class GraphMinibatchTest {

    private static GraphLevelData data(Path dir, DegreeQuantMask mask) throws Exception {
        GraphDataset d = new TuLoader().load(SyntheticGraphs.tu(dir.resolve("R"), "R"));
        return new GraphLevelData("R", d.graphs(), GraphFolds.of(d, 4, 0, 12345), TaskKind.CLASSIFICATION, mask,
                DataOrigin.inMemory("R", DataOrigin.splits(20, 10, 10), OptionalInt.of(2)));
    }

    /** The shards of a step, concatenated, are the whole batch: inputs, labels and the drawn masks. */
    @Test
    void shardsDrawExactlyTheMasksOfTheWholeBatch(@TempDir Path dir) throws Exception {
        // p in [0.3, 0.7]: every node is protected or not with probability >= 0.3, so masks vary
        TrainingBatch whole = data(dir, new DegreeQuantMask(0.3, 0.7)).training(13, 1, 0, 0).next();
        assertEquals(13, whole.examples());
        for (int n : new int[] {1, 2, 3, 13}) {
            List<TrainingBatch> shards = whole.shards(n);
            assertEquals(n, shards.size());
            assertEquals(13, shards.stream().mapToInt(TrainingBatch::examples).sum());
            for (int input = 0; input < 4; input++) {
                if (input == 1 || input == 2) {
                    continue; // edges and graph ids are renumbered per shard
                }
                INDArray[] parts = new INDArray[n];
                for (int s = 0; s < n; s++) {
                    parts[s] = serialized(shards.get(s)).forStep(77).getFeatures(input);
                }
                assertEquals(whole.forStep(77).getFeatures(input), Nd4j.vstack(parts), "input " + input + ", "
                        + n + " shards");
            }
            INDArray[] labels = shards.stream().map(s -> s.data().getLabels(0)).toArray(INDArray[]::new);
            assertEquals(whole.data().getLabels(0), Nd4j.vstack(labels));
        }
        INDArray mask = whole.forStep(77).getFeatures(3);
        double share = mask.sumNumber().doubleValue() / mask.length();
        assertTrue(share > 0 && share < 1, "some nodes protected, not all: " + share);
        assertNotEquals(mask, whole.forStep(78).getFeatures(3), "another step draws another mask");
        assertEquals(0.0, whole.data().getFeatures(3).sumNumber().doubleValue(), "scored without protection");
        assertEquals(0.0, data(dir, null).training(13, 1, 0, 0).next().forStep(77).getFeatures(3)
                .sumNumber().doubleValue(), "no protection without Degree-Quant");
        assertThrows(IllegalArgumentException.class, () -> whole.shards(14));
    }

    private static TrainingBatch serialized(TrainingBatch b) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(b);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (TrainingBatch) in.readObject();
        }
    }

    /** The order of an epoch depends on the seed and the epoch only: a resumed run sees the same batches. */
    @Test
    void epochOrderIsResumable(@TempDir Path dir) throws Exception {
        GraphLevelData d = data(dir, null);
        assertEquals(4, d.batchesPerEpoch(6), "20 training graphs in batches of 6: 6, 6, 6, 2");
        TrainingBatches run = d.training(6, 9, 0, 0);
        List<MultiDataSet> epoch2 = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            List<MultiDataSet> seen = new ArrayList<>();
            while (run.hasNext()) {
                seen.add(run.next().data());
            }
            assertEquals(4, seen.size());
            assertEquals(2, seen.get(3).getLabels(0).rows(), "the last batch holds the remainder");
            if (e == 2) {
                epoch2 = seen;
            } else {
                run.nextEpoch();
            }
        }
        TrainingBatches resumed = d.training(6, 9, 2, 1);
        for (int b = 1; b < 4; b++) {
            assertEquals(epoch2.get(b).getFeatures(0), resumed.next().data().getFeatures(0), "batch " + b);
        }
        assertTrue(!java.util.Arrays.equals(d.epochOrder(9, 0), d.epochOrder(9, 1)), "epochs are reshuffled");
        int[] sorted = d.epochOrder(9, 0);
        java.util.Arrays.sort(sorted);
        assertArrayEquals(GraphFolds.of(new TuLoader().load(dir.resolve("R")), 4, 0, 12345).train(), sorted);
    }

    /** Evaluation batches hold at most the batch size in graphs and keep the order; labels are [G, C]. */
    @Test
    void evaluationSetsAreBatchedInOrder(@TempDir Path dir) throws Exception {
        GraphLevelData d = data(dir, new DegreeQuantMask(0.5, 0.5));
        int rows = 0;
        List<Integer> labels = new ArrayList<>();
        for (MultiDataSet b : d.test().batches(3)) {
            long g = b.getLabels(0).rows();
            assertTrue(g <= 3);
            assertEquals(2, b.getLabels(0).columns());
            assertEquals(0.0, b.getFeatures(3).sumNumber().doubleValue(), "evaluated without protection");
            for (int i = 0; i < g; i++) {
                labels.add(b.getLabels(0).getDouble(i, 1) == 1.0 ? 1 : 0);
            }
            rows += (int) g;
        }
        assertEquals(10, rows);
        assertArrayEquals(d.test().truth().classes(), labels.stream().mapToInt(Integer::intValue).toArray());
        int bigNodes = GraphLevelData.MAX_EVALUATION_NODES - 1;
        Graph big = Graph.forGraphClassification(bigNodes, 1, new float[bigNodes], new int[0], new int[0], 0, 2);
        Graph small = Graph.forGraphClassification(1, 1, new float[1], new int[0], new int[0], 1, 2);
        var set = new GraphLevelData.GraphEvaluationSet(TaskKind.CLASSIFICATION, List.of(small, big, small));
        List<Long> sizes = new ArrayList<>();
        set.batches(500).forEach(b -> sizes.add((long) b.getLabels(0).rows()));
        assertEquals(List.of(2L, 1L), sizes, "a batch takes graphs up to the node bound, not one node more");
    }
}
