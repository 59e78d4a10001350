package io.qat4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.quant.export.Int8Exporter;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.model.NetworkBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code qat4j eval ARTIFACT --master local[2] --images URI --labels URI}: the command creates and
 * stops its Spark context, prints the job and accuracy lines and writes the predictions; incomplete
 * or conflicting Spark options are usage errors (exit 2) naming the options, and a master set by
 * spark-submit that differs from {@code --master} names both. The identity of the predictions with
 * the local evaluation is {@code DistributedEvaluationTest}'s (training module).
 */
class SparkEvalCommandTest {

    private static final int N = 30;

    /** A tiny one-channel 28x28 classifier with 8-bit weights, 6 steps on random data, exported. */
    private static Path artifact(Path dir) throws IOException {
        var config = ExperimentConfigLoader.parse("""
                name: tiny
                dataset: fashion-mnist
                model:
                  input: {channels: 1, height: 28, width: 28}
                  layers:
                    - {type: conv2d, filters: 2, kernel: 3, stride: 2, padding: same}
                    - {type: dense, units: 8}
                    - {type: output, classes: 10}
                quantization: {enabled: true, schedule: {fp32WarmupSteps: 1}}
                training: {epochs: 1, batchSize: 8}
                """, "tiny.yaml", List.of());
        ComputationGraph net = new NetworkBuilder(config, 6).build();
        for (int s = 0; s < 6; s++) {
            Nd4j.getRandom().setSeed(s);
            DataSet d = new DataSet(Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28), Nd4j.eye(10).getRows(0, 1, 2, 3, 4, 5, 6, 7));
            net.fit(d);
        }
        Path file = dir.resolve("tiny.qat4j");
        ArtifactWriter.write(Int8Exporter.export(net, new int[] {1, 28, 28}, Provenance.EMPTY), file);
        return file;
    }

    private static Path idx(Path file, byte[] data, int... dims) throws IOException {
        byte[] out = new byte[4 + 4 * dims.length + data.length];
        out[2] = 8;
        out[3] = (byte) dims.length;
        for (int i = 0; i < dims.length; i++) {
            for (int b = 0; b < 4; b++) {
                out[4 + 4 * i + b] = (byte) (dims[i] >>> (24 - 8 * b));
            }
        }
        System.arraycopy(data, 0, out, 4 + 4 * dims.length, data.length);
        return Files.write(file, out);
    }

    @Test
    void scoresOnLocalSparkAndPrintsAccuracyAndThroughput(@TempDir Path dir) throws Exception {
        Path model = artifact(dir);
        byte[] pixels = new byte[N * 784];
        new Random(3).nextBytes(pixels);
        byte[] labels = new byte[N];
        for (int i = 0; i < N; i++) {
            labels[i] = (byte) (i % 10);
        }
        Path images = idx(dir.resolve("images"), pixels, N, 28, 28);
        Path labelFile = idx(dir.resolve("labels"), labels, N);
        Path out = dir.resolve("predictions");

        PrintStream before = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Qat4jCommandTest.Run r;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            r = Qat4jCommandTest.run("eval", model.toString(), "--master", "local[2]", "--images", images.toString(),
                    "--labels", labelFile.toUri().toString(), "--partitions", "3", "--batch", "7", "--predictions-out", out.toString());
        } finally {
            System.setOut(before);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.OK, r.code(), r.err() + text);
        long correct = 0;
        long lines = 0;
        for (String part : List.of("part-00000", "part-00001", "part-00002")) {
            for (String line : Files.readAllLines(out.resolve(part))) {
                String[] f = line.split("\t");
                correct += f[1].equals(f[2]) ? 1 : 0;
                lines++;
            }
        }
        assertEquals(N, lines);
        assertTrue(text.contains("Spark: " + N + " examples in 3 partitions") && text.contains("examples/s"), text);
        assertTrue(text.contains(String.format(Locale.ROOT, "int8 executor on %d test examples: acc %.2f%%", N, 100.0 * correct / N)), text);
    }

    @Test
    void incompleteOrConflictingSparkOptionsAreUsageErrors(@TempDir Path dir) throws Exception {
        Path model = artifact(dir);
        Qat4jCommandTest.Run noMaster = Qat4jCommandTest.run("eval", model.toString(), "--images", "a", "--labels", "b");
        assertEquals(ExitCodes.USAGE, noMaster.code());
        assertTrue(noMaster.err().contains("--master") && noMaster.err().contains("spark-submit"), noMaster.err());

        Qat4jCommandTest.Run noFiles = Qat4jCommandTest.run("eval", model.toString(), "--master", "local[2]");
        assertEquals(ExitCodes.USAGE, noFiles.code());
        assertTrue(noFiles.err().contains("--images and --labels"), noFiles.err());

        Qat4jCommandTest.Run batchAlone = Qat4jCommandTest.run("eval", model.toString(), "--batch", "64");
        assertEquals(ExitCodes.USAGE, batchAlone.code());
        assertTrue(batchAlone.err().contains("both --images and --labels"), batchAlone.err());

        Qat4jCommandTest.Run noLabels = Qat4jCommandTest.run("eval", model.toString(), "--master", "local[2]", "--images", "a");
        assertEquals(ExitCodes.USAGE, noLabels.code());
        assertTrue(noLabels.err().contains("both --images and --labels"), noLabels.err());

        String previous = System.getProperty("spark.master");
        System.setProperty("spark.master", "spark://10.0.0.1:7077");
        try {
            Qat4jCommandTest.Run differs = Qat4jCommandTest.run("eval", model.toString(), "--master", "local[2]", "--images", "a",
                    "--labels", "b");
            assertEquals(ExitCodes.USAGE, differs.code());
            assertTrue(differs.err().contains("--master local[2]") && differs.err().contains("spark://10.0.0.1:7077"), differs.err());
        } finally {
            if (previous == null) {
                System.clearProperty("spark.master");
            } else {
                System.setProperty("spark.master", previous);
            }
        }
    }
}
