package io.qat4j.training.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.layers.QuantParams;
import io.qat4j.training.config.DistributedConfig;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.data.FashionMnist;
import io.qat4j.training.data.ImageTaskData;
import io.qat4j.training.data.RequiresData;
import io.qat4j.training.data.TrainingBatches;
import io.qat4j.training.model.NetworkBuilder;
import io.qat4j.training.train.LocalTrainer;
import io.qat4j.training.train.LocalTrainerTest;
import io.qat4j.training.train.RunLifecycle;
import io.qat4j.training.train.RunListener;
import io.qat4j.training.train.RunOptions;
import io.qat4j.training.train.TrainResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
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

    /** Trains on {@code local[2]} with the config's workers, threads and averaging period. */
    private static TrainResult train(ExperimentConfig config, RunOptions options,
            List<SparkStepRunner.Round> rounds) throws Exception {
        DistributedConfig d = config.distributed();
        SparkStepRunner runner = new SparkStepRunner(sc, d.workers(), d.nd4jThreadsPerTask(), d.averagingSteps());
        runner.onRound(rounds::add);
        return new RunLifecycle(runner, c -> slice).run(config, options);
    }

    /**
     * Checks one round: both workers start from exactly the state the driver broadcast, they end it
     * with different states (different shards), and the merged state applied to each returned copy
     * (what the next broadcast does) gives the driver's network bit for bit: parameters with the
     * observer ranges, updater state, iteration and epoch counts; the iteration count grew by the
     * round's steps.
     */
    private static void checkRound(SparkStepRunner.Round r, long iterationsBefore) {
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
        assertEquals(iterationsBefore + r.steps(), r.merged().iterationCount(), "round " + r.index());
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
            public void onStep(Step step, ComputationGraph net, org.nd4j.linalg.dataset.api.MultiDataSet batch) {
                losses.add(step.loss());
            }
        };
        TrainResult full = train(LocalTrainerTest.config(dir, "full"),
                LocalTrainerTest.quiet().withListeners(List.of(lossProbe)), rounds);

        assertEquals(18, full.steps());
        assertEquals(18, rounds.size());
        for (SparkStepRunner.Round r : rounds) {
            assertEquals(1, r.steps());
            checkRound(r, r.index());
        }
        // the observers ran on the workers (14 scheduled steps, as in the local run) and their state reached the driver
        assertEquals(14.0, full.network().getLayer("L0_conv").getParam(QuantParams.OUTPUT_RANGE).getDouble(2));
        assertTrue(losses.stream().allMatch(l -> Double.isFinite(l) && l > 0), losses.toString());
        assertTrue(losses.get(17) < losses.get(0), losses.toString());
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

    /**
     * Averaging every 2 steps: rounds of at most 2 steps that end at every checkpoint step (5, 10,
     * 15) and epoch end (6, 12, 18), each leaving the workers identical to the driver with the
     * iteration count grown by its steps; a run cut at a round boundary and resumed ends bit for bit
     * like the uninterrupted one.
     */
    @Test
    void averagingEveryTwoStepsKeepsWorkersIdenticalAndResumesExactly(@TempDir Path dir) throws Exception {
        List<SparkStepRunner.Round> rounds = new ArrayList<>();
        TrainResult full = train(LocalTrainerTest.config(dir, "k2", "distributed.averagingSteps=2"),
                LocalTrainerTest.quiet(), rounds);
        assertEquals(18, full.steps());
        long iterations = 0;
        List<Long> boundaries = new ArrayList<>();
        for (SparkStepRunner.Round r : rounds) {
            assertTrue(r.steps() >= 1 && r.steps() <= 2, "round " + r.index() + " has " + r.steps() + " steps");
            checkRound(r, iterations);
            iterations += r.steps();
            boundaries.add(iterations);
        }
        assertEquals(List.of(2L, 4L, 5L, 6L, 8L, 10L, 12L, 14L, 15L, 17L, 18L), boundaries);
        assertEquals(18, full.network().getIterationCount());

        ExperimentConfig cut = LocalTrainerTest.config(dir, "k2cut", "distributed.averagingSteps=2");
        train(cut, LocalTrainerTest.quiet().withMaxSteps(8), new ArrayList<>());
        TrainResult resumed = train(cut, LocalTrainerTest.quiet().withResume(true), new ArrayList<>());
        assertEquals(full.steps(), resumed.steps());
        assertEquals(full.network().params(), resumed.network().params());
        assertEquals(NetworkBytes.stateDigest(full.network()), NetworkBytes.stateDigest(resumed.network()));
    }

    /** Softmax regression on Fashion-MNIST (784 inputs, 10 classes) with plain SGD. */
    private static ExperimentConfig softmaxRegression(Path out, String name) {
        String yaml = """
                name: %s
                seed: 7
                dataset: {name: fashion-mnist}
                model:
                  input: {channels: 1, height: 28, width: 28}
                  layers:
                    - {type: output, classes: 10}
                training:
                  epochs: 1
                  batchSize: 32
                  optimizer: {type: sgd, learningRate: %s, momentum: 0, weightDecay: 0}
                output: {dir: '%s', tensorboard: false}
                distributed: {workers: 2, averagingSteps: 1}
                """.formatted(name, LEARNING_RATE, out.toString().replace("'", "''"));
        return ExperimentConfigLoader.parse(yaml, name + ".yaml");
    }

    private static final double LEARNING_RATE = 0.001;
    private static final int PROOF_STEPS = 3;
    /** Unit roundoff of float32, 2^-24. */
    private static final double U = 0x1p-24;

    /** Higham's gamma_n = n u / (1 - n u): the relative error bound of n float32 roundings. */
    private static double gamma(int n) {
        return n * U / (1 - n * U);
    }

    /**
     * Spark's step equals the local trainer's step up to float32 rounding, with a bound derived
     * before running either (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed.,
     * sections 2.2 and 3.1: a sum or dot product of n terms is off by at most gamma_{n-1} times the
     * sum of the magnitudes, gamma_n = n u / (1 - n u), u = 2^-24).
     *
     * <p>The model is softmax regression, z = W x + b with x the 784 pixels (d = 784, C = 10
     * classes), mean cross-entropy over the minibatch, plain SGD (no momentum, weight decay, batch
     * norm or dropout), averaging every step, 2 workers of 16 examples for a global minibatch of
     * B = 32. In exact arithmetic one averaging round is one full-batch step: each worker computes
     * w - eta g_s with g_s the mean gradient over its 16 examples, and the mean of the two is
     * w - eta (g_1 + g_2) / 2 = w - eta g, g the mean over all 32. So the two runs differ only by
     * rounding. Per step t, with X_inf = max pixel, X_1 = max_n (sum_j x_nj + 1), X_2 = max_n
     * |x_n|_2, M_t a bound on sum_j |W_ij x_nj| + |b_i| (M_0 = max_i |W_i|_2 X_2 + |b_i| from
     * the initial network; each step moves a weight by at most eta X_inf (1 + eps_g), so M_{t+1} =
     * M_t + 1.01 eta (X_inf sqrt(d) X_2 + 1)) and W_t a bound on the largest parameter:
     * <ul>
     * <li>logits: |dz| <= gamma_{d+1} M_t (a dot product of d + 1 terms);</li>
     * <li>softmax p = exp(z - max z) / sum exp(z - max z): the logit error moves p_i by at most
     *     exp(2 |dz|) - 1; its own rounding is at most theta = 1.01 (4 M_t u + 4 u + gamma_{C-1}
     *     + u) relative (the subtraction, |z - max z| <= 2 M_t, appears in numerator and
     *     denominator; exp within 2 u, an assumption on the C library's expf, which glibc meets with
     *     under 1 ulp; the sum of C terms; the division; the factor 1.01 covers second-order terms,
     *     all first-order ones being below 10^-2), and r = p - y one more u: eps_r = exp(2 |dz|) - 1
     *     + theta + u, with |r| <= 1;</li>
     * <li>gradient g_ij = (1/B) sum_n r_ni x_nj: eps_g(B) = X_inf eps_r + gamma_{B+1} X_inf
     *     (1 + eps_r) (B products, B - 1 additions, one division, in any order);</li>
     * <li>update fl(w - fl(eta g)): eta eps_g + u eta X_inf (1 + eps_g) + u W_{t+1}; the merge
     *     (a mean summed in double, rounded once) adds u W_{t+1} to Spark's.</li>
     * </ul>
     * Both runs are within those bounds of the exact step from their own parameters; parameters
     * apart by e_t give gradients apart by at most X_inf (exp(2 X_1 e_t) - 1) (the logits move by
     * at most X_1 e_t). So e_{t+1} <= e_t + eta X_inf (exp(2 X_1 e_t) - 1) + delta_local(32) +
     * delta_spark(16), e_0 = 0. The test checks the largest parameter difference after 3 steps
     * of W and b against e_3, and that e_3 is below a quarter of how far they moved in those 3 steps,
     * so that a wrong merge (a sum of the copies, one worker's copy, a lost step) would fail.
     */
    @Test
    void oneAveragingRoundIsOneFullBatchSgdStepUpToFloatRounding(@TempDir Path dir) throws Exception {
        ComputationGraph initial = new LocalTrainer(c -> slice).train(softmaxRegression(dir, "initial"),
                LocalTrainerTest.quiet().withMaxSteps(0)).network();
        ComputationGraph local = new LocalTrainer(c -> slice).train(softmaxRegression(dir, "local"),
                LocalTrainerTest.quiet().withMaxSteps(PROOF_STEPS)).network();
        List<SparkStepRunner.Round> rounds = new ArrayList<>();
        ComputationGraph spark = train(softmaxRegression(dir, "spark"), LocalTrainerTest.quiet().withMaxSteps(PROOF_STEPS),
                rounds).network();
        assertEquals(PROOF_STEPS, rounds.size());

        // the data of the steps
        double xInf = 0;
        double x1 = 0;
        double x2 = 0;
        TrainingBatches batches = slice.training(32, 7, 0, 0);
        for (int t = 0; t < PROOF_STEPS; t++) {
            INDArray x = batches.next().data().getFeatures(0);
            x = x.reshape(x.size(0), x.length() / x.size(0)).castTo(DataType.DOUBLE);
            xInf = Math.max(xInf, Transforms.abs(x).maxNumber().doubleValue());
            x1 = Math.max(x1, Transforms.abs(x).sum(1).maxNumber().doubleValue() + 1);
            x2 = Math.max(x2, x.norm2(1).maxNumber().doubleValue());
        }
        int d = 784;
        int classes = 10;
        INDArray w0 = initial.getLayer(NetworkBuilder.OUTPUT).getParam("W").castTo(DataType.DOUBLE);
        INDArray b0 = initial.getLayer(NetworkBuilder.OUTPUT).getParam("b").castTo(DataType.DOUBLE);
        assertEquals(d, w0.size(0));
        double m = 0;
        for (int i = 0; i < classes; i++) {
            m = Math.max(m, w0.getColumn(i).norm2Number().doubleValue() * x2 + Math.abs(b0.getDouble(i)));
        }
        double wMax = Math.max(Transforms.abs(w0).maxNumber().doubleValue(), Transforms.abs(b0).maxNumber().doubleValue());
        double eta = LEARNING_RATE;
        double e = 0;
        for (int t = 0; t < PROOF_STEPS; t++) {
            double dz = gamma(d + 1) * m;
            double theta = 1.01 * (4 * m * U + 4 * U + gamma(classes - 1) + U);
            double epsR = Math.expm1(2 * dz) + theta + U;
            double epsG32 = xInf * epsR + gamma(32 + 1) * xInf * (1 + epsR);
            double epsG16 = xInf * epsR + gamma(16 + 1) * xInf * (1 + epsR);
            double wNext = wMax + 1.01 * eta * Math.max(xInf, 1);
            double deltaLocal = eta * epsG32 + U * eta * xInf * (1 + epsG32) + U * wNext;
            double deltaSpark = eta * epsG16 + U * eta * xInf * (1 + epsG16) + 2 * U * wNext;
            e = e + eta * xInf * Math.expm1(2 * x1 * e) + deltaLocal + deltaSpark;
            m += 1.01 * eta * (xInf * Math.sqrt(d) * x2 + 1);
            wMax = wNext;
        }
        double diff = 0;
        double moved = 0;
        for (String p : List.of("W", "b")) {
            INDArray l = local.getLayer(NetworkBuilder.OUTPUT).getParam(p).castTo(DataType.DOUBLE);
            INDArray sp = spark.getLayer(NetworkBuilder.OUTPUT).getParam(p).castTo(DataType.DOUBLE);
            INDArray i0 = initial.getLayer(NetworkBuilder.OUTPUT).getParam(p).castTo(DataType.DOUBLE);
            diff = Math.max(diff, Transforms.abs(l.sub(sp)).maxNumber().doubleValue());
            moved = Math.max(moved, Transforms.abs(l.sub(i0)).maxNumber().doubleValue());
        }
        assertTrue(diff <= e, "local and Spark parameters differ by " + diff + ", above the rounding bound " + e);
        assertTrue(e < moved / 4, "the bound " + e + " must be well below the parameters' movement " + moved
                + " for the comparison to mean anything");
    }
}
