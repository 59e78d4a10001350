package io.qat4j.training.distributed;

import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.training.data.IdxStream;
import io.qat4j.training.data.PixelScaling;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The code of a {@link DistributedEvaluation} Spark task: scores one {@link IdxSlice} with the int8
 * executor (Jacob et al., "Quantization and Training of Neural Networks for Efficient
 * Integer-Arithmetic-Only Inference", CVPR 2018) loaded from the broadcast artifact bytes.
 *
 * <p>It reads the slice's images and labels through the Hadoop FileSystem API in batches of a
 * given size (a plain file from {@code headerBytes + first * recordBytes} after a seek, a gzip
 * file streamed from its start), scales the pixels with {@link PixelScaling} (the training
 * pipeline's definition), runs {@link Int8Executor#run(float[], int)} (input quantization from
 * the artifact's manifest, argmax of the dequantized logits: exactly what the local {@code qat4j
 * eval} computes), and counts the confusion matrix. With a predictions folder it writes one line
 * per example, {@code index<TAB>predicted<TAB>label}, to {@code part-NNNNN}: first under a
 * temporary name in {@code _temporary}, renamed when complete, so a part file is either absent or
 * whole, also when Spark retries the task.
 *
 * <p>This class and what it loads use only the {@code int8-executor} module, Hadoop's FileSystem
 * API, the JDK and the JDK-only IDX and pixel classes of {@code io.qat4j.training.data}: no
 * DL4J or ND4J, so executors need no native libraries ({@code PartitionScorerIsolationTest} runs
 * it in a class loader without them).
 */
public final class PartitionScorer {

    /** Name of the folder, inside the predictions folder, of part files being written. */
    public static final String TEMPORARY = "_temporary";

    private PartitionScorer() {
    }

    /**
     * Scores one slice.
     *
     * @param artifact the artifact's bytes
     * @param hadoopConf the driver's Hadoop configuration, as {@link Configuration#write} wrote it
     * @param slice the records to score
     * @param batch examples per executor run, at least 1
     * @param predictionsDir URI of the predictions folder, which exists, or null for none
     * @return the slice's example count and confusion matrix
     * @throws io.qat4j.training.data.IdxFormatException when a file is truncated or malformed, or a label is not a class
     *     of the model, naming the file and byte offset
     * @throws IOException when a file cannot be read or written
     */
    public static PartitionScore score(byte[] artifact, byte[] hadoopConf, IdxSlice slice, int batch, String predictionsDir)
            throws IOException {
        long start = System.nanoTime();
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        Int8Executor ex = Int8Executor.of(ArtifactReader.read(artifact), "the broadcast artifact");
        Configuration conf = configuration(hadoopConf);
        int classes = ex.classes();
        int size = ex.inputSize();
        long[] confusion = new long[classes * classes];
        long recordBytes = slice.images().recordBytes();
        if (recordBytes != size) {
            throw new IllegalArgumentException(slice.imagesUri() + " holds images of " + recordBytes
                    + " pixels; the artifact takes " + size + " inputs per example");
        }
        Writer out = null;
        Path tmp = null;
        Path part = null;
        FileSystem outFs = null;
        if (predictionsDir != null) {
            Path dir = new Path(URI.create(predictionsDir));
            outFs = dir.getFileSystem(conf);
            part = new Path(dir, slice.partName());
            tmp = new Path(new Path(dir, TEMPORARY), slice.partName() + "-" + UUID.randomUUID());
            out = new BufferedWriter(new OutputStreamWriter(outFs.create(tmp, false), StandardCharsets.UTF_8), 1 << 16);
        }
        try (IdxStream images = open(slice.imagesUri(), slice.images(), slice, conf);
             IdxStream labels = open(slice.labelsUri(), slice.labels(), slice, conf)) {
            int maxBatch = (int) Math.min(batch, Math.max(1, slice.count()));
            byte[] pixels = new byte[maxBatch * size];
            float[] x = new float[maxBatch * size];
            byte[] y = new byte[maxBatch];
            long done = 0;
            while (done < slice.count()) {
                int n = (int) Math.min(maxBatch, slice.count() - done);
                long labelsAt = labels.position();
                images.readData(pixels, 0, n * size);
                labels.readData(y, 0, n);
                PixelScaling.toUnitInterval(pixels, 0, x, 0, n * size);
                float[] in = n == maxBatch ? x : Arrays.copyOf(x, n * size);
                int[] predicted = ex.run(in, n).predictions();
                for (int k = 0; k < n; k++) {
                    int label = y[k] & 0xFF;
                    if (label >= classes) {
                        throw labels.error(labelsAt + k, "label " + label + " of example " + (slice.first() + done + k)
                                + " is not a class of the artifact, which has " + classes + " classes (0.." + (classes - 1) + ")");
                    }
                    confusion[label * classes + predicted[k]]++;
                    if (out != null) {
                        out.write((slice.first() + done + k) + "\t" + predicted[k] + "\t" + label + "\n");
                    }
                }
                done += n;
            }
            images.expectEnd();
            labels.expectEnd();
            if (out != null) {
                out.close();
                out = null;
                // a retried task replaces the part file of an earlier attempt
                outFs.delete(part, false);
                if (!outFs.rename(tmp, part)) {
                    throw new IOException("cannot rename " + tmp + " to " + part);
                }
            }
        } finally {
            if (out != null) {
                out.close();
                outFs.delete(tmp, false);
            }
        }
        return new PartitionScore(slice.index(), slice.count(), classes, confusion, System.nanoTime() - start);
    }

    /**
     * @param bytes a Hadoop configuration as {@link Configuration#write} wrote it
     * @return the configuration, without the defaults of this JVM's resources
     * @throws IOException when the bytes are malformed
     */
    public static Configuration configuration(byte[] bytes) throws IOException {
        Configuration conf = new Configuration(false);
        conf.readFields(new DataInputStream(new ByteArrayInputStream(bytes)));
        return conf;
    }

    /** Opens a file of the slice at its first record, with the header read (and checked) on the driver. */
    private static IdxStream open(String uri, IdxStream.Header header, IdxSlice slice, Configuration conf) throws IOException {
        Path path = new Path(URI.create(uri));
        FileSystem fs = path.getFileSystem(conf);
        long size = fs.getFileStatus(path).getLen();
        java.nio.file.Path local = "file".equals(path.toUri().getScheme()) ? java.nio.file.Path.of(path.toUri()) : null;
        FSDataInputStream raw = fs.open(path);
        try {
            if (slice.streamed()) {
                IdxStream s = IdxStream.open(uri, local, raw, size);
                IdxStream.Header read = s.readHeader(header.dims().length, IdxStream.MAX_STREAMED_ELEMENTS);
                if (!Arrays.equals(read.dims(), header.dims())) {
                    s.close();
                    throw s.error(4, "dimensions " + Arrays.toString(read.dims()) + " differ from "
                            + Arrays.toString(header.dims()) + " read when the job started: the file changed");
                }
                return s;
            }
            long offset = header.headerBytes() + slice.first() * header.recordBytes();
            raw.seek(offset);
            return IdxStream.positioned(uri, local, raw, size, header, offset);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
