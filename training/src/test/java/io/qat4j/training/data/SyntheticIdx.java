package io.qat4j.training.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * A small image classification dataset that qat4j has never seen, written as IDX files for tests
 * of the {@code idx} format: {@value #CLASSES} classes of {@code size x size} grey images, each a
 * bar (horizontal, vertical, or diagonal, by class) at a random position on seeded noise, so that
 * a small network learns it in a few dozen steps.
 */
public final class SyntheticIdx {

    /** Number of classes. */
    public static final int CLASSES = 3;

    private SyntheticIdx() {
    }

    /**
     * @param count number of images, classes in turn
     * @param channels channels per image (the bar is drawn in every channel)
     * @param size rows and columns
     * @param seed noise and positions
     * @return pixels, NCHW, and labels
     */
    public static ImageDataset images(int count, int channels, int size, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * channels * size * size];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int label = i % CLASSES;
            labels[i] = label;
            int at = random.nextInt(size);
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        boolean bar = switch (label) {
                            case 0 -> y == at;
                            case 1 -> x == at;
                            default -> (x + size - y) % size == at;
                        };
                        int v = bar ? 200 + random.nextInt(56) : random.nextInt(60);
                        pixels[((i * channels + c) * size + y) * size + x] = (byte) v;
                    }
                }
            }
        }
        return new ImageDataset(channels, size, size, pixels, labels, CLASSES);
    }

    /**
     * Writes images and labels as IDX files: rank 3 {@code [n, h, w]} for one channel, rank 4
     * {@code [n, c, h, w]} otherwise.
     *
     * @param d the images
     * @param imagesFile where the images go
     * @param labelsFile where the labels go
     * @param gzip whether to compress both
     * @throws IOException when writing fails
     */
    public static void write(ImageDataset d, Path imagesFile, Path labelsFile, boolean gzip)
            throws IOException {
        byte[] images = d.channels() == 1
                ? IdxFiles.ubyte(d.pixels(), d.count(), d.height(), d.width())
                : IdxFiles.ubyte(d.pixels(), d.count(), d.channels(), d.height(), d.width());
        byte[] labels = new byte[d.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) d.label(i);
        }
        IdxFiles.write(imagesFile, gzip ? IdxFiles.gzip(images) : images);
        byte[] labelFile = IdxFiles.ubyte(labels, d.count());
        IdxFiles.write(labelsFile, gzip ? IdxFiles.gzip(labelFile) : labelFile);
    }

    /**
     * Writes a dataset folder with MNIST's file names: the training split gzipped
     * ({@code train-images-idx3-ubyte.gz}, ...), the test split plain.
     *
     * @param dir the folder
     * @param channels channels per image
     * @param size rows and columns
     * @return the folder
     * @throws IOException when writing fails
     */
    public static Path folder(Path dir, int channels, int size) throws IOException {
        write(images(240, channels, size, 1), dir.resolve(FashionMnist.TRAIN_IMAGES + ".gz"),
                dir.resolve(FashionMnist.TRAIN_LABELS + ".gz"), true);
        write(images(90, channels, size, 2), dir.resolve(FashionMnist.TEST_IMAGES),
                dir.resolve(FashionMnist.TEST_LABELS), false);
        return dir;
    }
}
