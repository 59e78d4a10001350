package io.qat4j.training.data;

import static io.qat4j.training.data.IdxFiles.gzip;
import static io.qat4j.training.data.IdxFiles.pattern;
import static io.qat4j.training.data.IdxFiles.ubyte;
import static io.qat4j.training.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading Fashion-MNIST from synthetic IDX files; the real files are tested in {@link FashionMnistRealDataTest}. */
class FashionMnistTest {

    @TempDir
    Path dir;

    static byte[] labels(int n) {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) {
            l[i] = (byte) ((i * 7) % 10);
        }
        return l;
    }

    /** Writes a reduced Fashion-MNIST: 12 training and 5 test images, mixing plain and gzip files. */
    void writeSmall(Path d) throws IOException {
        write(d.resolve("train-images-idx3-ubyte.gz"), gzip(ubyte(pattern(12 * 784, 1), 12, 28, 28)));
        write(d.resolve("train-labels-idx1-ubyte"), ubyte(labels(12), 12));
        write(d.resolve("t10k-images-idx3-ubyte"), ubyte(pattern(5 * 784, 2), 5, 28, 28));
        write(d.resolve("t10k-labels-idx1-ubyte.gz"), gzip(ubyte(labels(5), 5)));
    }

    @Test
    void loadsAllFourFilesPlainOrGzipped() throws IOException {
        writeSmall(dir);
        FashionMnist fm = FashionMnist.load(dir);
        assertEquals(dir, fm.directory());
        ImageDataset train = fm.train();
        ImageDataset test = fm.test();
        assertEquals(12, train.count());
        assertEquals(5, test.count());
        for (ImageDataset d : List.of(train, test)) {
            assertEquals(1, d.channels());
            assertEquals(28, d.height());
            assertEquals(28, d.width());
            assertEquals(10, d.numClasses());
            assertEquals(FashionMnist.CLASS_NAMES, d.classNames());
        }
        assertArrayEquals(pattern(12 * 784, 1), train.pixels());
        assertArrayEquals(pattern(5 * 784, 2), test.pixels());
        assertEquals(7, train.label(1));
        assertEquals(4, test.label(2));
    }

    @Test
    void loadsThroughTheLocator() throws IOException {
        Path root = dir.resolve("root");
        writeSmall(root.resolve("fashion-mnist"));
        DatasetLocator loc = new DatasetLocator(Map.of("QAT4J_DATA", root.toString()), dir, Map.of());
        assertEquals(12, FashionMnist.load(loc, null).train().count());
    }

    @Test
    void prefersTheUncompressedFileWhenBothExist() throws IOException {
        Path plain = write(dir.resolve("train-labels-idx1-ubyte"), ubyte(labels(3), 3));
        write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(ubyte(labels(3), 3)));
        assertEquals(plain, FashionMnist.findFile(dir, FashionMnist.TRAIN_LABELS));
    }

    @Test
    void missingFileIsReportedWithBothNamesAndHowToGetTheData() throws IOException {
        writeSmall(dir);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> FashionMnist.load(dir));
        assertEquals(List.of(dir.resolve("t10k-labels-idx1-ubyte"), dir.resolve("t10k-labels-idx1-ubyte.gz")),
                e.searched());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void rejectsImagesThatAreNot28x28() throws IOException {
        Path images = write(dir.resolve("i"), ubyte(pattern(2 * 27 * 28, 0), 2, 27, 28));
        Path labels = write(dir.resolve("l"), ubyte(labels(2), 2));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.loadSplit(images, labels));
        assertEquals(8, e.offset());
        assertTrue(e.getMessage().contains("27 rows"), e.getMessage());

        Path wide = write(dir.resolve("w.gz"), gzip(ubyte(pattern(2 * 28 * 29, 0), 2, 28, 29)));
        IdxFormatException w = assertThrows(IdxFormatException.class, () -> FashionMnist.loadSplit(wide, labels));
        assertEquals(12, w.offset());
        assertTrue(w.offsetInDecompressedData());
    }

    @Test
    void rejectsLabelCountMismatch() throws IOException {
        Path images = write(dir.resolve("i"), ubyte(pattern(3 * 784, 0), 3, 28, 28));
        Path labels = write(dir.resolve("l"), ubyte(labels(4), 4));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.loadSplit(images, labels));
        assertEquals(labels, e.file());
        assertEquals(4, e.offset());
        assertTrue(e.getMessage().contains("holds 4 labels") && e.getMessage().contains("3 images"), e.getMessage());
    }

    @Test
    void rejectsLabelsOutsideTheTenClasses() throws IOException {
        Path images = write(dir.resolve("i"), ubyte(pattern(3 * 784, 0), 3, 28, 28));
        Path labels = write(dir.resolve("l.gz"), gzip(ubyte(new byte[] {1, 2, (byte) 200}, 3)));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.loadSplit(images, labels));
        assertEquals(10, e.offset());
        assertTrue(e.getMessage().contains("label 200 of image 2"), e.getMessage());
        assertTrue(e.getMessage().contains("offset 10 of the decompressed data"), e.getMessage());
    }

    @Test
    void rejectsLabelsFileOfWrongRank() throws IOException {
        Path images = write(dir.resolve("i"), ubyte(pattern(784, 0), 1, 28, 28));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.loadSplit(images, images));
        assertEquals(3, e.offset());
        assertTrue(e.getMessage().contains("rank mismatch"), e.getMessage());
    }

    @Test
    void classNamesFollowXiaoEtAl() {
        assertEquals(10, FashionMnist.CLASS_NAMES.size());
        assertEquals("T-shirt/top", FashionMnist.CLASS_NAMES.get(0));
        assertEquals("Sneaker", FashionMnist.CLASS_NAMES.get(7));
        assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(9));
    }
}
