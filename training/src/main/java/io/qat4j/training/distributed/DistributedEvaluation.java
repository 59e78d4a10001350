package io.qat4j.training.distributed;

import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.training.data.IdxFormat;
import io.qat4j.training.data.IdxFormatException;
import io.qat4j.training.data.IdxStream;
import io.qat4j.training.eval.TaskKind;
import io.qat4j.training.eval.TaskMetrics;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Scores an int8 artifact on a large labelled image dataset on Spark: the int8 executor (Jacob et
 * al., CVPR 2018) runs inside {@code mapPartitions} over ranges of IDX files ("THE IDX FILE
 * FORMAT", LeCun et al., <a href="http://yann.lecun.com/exdb/mnist/">yann.lecun.com/exdb/mnist</a>)
 * on any Hadoop FileSystem ({@code file://}, {@code hdfs://}, {@code s3a://}, ...; a plain path is a
 * local file).
 *
 * <p>The driver reads both headers (validated as {@link io.qat4j.training.data.IdxReader} does: a
 * truncated plain file fails here, naming the file and offset), checks that the labels count the
 * images and that an image is the artifact's input, and cuts the records into slices: plain files
 * into {@code partitions} contiguous ranges ({@code [i*n/p, (i+1)*n/p)}, some empty when there
 * are more partitions than records), a gzip file, which cannot be split, into one slice streamed by
 * one task. The artifact's bytes and the Hadoop configuration are broadcast; each task loads the
 * executor once and scores its slice with {@link PartitionScorer}, which needs no DL4J; the
 * driver adds the tasks' confusion matrices. Predictions are identical to the local {@code qat4j
 * eval}'s, example by example (same pixel scaling, same executor, same argmax).
 *
 * <p>A task failure aborts the job after Spark's retries; its {@link IOException} (a malformed file
 * with its offset) is rethrown as it is.
 */
public final class DistributedEvaluation {

    private DistributedEvaluation() {
    }

    /**
     * The combined result.
     *
     * @param examples examples scored
     * @param classes the model's classes
     * @param confusion {@code [classes * classes]}, {@code confusion[label * classes + predicted]}
     * @param partitions Spark partitions (tasks) of the job
     * @param seconds wall time of the job, from its submission until the driver holds every result
     * @param predictions URI of the predictions folder, if written
     */
    public record Summary(long examples, int classes, long[] confusion, int partitions, double seconds,
                          Optional<String> predictions) {

        /** Copies the matrix. */
        public Summary {
            confusion = confusion.clone();
        }

        @Override
        public long[] confusion() {
            return confusion.clone();
        }

        /** @return correct predictions: the trace of the confusion matrix */
        public long correct() {
            long c = 0;
            for (int k = 0; k < classes; k++) {
                c += confusion[k * classes + k];
            }
            return c;
        }

        /** @return share of correct predictions, NaN without examples */
        public double accuracy() {
            return examples == 0 ? Double.NaN : (double) correct() / examples;
        }

        /**
         * @param c a class
         * @return share of the examples labelled {@code c} predicted as {@code c} (recall), NaN when none is labelled {@code c}
         */
        public double classAccuracy(int c) {
            long labelled = 0;
            for (int p = 0; p < classes; p++) {
                labelled += confusion[c * classes + p];
            }
            return labelled == 0 ? Double.NaN : (double) confusion[c * classes + c] / labelled;
        }

        /** @return examples per second of wall time */
        public double examplesPerSecond() {
            return examples / seconds;
        }

        /**
         * Prints the result: the job line, the accuracy line in the local {@code eval}'s form, per-class accuracy.
         *
         * @param out where to print
         */
        public void print(PrintStream out) {
            out.printf(Locale.ROOT, "Spark: %d examples in %d partitions, %.2f s, %.0f examples/s%n", examples, partitions,
                    seconds, examplesPerSecond());
            TaskMetrics m = new TaskMetrics(TaskKind.CLASSIFICATION, (int) Math.min(Integer.MAX_VALUE, examples), accuracy(),
                    Double.NaN, Double.NaN);
            out.printf(Locale.ROOT, "int8 executor on %d test examples: %s%n", examples, m.summary());
            StringBuilder b = new StringBuilder("per class:");
            for (int c = 0; c < classes; c++) {
                b.append(String.format(Locale.ROOT, "  %d %.2f%%", c, 100 * classAccuracy(c)));
            }
            out.println(b);
            predictions.ifPresent(p -> out.println("predictions (index, predicted, label): " + p + "/part-*"));
        }
    }

    /**
     * Scores an artifact on a dataset.
     *
     * @param sc the Spark context, owned by the caller
     * @param artifact the artifact's bytes
     * @param artifactName how messages name the artifact
     * @param images URI or local path of the IDX image file, rank 3 {@code [n, h, w]} or 4 {@code [n, c, h, w]}
     * @param labels URI or local path of the IDX label file, rank 1 {@code [n]}
     * @param partitions slices of plain files, at least 1
     * @param batch examples per executor run, at least 1
     * @param predictionsOut URI or local path of a folder to create for the predictions, or empty
     * @return the combined scores
     * @throws IdxFormatException when a file is malformed, or the files do not match each other or the artifact
     * @throws IOException when a file cannot be read or written, or the artifact is malformed
     */
    public static Summary evaluate(JavaSparkContext sc, byte[] artifact, String artifactName, String images, String labels,
                                   int partitions, int batch, Optional<String> predictionsOut) throws IOException {
        if (partitions < 1 || batch < 1) {
            throw new IllegalArgumentException("partitions and batch must be at least 1, got " + partitions + " and " + batch);
        }
        Int8Executor ex = Int8Executor.of(ArtifactReader.read(artifact), artifactName);
        Configuration conf = sc.hadoopConfiguration();
        String imagesUri = uri(images);
        String labelsUri = uri(labels);
        IdxStream.Header ih = header(imagesUri, -1, conf);
        IdxStream.Header lh = header(labelsUri, 1, conf);
        int[] shape = IdxFormat.imageShape(ih.dims(), imagesUri, null, ih.gzip());
        if (!Arrays.equals(shape, ex.inputShape())) {
            throw new IdxFormatException(imagesUri, null, 4, ih.gzip(), "images of shape " + Arrays.toString(shape)
                    + " [channels, height, width] do not fit " + artifactName + ", whose input is "
                    + Arrays.toString(ex.inputShape()), null);
        }
        if (lh.records() != ih.records()) {
            throw IdxFormat.labelCountMismatch(labelsUri, null, lh.gzip(), lh.records(), imagesUri, ih.records());
        }
        if ((long) batch * ex.inputSize() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch " + batch + " of " + ex.inputSize() + " inputs per example does not fit"
                    + " a Java array");
        }
        List<IdxSlice> slices = slices(imagesUri, ih, labelsUri, lh, partitions);
        Optional<String> out = predictionsOut.map(DistributedEvaluation::uri);
        if (out.isPresent()) {
            Path dir = new Path(URI.create(out.get()));
            FileSystem fs = dir.getFileSystem(conf);
            if (fs.exists(dir)) {
                throw new IOException("predictions folder " + out.get() + " already exists; give a new one");
            }
            fs.mkdirs(dir);
        }
        Broadcast<byte[]> artifactBc = sc.broadcast(artifact);
        Broadcast<byte[]> confBc = sc.broadcast(bytes(conf));
        long start = System.nanoTime();
        List<PartitionScore> scores;
        try {
            scores = sc.parallelize(slices, slices.size())
                    .mapPartitions(new ScoringFunction(artifactBc, confBc, batch, out.orElse(null)))
                    .collect();
        } catch (Exception e) { // Spark throws its checked SparkException without declaring it
            if (out.isPresent()) {
                // the folder this call created holds no complete result: removed, so that a rerun may use it
                try {
                    Path dir = new Path(URI.create(out.get()));
                    dir.getFileSystem(conf).delete(dir, true);
                } catch (IOException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw taskFailure(e);
        } finally {
            artifactBc.destroy();
            confBc.destroy();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (out.isPresent()) {
            Path dir = new Path(URI.create(out.get()));
            dir.getFileSystem(conf).delete(new Path(dir, PartitionScorer.TEMPORARY), true);
        }
        int classes = ex.classes();
        long[] confusion = new long[classes * classes];
        long examples = 0;
        for (PartitionScore s : scores) {
            examples += s.examples();
            long[] c = s.confusion();
            for (int i = 0; i < c.length; i++) {
                confusion[i] += c[i];
            }
        }
        if (examples != ih.records()) {
            throw new IllegalStateException("the tasks scored " + examples + " examples of " + ih.records());
        }
        return new Summary(examples, classes, confusion, slices.size(), seconds, out);
    }

    /**
     * @param pathOrUri a URI with a scheme ({@code hdfs://nn/data/x}, {@code file:///data/x}) or a local path
     * @return the URI, a local path made absolute as a {@code file:} URI
     */
    public static String uri(String pathOrUri) {
        int colon = pathOrUri.indexOf(':');
        // a scheme has at least two characters, so that a Windows drive letter stays a path
        if (colon > 1 && pathOrUri.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            return URI.create(pathOrUri).toString();
        }
        return java.nio.file.Path.of(pathOrUri).toAbsolutePath().normalize().toUri().toString();
    }

    /**
     * @return plain files cut into {@code partitions} contiguous ranges {@code [i*n/p, (i+1)*n/p)}; a gzip file in one
     */
    static List<IdxSlice> slices(String imagesUri, IdxStream.Header images, String labelsUri, IdxStream.Header labels,
                                 int partitions) {
        long n = images.records();
        List<IdxSlice> out = new ArrayList<>();
        if (images.gzip() || labels.gzip()) {
            out.add(new IdxSlice(0, imagesUri, images, labelsUri, labels, 0, n));
            return out;
        }
        for (int i = 0; i < partitions; i++) {
            long from = i * n / partitions;
            long to = (i + 1) * n / partitions;
            out.add(new IdxSlice(i, imagesUri, images, labelsUri, labels, from, to - from));
        }
        return out;
    }

    private static IdxStream.Header header(String uri, int rank, Configuration conf) throws IOException {
        Path path = new Path(URI.create(uri));
        FileSystem fs = path.getFileSystem(conf);
        long size = fs.getFileStatus(path).getLen();
        try (IdxStream s = IdxStream.open(uri, null, fs.open(path), size)) {
            return s.readHeader(rank, IdxStream.MAX_STREAMED_ELEMENTS);
        }
    }

    private static byte[] bytes(Configuration conf) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            conf.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the Hadoop configuration", e);
        }
        return b.toByteArray();
    }

    /** The task's own exception when Spark kept it as the cause (a malformed file), else Spark's. */
    private static IOException taskFailure(Exception e) throws IOException {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                throw io;
            }
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        throw new IllegalStateException("the Spark job failed: " + e.getMessage(), e);
    }
}
