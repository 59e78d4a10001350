package io.qat4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.runtime.Int8Executor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Distributed quantization-aware training of the Fashion-MNIST CNN (Xiao et al. 2017) on a real
 * Spark standalone cluster of two workers, submitted as a user submits it:
 * {@code spark-submit --master spark://127.0.0.1:P --class io.qat4j.jobs.Qat4j qat4j-spark.jar train
 * CONFIG --set distributed.master=none --set distributed.workers=2}. The config leaves the master to
 * spark-submit.
 *
 * <p>First a run on both workers: the driver log shows tasks finished on executors of both workers,
 * the run folder holds checkpoints, {@code model.qat4j} loads in the int8 executor and the report's
 * agreement (int8 executor vs fake-quant model on the test examples) is at least
 * {@value #AGREEMENT_BAR}. The bar: the same tiny config on the local trainer agrees on 99.9% of its
 * 1,000 test examples (the executor reproduces fake quantization up to one code in a few activations
 * per thousand, so only near-ties of the top two logits flip); 0.99 allows ten times the local run's
 * flips. Then the same run while worker 2's JVM and its executor are killed by pid once training has
 * made progress, with a task running on it (the worker is suspended on a task start and killed if
 * the task is still running a second later): Spark re-runs that task on worker 1, the run completes,
 * its artifact loads and agrees, and since the re-run fits the same shard from the same broadcast
 * state and seed, its parameters and updater state equal the uninterrupted run's bit for bit.
 *
 * <p>The default is a short run (a {@value #TRAIN_EXAMPLES}-image subset, 2 epochs of 64-image
 * minibatches), both scenarios in 50 to 80 s on two cores shared with other builds. {@code -Dqat4j.cluster.full=true}
 * trains {@code configs/fashion-mnist-w8a8.yaml} on all of Fashion-MNIST instead (a benchmark: hours
 * on two cores) and holds it to the issue's 99.8% agreement.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTrainingIT {

    private static final double AGREEMENT_BAR = 0.99;
    private static final double FULL_AGREEMENT_BAR = 0.998;
    private static final int TRAIN_EXAMPLES = 1280;
    private static final int TEST_EXAMPLES = 1000;
    private static final boolean FULL = Boolean.getBoolean("qat4j.cluster.full");
    private static final Duration RUN_TIMEOUT = FULL ? Duration.ofHours(12) : Duration.ofMinutes(3);
    /** Hard bound of one scenario, whatever it waits for; then the cluster is stopped (after the class). */
    private static final Duration SCENARIO_TIMEOUT = RUN_TIMEOUT.plusMinutes(2);
    /** driver log: {@code Granted executor ID app-.../0 on hostPort 127.0.0.1:PORT} */
    private static final Pattern GRANTED = Pattern.compile("Granted executor ID \\S+/(\\d+) on hostPort (\\S+)");
    /** driver output: a progress line, {@code epoch 1/2 [===>   ] 10/20  step 10  float warm-up ...} */
    private static final Pattern PROGRESS = Pattern.compile("^epoch \\d+/\\d+ \\[.*\\] +\\d+/\\d+ +step (\\d+) ");
    /** the worker is killed after this step: a quarter into the short run, past the first checkpoint */
    private static final int KILL_AFTER_STEP = 10;
    /** driver log: {@code Finished task 0.0 in stage 3.0 (TID 6) in 512 ms on 127.0.0.1 (executor 0)} */
    private static final Pattern FINISHED = Pattern.compile("Finished task \\S+ in stage (\\d+)\\.\\d+ .* \\(executor (\\d+)\\)");

    @RegisterExtension
    static final ClusterHarness harness = new ClusterHarness("cluster-train");
    /** The run of the first scenario, which the second must reproduce bit for bit. */
    private static Path uninterruptedRun;

    @Test
    @Order(1)
    void trainsOnBothWorkersAndExportsAnArtifactThatAgrees() {
        assertTimeoutPreemptively(SCENARIO_TIMEOUT, ClusterTrainingIT::trainOnBothWorkers);
    }

    @Test
    @Order(2)
    void completesAndExportsWhenAWorkerIsKilledMidTraining() {
        assertTimeoutPreemptively(SCENARIO_TIMEOUT, ClusterTrainingIT::trainWhileAWorkerIsKilled);
    }

    private static void trainOnBothWorkers() throws Exception {
        Path config = config("two-workers");
        ChildJvm driver = harness.submitTrain("driver-two-workers", config);
        assertEquals(0, driver.awaitExit(RUN_TIMEOUT), () -> "training failed\n" + harness.cluster().tails());
        String log = driver.output();
        Map<String, String> executorWorkers = executorWorkers(log);
        Set<String> workersWithTasks = new TreeSet<>();
        for (Matcher m = FINISHED.matcher(log); m.find();) {
            workersWithTasks.add(executorWorkers.get(m.group(2)));
        }
        assertEquals(new TreeSet<>(harness.cluster().workerHostPorts()), workersWithTasks,
                () -> "tasks did not finish on both workers; executors " + executorWorkers + "\n" + driver.tail());
        assertRunComplete(runFolder(config), log);
        uninterruptedRun = runFolder(config);
    }

    private static void trainWhileAWorkerIsKilled() throws Exception {
        Path config = config("worker-killed");
        ChildJvm driver = harness.submitTrain("driver-worker-killed", config);
        ChildJvm victim = harness.cluster().workers().get(1);
        String victimHostPort = harness.cluster().workerHostPorts().get(1);
        driver.awaitLine("training progress to step " + KILL_AFTER_STEP, ClusterTrainingIT::pastKillStep, RUN_TIMEOUT);
        String victimExecutor = executorWorkers(driver.output()).entrySet().stream()
                .filter(e -> e.getValue().equals(victimHostPort)).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("no executor on " + victimHostPort + "\n" + driver.tail()));
        String tid = killDuringTask(driver, victim, victimExecutor);
        assertEquals(0, driver.awaitExit(RUN_TIMEOUT), () -> "training failed after the kill\n" + harness.cluster().tails());
        String log = driver.output();
        // the task that was running on the killed executor fails with it and runs again on the survivor
        Matcher lost = Pattern.compile("task (\\d+)\\.\\d+ in stage (\\d+\\.\\d+) \\(TID " + tid
                + "\\)[^\\n]*(its executor exited|ExecutorLostFailure)").matcher(log);
        assertTrue(lost.find(), () -> "task " + tid + " on the killed executor not reported lost\n" + driver.tail());
        Matcher rerun = Pattern.compile("Finished task " + lost.group(1) + "\\.[1-9]\\d* in stage " + Pattern.quote(lost.group(2))
                + " .*\\(executor (\\d+)\\)").matcher(log);
        assertTrue(rerun.find(), () -> "lost task " + lost.group(1) + " of stage " + lost.group(2) + " not re-run\n" + driver.tail());
        assertTrue(!rerun.group(1).equals(victimExecutor), "re-run on the killed executor");
        List<String> after = new ArrayList<>();
        for (Matcher m = FINISHED.matcher(log.substring(lost.end())); m.find();) {
            after.add(m.group(2));
        }
        assertTrue(after.stream().noneMatch(victimExecutor::equals), () -> "tasks on the killed executor: " + after);
        assertTrue(after.size() >= 2, () -> "no round ran after the kill: " + after);
        assertRunComplete(runFolder(config), log);
        // the re-run task fits the same shard from the same broadcast state with the same seed, so the
        // run ends where the uninterrupted one did: parameters and updater state bit for bit
        assumeTrue(uninterruptedRun != null, "the uninterrupted run (scenario 1) did not run in this JVM");
        for (String entry : List.of("coefficients.bin", "updaterState.bin")) {
            assertArrayEquals(zipEntry(uninterruptedRun.resolve("model.zip"), entry),
                    zipEntry(runFolder(config).resolve("model.zip"), entry), entry + " differs from the uninterrupted run's");
        }
    }

    /** A progress line of step {@value #KILL_AFTER_STEP} or later: {@code epoch 1/2 [===>   ] 10/20  step 10  ...}. */
    private static boolean pastKillStep(String line) {
        Matcher m = PROGRESS.matcher(line);
        return m.find() && Integer.parseInt(m.group(1)) >= KILL_AFTER_STEP;
    }

    /**
     * Kills the victim worker (and its executor) while a task runs on it, so that Spark has a task
     * to re-run: on a task start on the victim's executor the worker is suspended, and killed if
     * the task has still not finished a second later (else resumed, and the next task is tried).
     *
     * @return the task id that was running on the victim when it was killed
     */
    // Spark 3.5 logs "(127.0.0.1, executor 0, ...", Spark 4.0 "(127.0.0.1,executor 0, ..."
    private static String killDuringTask(ChildJvm driver, ChildJvm victim, String executor) throws Exception {
        Pattern started = Pattern.compile("Starting task \\S+ in stage \\S+ \\(TID (\\d+)\\) \\(127\\.0\\.0\\.1, ?executor "
                + executor + ",");
        long end = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (System.nanoTime() < end && driver.isAlive()) {
            String log = driver.output();
            String running = null;
            for (Matcher m = started.matcher(log); m.find();) {
                running = m.group(1);
            }
            if (running != null && !finished(log, running)) {
                victim.suspend();
                Thread.sleep(1000);
                if (!finished(driver.output(), running)) {
                    victim.kill();
                    return running;
                }
                victim.resume();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no task of executor " + executor + " caught running\n" + driver.tail());
    }

    private static boolean finished(String driverLog, String tid) {
        return driverLog.contains("(TID " + tid + ") in ");
    }

    private static byte[] zipEntry(Path zip, String name) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry e = z.getEntry(name);
            assertTrue(e != null, name + " missing from " + zip);
            try (InputStream in = z.getInputStream(e)) {
                return in.readAllBytes();
            }
        }
    }

    /** Executor id to its worker's {@code host:port}, from the driver log. */
    private static Map<String, String> executorWorkers(String driverLog) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Matcher m = GRANTED.matcher(driverLog); m.find();) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    /** The run trained to its end (its result line), holds checkpoints, and its artifact loads and agrees. */
    private static void assertRunComplete(Path run, String driverLog) throws IOException {
        String name = run.getFileName().toString();
        assertTrue(Pattern.compile("(?m)^" + Pattern.quote(name) + ": test acc [0-9.]+% after \\d+ steps").matcher(driverLog).find(),
                () -> "no result line for " + name);
        try (Stream<Path> files = Files.list(run.resolve("checkpoints"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().matches("ckpt-\\d+\\.zip")), "no checkpoint in " + run);
        }
        Path artifact = run.resolve("model.qat4j");
        Int8Executor executor = Int8Executor.of(ArtifactReader.read(artifact), artifact.toString());
        assertEquals(1, executor.outputs().size(), executor.outputs().toString());
        JsonNode report = new ObjectMapper().readTree(run.resolve("report.json").toFile());
        double agreement = report.get("agreement").asDouble(Double.NaN);
        double bar = FULL ? FULL_AGREEMENT_BAR : AGREEMENT_BAR;
        assertTrue(Double.isFinite(agreement) && agreement >= bar, "agreement " + agreement + " below " + bar + " in " + run);
        assertEquals(FULL ? 10_000 : TEST_EXAMPLES, report.get("examples").asInt(), report.toString());
    }

    private static Path runFolder(Path config) {
        return config.getParent().resolve("runs").resolve(config.getFileName().toString().replace(".yaml", ""));
    }

    /** The experiment config of one scenario: its own folder with the config, and its run folder below. */
    private static Path config(String name) throws IOException {
        Path dir = Files.createDirectories(harness.dir().resolve(name));
        Path out = dir.resolve("runs");
        String yaml;
        if (FULL) {
            FashionMnistSubset.locate();
            yaml = Files.readString(Path.of(System.getProperty("qat4j.configs", "../configs"), "fashion-mnist-w8a8.yaml"))
                    .replaceFirst("(?m)^name: .*$", "name: " + name)
                    .replaceFirst("(?m)^  dir: runs$", "  dir: '" + out + "'");
        } else {
            Path data = FashionMnistSubset.write(harness.dir().resolve("fashion-mnist-subset"), TRAIN_EXAMPLES, TEST_EXAMPLES);
            yaml = """
                    name: %s
                    seed: 42
                    dataset: {name: fashion-mnist, path: '%s'}
                    model:
                      input: {channels: 1, height: 28, width: 28}
                      layers:
                        - {type: conv2d, filters: 8, kernel: 3, stride: 2, batchNorm: true, activation: relu}
                        - {type: conv2d, filters: 16, kernel: 3, stride: 2, batchNorm: true, activation: relu}
                        - {type: flatten}
                        - {type: output, classes: 10}
                    quantization:
                      enabled: true
                      weights: {bits: 8, granularity: per-channel, observer: minmax}
                      activations: {bits: 8, observer: ema, momentum: 0.01}
                      schedule: {fp32Warmup: 0.25, freezeObservers: 0.875, freezeBatchNorm: 0.875}
                    training:
                      epochs: 2
                      batchSize: 64
                      optimizer: {type: adam, learningRate: 0.003}
                      checkpointEverySteps: 10
                      logEverySteps: 1
                    output: {dir: '%s', tensorboard: false}
                    """.formatted(name, data, out);
        }
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, yaml);
        return config;
    }
}
