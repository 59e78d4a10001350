package io.qat4j.training.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Fashion-MNIST dataset: 28x28 grayscale images of Zalando articles in 10 classes, 60,000
 * for training and 10,000 for testing (H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel
 * Image Dataset for Benchmarking Machine Learning Algorithms", arXiv:1708.07747, 2017;
 * <a href="https://github.com/zalandoresearch/fashion-mnist">
 * github.com/zalandoresearch/fashion-mnist</a>).
 *
 * <p>It is distributed as four IDX files in the format of MNIST (LeCun et al.,
 * <a href="http://yann.lecun.com/exdb/mnist/">http://yann.lecun.com/exdb/mnist/</a>), read by
 * {@link IdxReader}: {@value #TRAIN_IMAGES}, {@value #TRAIN_LABELS}, {@value #TEST_IMAGES},
 * {@value #TEST_LABELS}, each either plain or gzip-compressed with the suffix {@code .gz}
 * (Debian's package {@code dataset-fashion-mnist} installs the {@code .gz} files in
 * {@value DatasetLocator#DEBIAN_FASHION_MNIST_DIR}). When both forms of a file are present
 * the uncompressed one is read.
 *
 * <p>{@link #load(Path)} checks that images are 28x28 (magic {@code 0x00000803}), that labels
 * (magic {@code 0x00000801}) are as many as images and in {@code 0..9}. It does not insist on
 * the official 60,000/10,000 counts, so that reduced copies of the files load as well.
 * Instances are immutable.
 */
public final class FashionMnist {

    /** Dataset name, the folder name used by {@link DatasetLocator}. */
    public static final String NAME = DatasetLocator.FASHION_MNIST;

    /** Rows of an image. */
    public static final int HEIGHT = 28;

    /** Columns of an image. */
    public static final int WIDTH = 28;

    /** Number of classes. */
    public static final int NUM_CLASSES = 10;

    /** Number of training images of the official release. */
    public static final int OFFICIAL_TRAIN_COUNT = 60_000;

    /** Number of test images of the official release. */
    public static final int OFFICIAL_TEST_COUNT = 10_000;

    /** Training images, IDX rank 3 {@code [60000, 28, 28]}. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";

    /** Training labels, IDX rank 1 {@code [60000]}. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";

    /** Test images, IDX rank 3 {@code [10000, 28, 28]}. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";

    /** Test labels, IDX rank 1 {@code [10000]}. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** The four file names, without the optional {@code .gz}. */
    public static final List<String> FILE_NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    /** Class names by label, as given by Xiao et al. (2017), Table 1. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private final Path directory;
    private final ImageDataset train;
    private final ImageDataset test;

    private FashionMnist(Path directory, ImageDataset train, ImageDataset test) {
        this.directory = directory;
        this.train = train;
        this.test = test;
    }

    /**
     * Loads the four IDX files from {@code dir}.
     *
     * @param dir folder holding the files (plain or {@code .gz})
     * @return the training and test sets
     * @throws DatasetNotFoundException when a file is missing
     * @throws IdxFormatException when a file is malformed or not Fashion-MNIST-shaped
     * @throws IOException when a file cannot be read
     */
    public static FashionMnist load(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        ImageDataset train = loadSplit(findFile(dir, TRAIN_IMAGES), findFile(dir, TRAIN_LABELS));
        ImageDataset test = loadSplit(findFile(dir, TEST_IMAGES), findFile(dir, TEST_LABELS));
        return new FashionMnist(dir, train, test);
    }

    /**
     * Locates the dataset folder ({@link DatasetLocator#locate(String, Path)}) and loads it.
     *
     * @param locator where to look
     * @param explicitPath the configured {@code dataset.path}, or null to search
     * @return the training and test sets
     * @throws DatasetNotFoundException when the folder or a file is missing
     * @throws IOException when a file is malformed or cannot be read
     */
    public static FashionMnist load(DatasetLocator locator, Path explicitPath) throws IOException {
        return load(locator.locate(NAME, explicitPath));
    }

    /**
     * Loads one pair of image and label files.
     *
     * @param imagesFile IDX images, rank 3 {@code [n, 28, 28]}
     * @param labelsFile IDX labels, rank 1 {@code [n]}, values in {@code 0..9}
     * @return the {@code n} labelled images, 1 channel
     * @throws IdxFormatException when a file is malformed or the two do not match
     * @throws IOException when a file cannot be read
     */
    public static ImageDataset loadSplit(Path imagesFile, Path labelsFile) throws IOException {
        IdxArray images = IdxReader.read(imagesFile, 3);
        if (images.dim(1) != HEIGHT) {
            throw new IdxFormatException(imagesFile, 8, IdxReader.isGzip(imagesFile), "images have "
                    + images.dim(1) + " rows; Fashion-MNIST images are " + HEIGHT + "x" + WIDTH);
        }
        if (images.dim(2) != WIDTH) {
            throw new IdxFormatException(imagesFile, 12, IdxReader.isGzip(imagesFile), "images have "
                    + images.dim(2) + " columns; Fashion-MNIST images are " + HEIGHT + "x" + WIDTH);
        }
        int n = images.dim(0);
        int[] y = IdxFormat.labels(labelsFile, imagesFile, n);
        for (int i = 0; i < n; i++) {
            if (y[i] >= NUM_CLASSES) {
                throw new IdxFormatException(labelsFile, 8L + i, IdxReader.isGzip(labelsFile), "label " + y[i]
                        + " of image " + i + " is outside 0.." + (NUM_CLASSES - 1));
            }
        }
        return ImageDataset.wrap(1, HEIGHT, WIDTH, images.bytes(), y, NUM_CLASSES, CLASS_NAMES);
    }

    /**
     * Finds {@code baseName} or {@code baseName.gz} in {@code dir}, preferring the uncompressed
     * file when both exist.
     *
     * @param dir folder to look in
     * @param baseName file name without {@code .gz}
     * @return the existing file
     * @throws DatasetNotFoundException when neither exists
     */
    public static Path findFile(Path dir, String baseName) {
        return IdxFormat.findFile(dir, baseName, NAME, Optional.of(DatasetLocator.howToGet(NAME)));
    }

    /** @return the folder the files were read from */
    public Path directory() {
        return directory;
    }

    /** @return the training set ({@value #TRAIN_IMAGES}, {@value #TRAIN_LABELS}) */
    public ImageDataset train() {
        return train;
    }

    /** @return the test set ({@value #TEST_IMAGES}, {@value #TEST_LABELS}) */
    public ImageDataset test() {
        return test;
    }

    @Override
    public String toString() {
        return "FashionMnist[" + directory + ", train=" + train.count() + ", test=" + test.count() + "]";
    }
}
