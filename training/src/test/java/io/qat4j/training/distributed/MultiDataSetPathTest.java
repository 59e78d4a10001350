package io.qat4j.training.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.qat4j.training.data.FashionMnist;
import io.qat4j.training.data.ImageDataSetIterator;
import io.qat4j.training.data.ImageTaskData;
import io.qat4j.training.data.RequiresData;
import io.qat4j.training.data.TrainingBatch;
import io.qat4j.training.data.TrainingBatches;
import io.qat4j.training.model.NetworkBuilder;
import io.qat4j.training.train.LocalStepRunner;
import io.qat4j.training.train.LocalTrainerTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The CNN path did not change by one bit when the trainers moved from DL4J {@code DataSet}s to
 * {@code MultiDataSet}s: W8A8 steps of the test CNN (quantized from the first step, batch norm,
 * dropout) through the runners and {@code TrainingBatch}es leave parameters, updater state,
 * quantizer state, iteration counts and losses bit-identical to DL4J's
 * {@code ComputationGraph.fit(DataSet)} on the same Fashion-MNIST minibatches with the same seeds:
 * locally, and on Spark {@code local[2]} against the round the runner computed before (each
 * worker's {@code DataSet} rows, fitted from the round's state with its shard seed, the copies
 * merged by {@link WorkerStateMerge}).
 */
class MultiDataSetPathTest {

    private static JavaSparkContext sc;
    private static ImageTaskData slice;

    @BeforeAll
    static void start() throws Exception {
        FashionMnist fm = FashionMnist.load(RequiresData.fashionMnist());
        slice = new ImageTaskData(fm.train().subset(0, 192), null, fm.test().subset(0, 100));
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("MultiDataSetPathTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    /** The test CNN with 8-bit weights and activations, fake-quantized from step 0. */
    private static ComputationGraph w8a8(Path dir) {
        Nd4j.getRandom().setSeed(7);
        return new NetworkBuilder(LocalTrainerTest.config(dir, "w8a8", "quantization.weights.bits=8",
                "quantization.activations.bits=8",
                "quantization.schedule={fp32WarmupSteps: 0, freezeObserversStep: 14, freezeBatchNormStep: 12}"), 6).build();
    }

    /** The minibatches of the first epoch as DL4J DataSets, in the order the task serves them. */
    private static List<DataSet> dataSets() {
        ImageDataSetIterator it = new ImageDataSetIterator(slice.train(), 32, true, 7, 0, 0);
        List<DataSet> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    private static long seed(int step) {
        return 0x5EEDL * 31 + step;
    }

    @Test
    void localStepsEqualFitOfDataSetsBitForBit(@TempDir Path dir) {
        ComputationGraph net = w8a8(dir);
        ComputationGraph reference = w8a8(dir);
        assertEquals(NetworkBytes.stateDigest(reference), NetworkBytes.stateDigest(net));
        TrainingBatches batches = slice.training(32, 7, 0, 0);
        List<DataSet> dataSets = dataSets();
        assertEquals(6, dataSets.size());
        String before = NetworkBytes.stateDigest(net);
        for (int t = 0; t < 6; t++) {
            double loss = new LocalStepRunner().fit(net, List.of(batches.next()), new long[] {seed(t)})[0];
            Nd4j.getRandom().setSeed(seed(t));
            reference.fit(dataSets.get(t));
            assertEquals(NetworkBytes.stateDigest(reference), NetworkBytes.stateDigest(net), "after step " + t);
            assertEquals(Double.doubleToLongBits(reference.score()), Double.doubleToLongBits(loss), "loss of step " + t);
        }
        assertEquals(6, net.getIterationCount());
        assertNotEquals(before, NetworkBytes.stateDigest(net));
    }

    /** Rows {@code [from, to)} of a DataSet, copied: the runner's shards before {@code RowBatch}. */
    private static DataSet rows(DataSet d, int from, int to) {
        return new DataSet(d.getFeatures().get(NDArrayIndex.interval(from, to)).dup(),
                d.getLabels().get(NDArrayIndex.interval(from, to)).dup());
    }

    /**
     * Three rounds of two steps, two workers: the Spark runner's network after each round equals
     * the reference round computed with {@code fit(DataSet)} on the driver, bit for bit, and so do
     * the round's losses (each step's loss the mean of the shards' losses weighted by their examples).
     */
    @Test
    void sparkRoundsEqualRoundsOfFitOfDataSetsBitForBit(@TempDir Path dir) {
        ComputationGraph net = w8a8(dir);
        ComputationGraph reference = w8a8(dir);
        TrainingBatches batches = slice.training(32, 7, 0, 0);
        List<DataSet> dataSets = dataSets();
        try (SparkStepRunner runner = new SparkStepRunner(sc, 2, 1, 2)) {
            for (int round = 0; round < 3; round++) {
                long[] seeds = {seed(2 * round), seed(2 * round + 1)};
                List<TrainingBatch> global = List.of(batches.next(), batches.next());
                double[] losses = runner.fit(net, global, seeds);

                List<ComputationGraph> copies = new ArrayList<>();
                double[] lossSums = new double[2];
                for (int s = 0; s < 2; s++) {
                    ComputationGraph copy = reference.clone();
                    NetworkBytes.of(reference).applyTo(copy);
                    for (int i = 0; i < 2; i++) {
                        DataSet step = dataSets.get(2 * round + i);
                        DataSet shard = rows(step, 16 * s, 16 * (s + 1));
                        Nd4j.getRandom().setSeed(SparkStepRunner.shardSeed(seeds[i], s));
                        copy.fit(shard);
                        lossSums[i] += copy.score() * shard.numExamples();
                    }
                    copies.add(copy);
                }
                WorkerStateMerge.mergeCopies(copies).applyTo(reference);
                assertEquals(NetworkBytes.stateDigest(reference), NetworkBytes.stateDigest(net), "after round " + round);
                for (int i = 0; i < 2; i++) {
                    assertEquals(Double.doubleToLongBits(lossSums[i] / 32), Double.doubleToLongBits(losses[i]),
                            "loss of step " + (2 * round + i));
                }
            }
        }
        assertEquals(6, net.getIterationCount());
    }
}
