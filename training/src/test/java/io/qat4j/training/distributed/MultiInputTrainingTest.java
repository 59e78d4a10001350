package io.qat4j.training.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.data.TaskData;
import io.qat4j.training.data.TrainingBatch;
import io.qat4j.training.data.TrainingBatches;
import io.qat4j.training.eval.Evaluator;
import io.qat4j.training.train.LocalStepRunner;
import io.qat4j.training.train.StepRunner;
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

/**
 * A network of several inputs with a labels mask ({@link TwoInputTask}) trained the way the run
 * lifecycle trains (the task's minibatches in order, in rounds of the runner's steps, one seed per
 * step) by the local runner and by the Spark runner on {@code local[2]} with two shards per step;
 * and inputs drawn per step, which both runners draw alike.
 */
class MultiInputTrainingTest {

    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("MultiInputTrainingTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
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
