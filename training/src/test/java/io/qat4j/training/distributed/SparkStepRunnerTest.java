package io.qat4j.training.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.layers.QuantParams;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.data.FashionMnist;
import io.qat4j.training.data.ImageTaskData;
import io.qat4j.training.data.RequiresData;
import io.qat4j.training.train.LocalTrainerTest;
import io.qat4j.training.train.RunLifecycle;
import io.qat4j.training.train.RunListener;
import io.qat4j.training.train.TrainResult;
import java.nio.file.Files;
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

/**
 * The Spark step runner on {@code local[2]} with the local trainer's test CNN and Fashion-MNIST
 * slice ({@link LocalTrainerTest#config}: 3 epochs of 6 global minibatches of 32, 4-bit weights,
 * quantization from step 4, batch norm frozen from step 12, observers from step 14), run through
 * the same {@link RunLifecycle} as the local trainer.
 */
class SparkStepRunnerTest {

    private static JavaSparkContext sc;
    private static ImageTaskData slice;

    @BeforeAll
    static void start() throws Exception {
        FashionMnist fm = FashionMnist.load(RequiresData.fashionMnist());
        slice = new ImageTaskData(fm.train().subset(0, 192), null, fm.test().subset(0, 100));
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("SparkStepRunnerTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    private static TrainResult train(ExperimentConfig config, io.qat4j.training.train.RunOptions options,
            List<SparkStepRunner.Round> rounds) throws Exception {
        SparkStepRunner runner = new SparkStepRunner(sc, 2, 1);
        runner.onRound(rounds::add);
        return new RunLifecycle(runner, c -> slice).run(config, options);
    }

    /**
     * Every round: both workers start from exactly the state the driver broadcast, they end it with
     * different states (different shards), and the merged state applied to each returned copy (what
     * the next broadcast does) gives the driver's network bit for bit: parameters with the observer
     * ranges, updater state, iteration and epoch counts. The run trains, checkpoints and ends like
     * the same run resumed from a checkpoint, bit for bit.
     */
    @Test
    void everyRoundLeavesWorkersIdenticalToTheDriverAndARunTrainsAndResumes(@TempDir Path dir) throws Exception {
        List<SparkStepRunner.Round> rounds = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        RunListener lossProbe = new RunListener() {
            @Override
            public void onStep(Step step, ComputationGraph net, org.nd4j.linalg.dataset.api.DataSet batch) {
                losses.add(step.loss());
            }
        };
        TrainResult full = train(LocalTrainerTest.config(dir, "full"),
                LocalTrainerTest.quiet().withListeners(List.of(lossProbe)), rounds);

        assertEquals(18, full.steps());
        assertEquals(18, rounds.size());
        for (SparkStepRunner.Round r : rounds) {
            assertEquals(2, r.startDigests().size());
            for (String d : r.startDigests()) {
                assertEquals(r.broadcastDigest(), d, "round " + r.index() + ": a worker restored another state");
            }
            assertNotEquals(NetworkBytes.stateDigest(r.workers().get(0)), NetworkBytes.stateDigest(r.workers().get(1)),
                    "round " + r.index() + ": the shards should train the copies apart");
            for (ComputationGraph w : r.workers()) {
                r.merged().applyTo(w);
                assertEquals(r.mergedDigest(), NetworkBytes.stateDigest(w), "round " + r.index() + " after the broadcast");
            }
            assertEquals(r.index() + 1, r.merged().iterationCount());
        }
        // the observers ran on the workers (14 scheduled steps, as in the local run) and their state reached the driver
        assertEquals(14.0, full.network().getLayer("L0_conv").getParam(QuantParams.OUTPUT_RANGE).getDouble(2));
        assertTrue(losses.stream().allMatch(l -> Double.isFinite(l) && l > 0), losses.toString());
        assertTrue(losses.get(17) < losses.get(0), losses.toString());
        // above chance: 18 or more of the 100 test images right has probability 0.0100 for a guesser that is right
        // with probability 0.1 (binomial upper tail), so this rejects "no better than chance" at the 1% level
        assertTrue(full.testAccuracy() >= 0.18, "test accuracy " + full.testAccuracy());
        assertTrue(Files.exists(full.run().checkpoints().resolve("LATEST")));

        ExperimentConfig cut = LocalTrainerTest.config(dir, "cut");
        train(cut, LocalTrainerTest.quiet().withMaxSteps(8), new ArrayList<>());
        List<SparkStepRunner.Round> resumedRounds = new ArrayList<>();
        TrainResult resumed = train(cut, LocalTrainerTest.quiet().withResume(true), resumedRounds);
        assertEquals(10, resumedRounds.size());
        assertEquals(full.steps(), resumed.steps());
        assertEquals(full.network().params(), resumed.network().params());
        assertEquals(NetworkBytes.stateDigest(full.network()), NetworkBytes.stateDigest(resumed.network()));
    }
}
