package io.qat4j.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.train.Checkpoints;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qat4j train} on an embedded Spark, as the {@code ./qat4j} launcher runs it: the same
 * picocli entry point in this JVM (whose classpath, like the launcher's, holds Spark core, and
 * whose JVM flags, like the launcher's, are the parent pom's {@code spark.jvm.flags}), with
 * {@code --set distributed.master=local[2]}; and the launcher's generated files.
 */
class SparkTrainCommandTest {

    @Test
    void trainRunsOnLocalSparkFromTheSameYamlWithOneOverride(@TempDir Path dir) throws Exception {
        TrainOutputTest.requireFashionMnist();
        Path cfg = TrainOutputTest.tinyConfig(dir);
        // what spark-submit's --conf would set: this sandbox's driver binds to the loopback, without the web UI
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.ui.enabled", "false");
        String printed;
        String local;
        try {
            printed = train(cfg.toString(), "--set", "distributed.master=local[2]", "--set",
                    "training.checkpointEverySteps=2", "--max-steps", "3", "--set",
                    "distributed.outputUri=" + dir.resolve("remote").toUri());
            local = train(cfg.toString(), "--set", "name=tiny-local", "--max-steps", "2", "--set",
                    "distributed.outputUri=" + dir.resolve("remote").toUri());
        } finally {
            System.clearProperty("spark.driver.host");
            System.clearProperty("spark.ui.enabled");
        }
        assertTrue(printed.contains("training on Spark local[2]: 2 workers x 8 examples, averaging every 1 step,"
                + " 1 ND4J thread per task"), printed);
        assertTrue(printed.matches("(?s).*\nthroughput: [0-9]+\\.[0-9] examples/s \\(48 examples in [0-9.]+ s of"
                + " training steps; median round [0-9]+\\.[0-9] examples/s\\)\n.*"), printed);
        Path run = dir.resolve("tiny");
        Checkpoints.Loaded latest = new Checkpoints(run.resolve("checkpoints"), 2).loadLatest().orElseThrow();
        assertEquals(3, latest.state().step(), "the checkpoint at the step limit");
        assertEquals(3, latest.network().getIterationCount());
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertEquals(3, metrics.get("steps").asInt());
        assertEquals("local[2]", ExperimentConfigLoader.load(run.resolve("config.yaml")).distributed().master());

        assertTrue(local.contains("training locally (no Spark)"), local);
        // both trainers mirror the run folder to distributed.outputUri
        for (String name : List.of("tiny", "tiny-local")) {
            Path mirrored = dir.resolve("remote").resolve(name);
            for (String file : List.of("metrics.json", "config.yaml", "checkpoints/LATEST")) {
                assertArrayEquals(Files.readAllBytes(dir.resolve(name).resolve(file)), Files.readAllBytes(mirrored.resolve(file)),
                        name + "/" + file + " mirrored");
            }
        }
        assertTrue(local.matches("(?s).*\nthroughput: [0-9]+\\.[0-9] examples/s \\(32 examples in [0-9.]+ s of"
                + " training steps; median round [0-9]+\\.[0-9] examples/s\\)\n.*"), local);
    }

    /**
     * Without Spark on the classpath (the plain library classpath, or a jar without Spark run by
     * {@code java}), a config that names a master fails before any work, saying how to get Spark;
     * the same config without a master trains locally.
     */
    @Test
    void aSparkMasterWithoutSparkOnTheClasspathSaysHowToGetIt(@TempDir Path dir) throws Exception {
        TrainOutputTest.requireFashionMnist();
        Path cfg = TrainOutputTest.tinyConfig(dir);
        Predicate<String> noSpark = e -> !Path.of(e).getFileName().toString().startsWith("spark-");
        TrainOutputTest.Output r = TrainOutputTest.qat4j(dir, noSpark, "train", cfg.toString(), "--set",
                "distributed.master=local[2]", "--max-steps", "1");
        assertEquals(ExitCodes.RUN_STATE, r.code(), r.err());
        assertTrue(r.err().contains("distributed.master is local[2] but Spark is not on the classpath"), r.err());
        assertTrue(r.err().contains("./qat4j launcher") && r.err().contains("spark-submit --class io.qat4j.jobs.Qat4j"),
                r.err());
        assertTrue(Files.notExists(dir.resolve("tiny")), "nothing written");
        TrainOutputTest.Output local = TrainOutputTest.qat4j(dir, noSpark, "train", cfg.toString(), "--max-steps", "1");
        assertEquals(ExitCodes.OK, local.code(), local.err());
        assertTrue(local.out().contains("training locally (no Spark)"), local.out());
    }

    /**
     * A graph-level config (a TU dataset written here: 24 graphs, cycles of class 1 and stars of class
     * 2, no node features) trains a GIN with Degree-Quant on Spark {@code local[2]} from the same
     * YAML with one override: the minibatches of 6 graphs are split into two shards of 3 whole graphs.
     * 4 folds leave 12 training graphs: 2 minibatches per epoch, 4 steps in 2 epochs.
     */
    @Test
    void aGraphLevelConfigTrainsOnLocalSparkWithWholeGraphsPerShard(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("RINGS"));
        List<String> a = new java.util.ArrayList<>();
        List<String> indicator = new java.util.ArrayList<>();
        List<String> labels = new java.util.ArrayList<>();
        for (int g = 0, first = 1; g < 24; g++) {
            int n = 4 + g % 3;
            for (int i = 0; i < n; i++) {
                int u = g % 2 == 0 ? i : 0;
                int v = g % 2 == 0 ? (i + 1) % n : i;
                if (u != v) {
                    a.add((first + u) + ", " + (first + v));
                    a.add((first + v) + ", " + (first + u));
                }
                indicator.add(Integer.toString(g + 1));
            }
            labels.add(g % 2 == 0 ? "1" : "2");
            first += n;
        }
        Files.write(data.resolve("RINGS_A.txt"), a);
        Files.write(data.resolve("RINGS_graph_indicator.txt"), indicator);
        Files.write(data.resolve("RINGS_graph_labels.txt"), labels);
        Path cfg = dir.resolve("rings.yaml");
        Files.writeString(cfg, """
                name: rings
                dataset: {format: tu, path: '%s', folds: 4, fold: 2}
                model:
                  family: gnn
                  features: 1
                  layers:
                    - {type: gin, units: 8}
                    - {type: pool, op: mean}
                    - {type: dense, units: 8}
                  output: {classes: 2}
                quantization: {method: degree-quant, activations: {bits: 8}}
                training: {epochs: 2, batchSize: 6}
                output: {dir: '%s', tensorboard: false}
                """.formatted(data.toString().replace("'", "''"), dir.toString().replace("'", "''")));
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.ui.enabled", "false");
        String printed;
        try {
            printed = train(cfg.toString(), "--set", "distributed.master=local[2]");
        } finally {
            System.clearProperty("spark.driver.host");
            System.clearProperty("spark.ui.enabled");
        }
        assertTrue(printed.contains("training on Spark local[2]: 2 workers x 3 examples"), printed);
        JsonNode metrics = new ObjectMapper().readTree(dir.resolve("rings").resolve("metrics.json").toFile());
        assertEquals(4, metrics.get("steps").asInt(), metrics.toString());
        assertTrue(metrics.get("testAccuracy").isNumber(), metrics.toString());
        assertEquals("local[2]", ExperimentConfigLoader.load(dir.resolve("rings").resolve("config.yaml"))
                .distributed().master());
    }

    /** Runs {@code qat4j train ARGS} in this JVM; asserts that it succeeds; returns what it printed. */
    private static String train(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 1];
            all[0] = "train";
            System.arraycopy(args, 0, all, 1, args.length);
            code = Qat4j.run(all, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        } finally {
            System.setOut(stdout);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.OK, code, printed);
        return printed;
    }

    /**
     * The launcher's classpath holds Spark core, and its JVM flags are the parent pom's
     * {@code spark.jvm.flags} and {@code vector.jvm.flags} (the executor's Vector API path), which
     * surefire gives this JVM too.
     */
    @Test
    void theLauncherGetsSparkAndItsJvmFlags() throws Exception {
        Path target = Path.of("target");
        String sparkClasspath = Files.readString(target.resolve("spark-classpath.txt"));
        assertTrue(sparkClasspath.matches("(?s).*/spark-core_2\\.1[23]-[^/]*\\.jar.*"), sparkClasspath);
        List<String> flags = Arrays.asList(Files.readString(target.resolve("jvm-flags.txt")).strip().split("\\s+"));
        assertTrue(flags.contains("--add-opens=java.base/java.lang=ALL-UNNAMED"), flags.toString());
        assertTrue(flags.contains("--add-modules=jdk.incubator.vector"), flags.toString());
        assertTrue(flags.stream().allMatch(f -> f.startsWith("--add-opens=") || f.equals("--add-modules=jdk.incubator.vector")),
                flags.toString());
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(jvmArgs.containsAll(flags), "jvm-flags.txt " + flags + " differs from spark.jvm.flags " + jvmArgs);
    }
}
