package io.qat4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qat4j.training.data.DataRequirement;
import io.qat4j.training.data.DatasetLocator;
import io.qat4j.training.data.DatasetNotFoundException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code qat4j train} prints, run as users run it: a separate JVM on the main classpath (so
 * with the jobs module's own logging configuration, not the tests').
 */
class TrainOutputTest {

    record Output(int code, String out, String err) {
    }

    /** Runs {@code qat4j ARGS} in a fresh JVM whose classpath is this one's without test classes. */
    static Output qat4j(Path dir, String... args) throws Exception {
        return qat4j(dir, e -> true, args);
    }

    /**
     * Runs {@code qat4j ARGS} in a fresh JVM whose classpath is the entries of this one's that
     * {@code keep} accepts, without test classes.
     */
    static Output qat4j(Path dir, Predicate<String> keep, String... args) throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes") && keep.test(e))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", classpath, Qat4j.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("qat4j " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    static void requireFashionMnist() {
        try {
            DatasetLocator.fromEnvironment().locate(DatasetLocator.FASHION_MNIST);
        } catch (DatasetNotFoundException e) {
            if (DataRequirement.dataMustBePresent()) {
                fail("Fashion-MNIST is required: " + e.getMessage());
            }
            System.err.println("SKIPPED (dataset missing): fashion-mnist");
            assumeTrue(false, e.getMessage());
        }
    }

    /**
     * @param dir where the config goes, and the run folder's parent
     * @return a tiny quantized CNN config on Fashion-MNIST, run {@code tiny}, batch 16, written to {@code dir/tiny.yaml}
     */
    static Path tinyConfig(Path dir) throws Exception {
        Path cfg = dir.resolve("tiny.yaml");
        Files.writeString(cfg, """
                name: tiny
                dataset: {name: fashion-mnist}
                model:
                  input: {channels: 1, height: 28, width: 28}
                  layers:
                    - {type: conv2d, filters: 2, kernel: 3, stride: 2}
                    - {type: output, classes: 10}
                quantization:
                  schedule: {fp32WarmupSteps: 1}
                training: {epochs: 1, batchSize: 16}
                output: {dir: '%s', tensorboard: false}
                """.formatted(dir.toString().replace("'", "''")));
        return cfg;
    }

    @Test
    void aQuietStoppedRunPrintsItsResultOnItsOwnLineWithoutTheNd4jBannerOrNaN(@TempDir Path dir) throws Exception {
        requireFashionMnist();
        Path cfg = tinyConfig(dir);
        Output quiet = qat4j(dir, "train", cfg.toString(), "--quiet", "--max-steps", "2");
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("tiny: stopped after 2 steps (--max-steps), not evaluated; run folder " + dir.resolve("tiny") + "\n",
                quiet.out(), "--quiet prints the result line and nothing else");
        assertFalse(quiet.err().contains("INFO") || quiet.err().contains("Loaded [CpuBackend]")
                || quiet.err().contains("Backend build information"), "no ND4J banner: " + quiet.err());
        String metrics = Files.readString(dir.resolve("tiny").resolve("metrics.json"));
        assertFalse(metrics.contains("NaN"), metrics);
    }
}
