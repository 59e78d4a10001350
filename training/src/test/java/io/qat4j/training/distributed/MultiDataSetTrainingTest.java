package io.qat4j.training.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.layers.InputScales;
import io.qat4j.training.data.FashionMnist;
import io.qat4j.training.data.ImageDataSetIterator;
import io.qat4j.training.data.ImageTaskData;
import io.qat4j.training.data.RequiresData;
import io.qat4j.training.data.TaskData;
import io.qat4j.training.data.TrainingBatch;
import io.qat4j.training.data.TrainingBatches;
import io.qat4j.training.eval.Evaluator;
import io.qat4j.training.model.NetworkBuilder;
import io.qat4j.training.train.LocalStepRunner;
import io.qat4j.training.train.LocalTrainerTest;
import io.qat4j.training.train.StepRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The trainers on {@code MultiDataSet}s. The CNN path did not change by one bit when they moved
 * from DL4J {@code DataSet}s: W8A8 steps of the test CNN (quantized from the first step, batch
 * norm, dropout) through the runners and {@code TrainingBatch}es leave parameters, updater state,
 * quantizer state, iteration counts and losses bit-identical to DL4J's
 * {@code ComputationGraph.fit(DataSet)} on the same Fashion-MNIST minibatches with the same seeds:
 * locally, and on Spark {@code local[2]} against the round the runner computed before (each
 * worker's {@code DataSet} rows, fitted from the round's state with its shard seed, the copies
 * merged by {@link WorkerStateMerge}). A network of several inputs with a labels mask
 * ({@link TwoInputTask}) trains the way the run lifecycle trains (the task's minibatches in order,
 * in rounds of the runner's steps, one seed per step) with the local runner and with the Spark
 * runner on two shards per step; and inputs drawn per step are drawn alike by both runners.
 */
class MultiDataSetTrainingTest {

    private static JavaSparkContext sc;
    private static ImageTaskData slice;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("MultiDataSetTrainingTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    /** @return 192 training and 100 test images of Fashion-MNIST (the test is skipped or failed without them, as configured) */
    private static synchronized ImageTaskData slice() throws Exception {
        if (slice == null) {
            FashionMnist fm = FashionMnist.load(RequiresData.fashionMnist());
            slice = new ImageTaskData(fm.train().subset(0, 192), null, fm.test().subset(0, 100));
        }
        return slice;
    }

    /** The test CNN with 8-bit weights and activations, fake-quantized from step 0. */
    private static ComputationGraph w8a8(Path dir) {
        Nd4j.getRandom().setSeed(7);
        return new NetworkBuilder(LocalTrainerTest.config(dir, "w8a8", "quantization.weights.bits=8",
                "quantization.activations.bits=8",
                "quantization.schedule={fp32WarmupSteps: 0, freezeObserversStep: 14, freezeBatchNormStep: 12}"), 6).build();
    }

    /** The minibatches of the first epoch as DL4J DataSets, in the order the task serves them. */
    private static List<DataSet> dataSets() throws Exception {
        ImageDataSetIterator it = new ImageDataSetIterator(slice().train(), 32, true, 7, 0, 0);
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
    void localStepsEqualFitOfDataSetsBitForBit(@TempDir Path dir) throws Exception {
        ComputationGraph net = w8a8(dir);
        ComputationGraph reference = w8a8(dir);
        assertEquals(NetworkBytes.stateDigest(reference), NetworkBytes.stateDigest(net));
        TrainingBatches batches = slice().training(32, 7, 0, 0);
        List<DataSet> dataSets = dataSets();
        assertEquals(6, dataSets.size());
        String before = NetworkBytes.stateDigest(net);
        for (int t = 0; t < 6; t++) {
            double loss = new LocalStepRunner().fit(net, List.of(batches.next()), new long[] {seed(t)})[0];
            Nd4j.getRandom().setSeed(seed(t));
            InputScales.bind(reference); // a step of the runners is this bind, then fit
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
    void sparkRoundsEqualRoundsOfFitOfDataSetsBitForBit(@TempDir Path dir) throws Exception {
        ComputationGraph net = w8a8(dir);
        ComputationGraph reference = w8a8(dir);
        TrainingBatches batches = slice().training(32, 7, 0, 0);
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
                        InputScales.bind(copy);
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

    /** Trains {@code epochs} epochs as {@code RunLifecycle} does: rounds of the runner's steps, step {@code t} seeded {@code 1000 + t}. */
    private static void train(StepRunner runner, ComputationGraph net, TaskData data, int epochs) {
        TrainingBatches it = data.training(TwoInputTask.BATCH, 1, 0, 0);
        long step = 0;
        for (int e = 0; e < epochs; e++) {
            while (it.hasNext()) {
                List<TrainingBatch> round = new ArrayList<>();
                long[] seeds = new long[runner.stepsPerRound()];
                while (round.size() < runner.stepsPerRound() && it.hasNext()) {
                    seeds[round.size()] = 1000 + step + round.size();
                    round.add(it.next());
                }
                double[] losses = runner.fit(net, round, Arrays.copyOf(seeds, round.size()));
                assertTrue(Arrays.stream(losses).allMatch(l -> Double.isFinite(l) && l > 0), Arrays.toString(losses));
                step += round.size();
            }
            it.nextEpoch();
        }
    }

    /**
     * The trained network classifies the scored test examples, and predicts the true rule, not the
     * opposite class, on the unscored ones: the training honoured the labels mask (a network trained
     * on every example sees both classes equally often everywhere; measured with the mask dropped
     * from the training batches: 70% on the scored examples). Thresholds: the classes are separated
     * by a margin of 0.3 in a linear score, which 3 epochs of Adam on the 256 scored examples teach
     * a 5-8-2 network to above 95% (measured: 100% locally and on Spark), against 50% by chance.
     */
    private static void checkLearnt(ComputationGraph net, TwoInputTask data, String runner) {
        double scored = Evaluator.evaluate(net, data.test()).accuracy();
        assertTrue(scored >= 0.95, runner + ": accuracy on the scored examples " + scored);
        int[] predicted = Evaluator.predict(net, data.testWithoutMask()).classes();
        int[] labels = data.testWithoutMask().truth().classes();
        int unscoredAgreeing = 0;
        for (int i = 1; i < labels.length; i += 2) {
            unscoredAgreeing += predicted[i] == labels[i] ? 1 : 0;
        }
        assertTrue(unscoredAgreeing <= 0.05 * labels.length / 2, runner + ": " + unscoredAgreeing
                + " unscored examples predicted as their (opposite) label: the mask was not honoured");
    }

    @Test
    void aTwoInputNetworkWithALabelsMaskTrainsLocallyAndOnSparkShards() {
        TwoInputTask data = new TwoInputTask(11, 512, 256, false);

        ComputationGraph local = TwoInputTask.network(false);
        train(new LocalStepRunner(), local, data, 3);
        checkLearnt(local, data, "local");

        ComputationGraph spark = TwoInputTask.network(false);
        SparkStepRunner runner = new SparkStepRunner(sc, 2, 1, 2);
        List<SparkStepRunner.Round> rounds = new ArrayList<>();
        runner.onRound(rounds::add);
        try (runner) {
            train(runner, spark, data, 3);
        }
        assertEquals(24, rounds.size(), "48 steps in rounds of 2");
        for (SparkStepRunner.Round r : rounds) {
            assertEquals(2, r.startDigests().size(), "round " + r.index() + ": two shards per step");
            assertEquals(2, r.steps());
        }
        assertEquals(48, spark.getIterationCount());
        checkLearnt(spark, data, "Spark");
    }

    /**
     * An input drawn per step ({@code keep}, from the step's seed and each example's index in the
     * global batch): the two Spark workers of each step together draw, example for example, what
     * the local runner draws for the whole batch of that step; the draws differ from step to step
     * and are about half ones (192 fair draws: within 0.3 to 0.7 unless 5 standard deviations off).
     */
    @Test
    void perStepInputsAreDrawnAlikeByTheLocalRunnerAndTheSparkShards() {
        TwoInputTask data = new TwoInputTask(12, 192, 64, true);
        TwoInputTask.DRAWS.clear();
        ComputationGraph local = TwoInputTask.network(true);
        train(new LocalStepRunner(), local, data, 1);
        Map<Long, float[]> localDraws = new HashMap<>(TwoInputTask.DRAWS);

        TwoInputTask.DRAWS.clear();
        ComputationGraph spark = TwoInputTask.network(true);
        try (SparkStepRunner runner = new SparkStepRunner(sc, 2, 1, 1)) {
            train(runner, spark, data, 1);
        }
        Map<Long, float[]> sparkDraws = new HashMap<>(TwoInputTask.DRAWS);

        assertEquals(6, localDraws.size());
        assertEquals(localDraws.keySet(), sparkDraws.keySet());
        double ones = 0;
        for (Map.Entry<Long, float[]> e : localDraws.entrySet()) {
            assertArrayEquals(e.getValue(), sparkDraws.get(e.getKey()), "step seed " + e.getKey());
            for (float v : e.getValue()) {
                ones += v;
            }
        }
        assertEquals(6, localDraws.values().stream().map(Arrays::toString).distinct().count(), "every step draws anew");
        assertTrue(ones / 192 > 0.3 && ones / 192 < 0.7, ones + " ones in 192 draws");
        // scored with keep = 0, both networks took the three inputs
        assertEquals(32, Evaluator.predict(local, data.test()).classes().length);
        assertEquals(32, Evaluator.predict(spark, data.test()).classes().length);
    }
}
