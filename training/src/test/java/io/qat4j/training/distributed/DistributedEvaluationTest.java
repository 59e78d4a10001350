package io.qat4j.training.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.training.data.FashionMnist;
import io.qat4j.training.data.IdxArray;
import io.qat4j.training.data.IdxFiles;
import io.qat4j.training.data.IdxFormatException;
import io.qat4j.training.data.IdxReader;
import io.qat4j.training.data.ImageDataSetIterator;
import io.qat4j.training.data.ImageDataset;
import io.qat4j.training.data.ImageTaskData;
import io.qat4j.training.data.RequiresData;
import io.qat4j.training.eval.EvaluationSet;
import io.qat4j.training.report.QuantReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DistributedEvaluation} on Spark {@code local[2]} with the real Fashion-MNIST test set
 * (Xiao et al. 2017; skipped when absent unless {@code QAT4J_REQUIRE_DATA=1}) and an artifact
 * trained for a few steps on its training set: the predictions written by the tasks equal, example
 * by example, those of the local {@code qat4j eval} path ({@link QuantReport#predictInt8}) on the
 * same artifact and files, for plain and gzipped files and for several partition counts; broken
 * files fail naming the file and offset, or both files.
 */
class DistributedEvaluationTest {

    private static JavaSparkContext sc;
    private static Path data;
    @TempDir
    static Path dir;
    private static Path plainImages;
    private static Path plainLabels;
    private static byte[] artifact;
    private static int[] local;

    @BeforeAll
    static void start() throws IOException {
        data = RequiresData.fashionMnist();
        FashionMnist fm = FashionMnist.load(data);
        artifact = EvalArtifacts.trainedOn(new ImageDataSetIterator(fm.train().subset(0, 40 * 32), 32));
        Int8Executor ex = Int8Executor.of(ArtifactReader.read(artifact), "test artifact");
        EvaluationSet test = new ImageTaskData(fm.train().subset(0, 1), null, fm.test()).test();
        local = QuantReport.predictInt8(ex, test).classes();
        plainImages = plain(gz(FashionMnist.TEST_IMAGES), dir.resolve("images"));
        plainLabels = plain(gz(FashionMnist.TEST_LABELS), dir.resolve("labels"));
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("qat4j eval test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    private static Path gz(String name) {
        Path p = data.resolve(name + ".gz");
        return Files.exists(p) ? p : data.resolve(name);
    }

    /** Writes the uncompressed IDX file of a (possibly gzipped) one. */
    private static Path plain(Path from, Path to) throws IOException {
        IdxArray a = IdxReader.read(from);
        return IdxFiles.write(to, IdxFiles.ubyte(a.bytes(), a.dims()));
    }

    private static DistributedEvaluation.Summary run(Path images, Path labels, int partitions, Path out) throws IOException {
        return DistributedEvaluation.evaluate(sc, artifact, "test artifact", images.toString(), labels.toUri().toString(),
                partitions, 100, Optional.of(out.toString()));
    }

    /** @return the predicted classes of the part files, by example index */
    private static int[] predictions(Path out, int count, int[] labels) throws IOException {
        int[] p = new int[count];
        Arrays.fill(p, -1);
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    String[] f = line.split("\t");
                    int i = Integer.parseInt(f[0]);
                    assertEquals(-1, p[i], "example " + i + " predicted twice");
                    p[i] = Integer.parseInt(f[1]);
                    assertEquals(labels[i], Integer.parseInt(f[2]), "label of example " + i);
                }
            }
        }
        return p;
    }

    private static int[] labels(Path file) throws IOException {
        byte[] b = IdxReader.read(file).bytes();
        int[] y = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            y[i] = b[i] & 0xFF;
        }
        return y;
    }

    @Test
    void predictionsEqualTheLocalEvalForPlainAndGzippedFilesAndAnyPartitionCount() throws IOException {
        int[] y = labels(plainLabels);
        long correct = 0;
        for (int i = 0; i < y.length; i++) {
            correct += local[i] == y[i] ? 1 : 0;
        }
        assertTrue(Arrays.stream(local).distinct().count() >= 5, "the artifact predicts several classes");
        for (int partitions : new int[] {1, 3, 7}) {
            Path out = dir.resolve("plain-" + partitions);
            DistributedEvaluation.Summary s = run(plainImages, plainLabels, partitions, out);
            assertEquals(partitions, s.partitions());
            assertEquals(partitions, Files.list(out).filter(f -> f.getFileName().toString().startsWith("part-")).count());
            assertArrayEquals(local, predictions(out, y.length, y), partitions + " partitions");
            assertEquals(10_000, s.examples());
            assertEquals(correct, s.correct());
        }
        Path out = dir.resolve("gzip");
        DistributedEvaluation.Summary s = run(gz(FashionMnist.TEST_IMAGES), gz(FashionMnist.TEST_LABELS), 4, out);
        assertEquals(1, s.partitions(), "a gzip file is one task");
        assertArrayEquals(local, predictions(out, y.length, y), "gzip");
        assertEquals((double) correct / y.length, s.accuracy());
        assertTrue(Files.notExists(out.resolve(PartitionScorer.TEMPORARY)));

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        s.print(new PrintStream(text, true, StandardCharsets.UTF_8));
        String printed = text.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("10000 examples in 1 partitions") && printed.contains("examples/s")
                && printed.contains(String.format(java.util.Locale.ROOT, "acc %.2f%%", 100.0 * correct / y.length)), printed);
    }

    @Test
    void morePartitionsThanRecordsLeaveEmptyPartsAndTheSamePredictions() throws IOException {
        int n = 5;
        byte[] pixels = Arrays.copyOf(IdxReader.read(plainImages).bytes(), n * 784);
        byte[] labels = Arrays.copyOf(IdxReader.read(plainLabels).bytes(), n);
        Path images = IdxFiles.write(dir.resolve("five-images"), IdxFiles.ubyte(pixels, n, 28, 28));
        Path labelFile = IdxFiles.write(dir.resolve("five-labels"), IdxFiles.ubyte(labels, n));
        Path out = dir.resolve("five");
        DistributedEvaluation.Summary s = run(images, labelFile, 8, out);
        assertEquals(8, s.partitions());
        assertEquals(n, s.examples());
        assertArrayEquals(Arrays.copyOf(local, n), predictions(out, n, labels(labelFile)));
        assertEquals(0, Files.size(out.resolve("part-00000")), "records [0*5/8, 1*5/8) = []");
    }

    @Test
    void truncatedFilesAndMismatchedCountsFailNamingFilesAndOffsets() throws IOException {
        byte[] whole = Files.readAllBytes(plainImages);
        Path cut = IdxFiles.write(dir.resolve("cut-images"), Arrays.copyOf(whole, whole.length - 100));
        IdxFormatException plain = assertThrows(IdxFormatException.class, () -> run(cut, plainLabels, 2, dir.resolve("o1")));
        assertTrue(plain.getMessage().contains(cut.toUri().toString()) && plain.getMessage().contains("truncated")
                && plain.getMessage().contains("offset " + (whole.length - 100)), plain.getMessage());

        byte[] gzipped = IdxFiles.gzip(whole);
        Path cutGz = IdxFiles.write(dir.resolve("cut-images.gz"), Arrays.copyOf(gzipped, gzipped.length / 2));
        IdxFormatException streamed = assertThrows(IdxFormatException.class, () -> run(cutGz, plainLabels, 2, dir.resolve("o2")));
        assertTrue(streamed.getMessage().contains(cutGz.toUri().toString()) && streamed.getMessage().contains("byte offset"),
                streamed.getMessage());
        assertFalse(Files.exists(dir.resolve("o2")), "predictions folder of the failed job");

        byte[] labels = Files.readAllBytes(plainLabels);
        Path fewer = IdxFiles.write(dir.resolve("fewer-labels"),
                IdxFiles.ubyte(Arrays.copyOfRange(labels, 8, labels.length - 1), 9_999));
        IdxFormatException count = assertThrows(IdxFormatException.class, () -> run(plainImages, fewer, 2, dir.resolve("o3")));
        assertTrue(count.getMessage().contains(fewer.toUri().toString()) && count.getMessage().contains(plainImages.toUri().toString())
                && count.getMessage().contains("9999 labels") && count.getMessage().contains("10000 images"), count.getMessage());
    }

    @Test
    void aLabelOutsideTheModelsClassesFailsAtItsOffset() throws IOException {
        byte[] labels = IdxReader.read(plainLabels).bytes().clone();
        labels[7_777] = 10;
        Path bad = IdxFiles.write(dir.resolve("bad-labels"), IdxFiles.ubyte(labels, labels.length));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> run(plainImages, bad, 3, dir.resolve("o4")));
        assertTrue(e.getMessage().contains(bad.toUri().toString()) && e.getMessage().contains("label 10 of example 7777")
                && e.getMessage().contains("offset " + (8 + 7_777)), e.getMessage());
        // the job failed in a task: the predictions folder it created is gone, so a rerun may use the name
        assertFalse(Files.exists(dir.resolve("o4")), "predictions folder of the failed job");
    }

    @Test
    void anExistingPredictionsFolderIsRefused() throws IOException {
        Path out = Files.createDirectories(dir.resolve("exists"));
        IOException e = assertThrows(IOException.class, () -> run(plainImages, plainLabels, 1, out));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals(List.of(), Files.list(out).toList());
    }
}
