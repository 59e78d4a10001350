package io.qat4j.spark;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qat4j.training.data.DataRequirement;
import io.qat4j.training.data.DatasetLocator;
import io.qat4j.training.data.DatasetNotFoundException;
import io.qat4j.training.data.FashionMnist;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The first examples of Fashion-MNIST (Xiao et al. 2017) as a dataset folder of its own: the four
 * IDX files (LeCun et al.'s MNIST format), gzipped, each cut to a count of examples, so that a
 * cluster test trains in a few dozen steps and the report evaluates quickly. Fashion-MNIST loads
 * from reduced copies of its files (see {@link FashionMnist}).
 */
final class FashionMnistSubset {

    private FashionMnistSubset() {
    }

    /**
     * Writes the subset, or skips the calling test (visibly) when Fashion-MNIST is absent; fails it
     * instead when {@value DataRequirement#REQUIRE_DATA_ENV} is set.
     *
     * @param to folder to write
     * @param train training examples to keep
     * @param test test examples to keep
     * @return {@code to}
     * @throws IOException on reading the source or writing the subset
     */
    static Path write(Path to, int train, int test) throws IOException {
        Path source = locate();
        Files.createDirectories(to);
        cut(source, FashionMnist.TRAIN_IMAGES, to, train);
        cut(source, FashionMnist.TRAIN_LABELS, to, train);
        cut(source, FashionMnist.TEST_IMAGES, to, test);
        cut(source, FashionMnist.TEST_LABELS, to, test);
        return to;
    }

    /** @return Fashion-MNIST's folder; skips or fails the calling test when it is missing, as {@link #write} */
    static Path locate() {
        try {
            return DatasetLocator.fromEnvironment().locate(DatasetLocator.FASHION_MNIST);
        } catch (DatasetNotFoundException e) {
            if (DataRequirement.dataMustBePresent()) {
                fail("Fashion-MNIST is required (" + DataRequirement.REQUIRE_DATA_ENV + " is set): " + e.getMessage());
            }
            System.err.println("SKIPPED (dataset missing): fashion-mnist, for the cluster training test");
            assumeTrue(false, e.getMessage());
            throw new AssertionError("unreachable", e);
        }
    }

    /** Copies the IDX header with the first dimension set to {@code count}, then that many records. */
    private static void cut(Path folder, String name, Path to, int count) throws IOException {
        Path gz = folder.resolve(name + ".gz");
        Path file = Files.exists(gz) ? gz : folder.resolve(name);
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(file == gz ? new GZIPInputStream(raw) : raw);
                OutputStream rawOut = Files.newOutputStream(to.resolve(name + ".gz"));
                DataOutputStream out = new DataOutputStream(new GZIPOutputStream(rawOut))) {
            int magic = in.readInt();
            int rank = magic & 0xff;
            int available = in.readInt();
            if (count > available) {
                throw new IOException(file + " holds " + available + " records, fewer than the " + count + " asked for");
            }
            out.writeInt(magic);
            out.writeInt(count);
            long recordBytes = 1;
            for (int d = 1; d < rank; d++) {
                int size = in.readInt();
                out.writeInt(size);
                recordBytes *= size;
            }
            out.write(in.readNBytes(Math.toIntExact(recordBytes * count)));
        }
    }
}
