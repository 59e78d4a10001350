package io.qat4j.training.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.training.data.IdxFiles;
import io.qat4j.training.data.IdxFormat;
import io.qat4j.training.data.IdxStream;
import io.qat4j.training.data.ImageDataSetIterator;
import io.qat4j.training.data.ImageDataset;
import io.qat4j.training.eval.Evaluator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The task code of {@link DistributedEvaluation} needs no DL4J, ND4J or Spark on the executors:
 * {@link PartitionScorer#score} runs in a {@link URLClassLoader} whose class path holds only the
 * int8-executor classes, this module's classes and the Hadoop client jars (with slf4j-api and commons-logging, which they log through), over the JDK's platform
 * class loader, with its slice passed in and its result passed out by Java serialization as Spark
 * passes them. Loading any class of those libraries there would fail; the test checks that they are
 * absent, and that the isolated result equals the result in this JVM's full class path and the
 * predictions of the local evaluation path.
 */
class PartitionScorerIsolationTest {

    private static final int N = 37;

    /** The Hadoop client as Spark brings it: its shaded API and runtime jars and the logging APIs they call. */
    /** The Hadoop client jars that Spark's classpath gives the task, each required. */
    private static final List<String> HADOOP_CLIENT = List.of("hadoop-client-api-", "hadoop-client-runtime-", "slf4j-api-");
    /** Logging that Hadoop's client needed up to 3.4 (Spark 3.5) and that 3.5 (Spark 4.1+) dropped: taken when present. */
    private static final String COMMONS_LOGGING = "commons-logging-";

    @Test
    void scoresASliceWithoutDl4jNd4jOrSparkOnTheClassPath(@TempDir Path dir) throws Exception {
        Random r = new Random(5);
        byte[] pixels = new byte[N * 784];
        r.nextBytes(pixels);
        byte[] labels = new byte[N];
        for (int i = 0; i < N; i++) {
            labels[i] = (byte) (i % 10);
        }
        Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.ubyte(pixels, N, 28, 28));
        Path labelFile = IdxFiles.write(dir.resolve("labels"), IdxFiles.ubyte(labels, N));
        ImageDataset ds = IdxFormat.loadSplit(images, labelFile);
        byte[] artifact = EvalArtifacts.trainedOn(new ImageDataSetIterator(ds, 6));

        IdxStream.Header ih = header(images);
        IdxStream.Header lh = header(labelFile);
        IdxSlice slice = new IdxSlice(3, images.toUri().toString(), ih, labelFile.toUri().toString(), lh, 10, 20);
        byte[] conf = hadoopConf();

        Path isolatedOut = Files.createDirectories(dir.resolve("isolated"));
        PartitionScore isolated;
        try (URLClassLoader loader = isolatedLoader()) {
            for (String absent : List.of("org.nd4j.linalg.factory.Nd4j", "org.deeplearning4j.nn.graph.ComputationGraph",
                    "org.apache.spark.SparkContext")) {
                assertThrows(ClassNotFoundException.class, () -> Class.forName(absent, false, loader), absent);
            }
            isolated = (PartitionScore) fromLoader(runIsolated(loader, artifact, conf, toBytes(slice), isolatedOut.toUri().toString()),
                    getClass().getClassLoader());
        }
        Path here = Files.createDirectories(dir.resolve("here"));
        PartitionScore direct = PartitionScorer.score(artifact, conf, slice, 4, here.toUri().toString());

        assertEquals(20, isolated.examples());
        assertArrayEquals(direct.confusion(), isolated.confusion());
        List<String> lines = Files.readAllLines(isolatedOut.resolve("part-00003"));
        assertEquals(Files.readAllLines(here.resolve("part-00003")), lines);
        // the renamed part file and the emptied temporary folder; Hadoop's local file system adds hidden .crc checksums
        assertEquals(List.of("_temporary", "part-00003"), Files.list(isolatedOut).map(p -> p.getFileName().toString())
                .filter(f -> !f.startsWith(".")).sorted().toList());
        assertEquals(List.of(), Files.list(isolatedOut.resolve(PartitionScorer.TEMPORARY)).toList());

        // the local eval path: ImageDataSetIterator's features on the executor, argmax of the logits
        Int8Executor ex = Int8Executor.of(ArtifactReader.read(artifact), "artifact");
        ImageDataSetIterator it = new ImageDataSetIterator(ds.subset(10, 30), 20);
        DataSet d = it.next();
        float[] logits = ex.run(d.getFeatures().dup('c').data().asFloat(), 20).logits();
        List<String> expected = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            double[] row = new double[10];
            for (int c = 0; c < 10; c++) {
                row[c] = logits[k * 10 + c];
            }
            expected.add((10 + k) + "\t" + Evaluator.argMax(row) + "\t" + (labels[10 + k] & 0xFF));
        }
        assertEquals(expected, lines);
    }

    private static IdxStream.Header header(Path file) throws IOException {
        try (IdxStream s = IdxStream.open(file.toString(), file, Files.newInputStream(file), Files.size(file))) {
            return s.readHeader(-1, IdxStream.MAX_STREAMED_ELEMENTS);
        }
    }

    private static byte[] hadoopConf() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            new Configuration().write(out);
        }
        return b.toByteArray();
    }

    /** int8-executor's classes, this module's classes and the Hadoop client jars, over the JDK only. */
    private static URLClassLoader isolatedLoader() throws URISyntaxException, IOException {
        Set<URL> urls = new LinkedHashSet<>();
        int optional = 0;
        urls.add(Int8Executor.class.getProtectionDomain().getCodeSource().getLocation());
        urls.add(PartitionScorer.class.getProtectionDomain().getCodeSource().getLocation());
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (HADOOP_CLIENT.stream().anyMatch(name::startsWith)) {
                urls.add(Path.of(entry).toUri().toURL());
            } else if (name.startsWith(COMMONS_LOGGING)) {
                optional++;
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        assertEquals(2 + HADOOP_CLIENT.size() + optional, urls.size(), "executor classes, training classes, " + HADOOP_CLIENT + ": " + urls);
        for (URL u : urls) {
            // the jar's own name: the folders above it (a clone named after Spark) say nothing of its contents
            String jar = Path.of(u.toURI()).getFileName().toString();
            assertTrue(!jar.contains("nd4j") && !jar.contains("deeplearning4j") && !jar.contains("spark"), u.toString());
        }
        return new URLClassLoader("isolated-executor", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static byte[] runIsolated(ClassLoader loader, byte[] artifact, byte[] conf, byte[] slice, String out) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            Class<?> scorer = Class.forName(PartitionScorer.class.getName(), true, loader);
            assertTrue(scorer != PartitionScorer.class && scorer.getClassLoader() == loader);
            Class<?> sliceType = Class.forName(IdxSlice.class.getName(), false, loader);
            Method score = scorer.getMethod("score", byte[].class, byte[].class, sliceType, int.class, String.class);
            Object result = score.invoke(null, artifact, conf, fromLoader(slice, loader), 4, out);
            return toBytes(result);
        } catch (InvocationTargetException e) {
            throw new AssertionError("the isolated task failed: " + e.getCause(), e.getCause());
        } finally {
            t.setContextClassLoader(before);
        }
    }

    private static byte[] toBytes(Object o) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }

    private static Object fromLoader(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException {
        InputStream in = new ByteArrayInputStream(bytes);
        try (ObjectInputStream o = new ObjectInputStream(in) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws ClassNotFoundException {
                return Class.forName(desc.getName(), false, loader);
            }
        }) {
            return o.readObject();
        }
    }
}
