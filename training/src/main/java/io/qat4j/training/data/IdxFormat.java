package io.qat4j.training.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.training.config.DatasetConfig;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.config.binding.YamlNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * The {@code idx} dataset format: image classification data as IDX files of unsigned bytes
 * ("THE IDX FILE FORMAT", LeCun et al., <a href="http://yann.lecun.com/exdb/mnist/">
 * yann.lecun.com/exdb/mnist</a>), as MNIST, Fashion-MNIST, KMNIST or EMNIST are distributed.
 *
 * <p>A dataset is a folder with four files, named as MNIST names them unless the config names
 * them ({@code trainImages}, {@code trainLabels}, {@code testImages}, {@code testLabels}: a file
 * name in the folder, or an absolute path); each is read plain or, when the plain file is absent,
 * gzip-compressed with the suffix {@code .gz}:
 * <ul>
 *   <li>images, rank 3 {@code [N, H, W]} (one channel) or rank 4 {@code [N, C, H, W]};</li>
 *   <li>labels, rank 1 {@code [N]}, one class index per image.</li>
 * </ul>
 * The image shape is read from the files (training and test must agree), the class count is
 * one more than the largest label of either split (classes are named by their index, Fashion-MNIST's
 * by Xiao et al.'s names); both are checked against the model when the data is loaded. Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) is known by name:
 * {@code dataset: fashion-mnist}.
 */
public final class IdxFormat implements DatasetFormat {

    /** The value of {@code dataset.format}. */
    public static final String NAME = "idx";

    /** The four file keys, in schema order. */
    static final List<String> KEYS = List.of("trainImages", "trainLabels", "testImages", "testLabels");

    /**
     * The files of an IDX dataset, each a file name in the dataset folder or an absolute path,
     * read as given or with {@code .gz} appended.
     *
     * @param trainImages training images
     * @param trainLabels training labels
     * @param testImages test images
     * @param testLabels test labels
     */
    public record IdxFileNames(String trainImages, String trainLabels, String testImages, String testLabels)
            implements DatasetFormatSettings {

        /** MNIST's file names, {@code train-images-idx3-ubyte} and so on. */
        public static final IdxFileNames MNIST_NAMES = new IdxFileNames(FashionMnist.TRAIN_IMAGES,
                FashionMnist.TRAIN_LABELS, FashionMnist.TEST_IMAGES, FashionMnist.TEST_LABELS);

        /** Checks that all names are present. */
        public IdxFileNames {
            Objects.requireNonNull(trainImages, "trainImages");
            Objects.requireNonNull(trainLabels, "trainLabels");
            Objects.requireNonNull(testImages, "testImages");
            Objects.requireNonNull(testLabels, "testLabels");
        }

        List<String> all() {
            return List.of(trainImages, trainLabels, testImages, testLabels);
        }
    }

    /** Creates the format (instantiated by {@link java.util.ServiceLoader}). */
    public IdxFormat() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "image classification in IDX files (MNIST's format)";
    }

    @Override
    public List<String> keys() {
        return KEYS;
    }

    @Override
    public List<NamedDataset> namedDatasets() {
        return List.of(new NamedDataset(FashionMnist.NAME, "Fashion-MNIST (Xiao, Rasul, Vollgraf 2017)",
                Optional.of(new ImageSignature(1, FashionMnist.HEIGHT, FashionMnist.WIDTH,
                        FashionMnist.NUM_CLASSES))));
    }

    @Override
    public DatasetFormatSettings bind(Section dataset) {
        List<String> defaults = IdxFileNames.MNIST_NAMES.all();
        String[] names = new String[KEYS.size()];
        boolean ok = true;
        for (int i = 0; i < names.length; i++) {
            YamlNode n = dataset.value(KEYS.get(i));
            names[i] = n == null ? defaults.get(i) : dataset.reader().text(n, dataset.path(KEYS.get(i)));
            ok &= names[i] != null;
        }
        return ok ? new IdxFileNames(names[0], names[1], names[2], names[3]) : null;
    }

    @Override
    public void write(DatasetFormatSettings settings, ObjectNode out) {
        List<String> names = ((IdxFileNames) settings).all();
        for (int i = 0; i < KEYS.size(); i++) {
            out.put(KEYS.get(i), names.get(i));
        }
    }

    @Override
    public ImageSplits load(DatasetLocator.Candidate location, DatasetConfig config) throws IOException {
        IdxFileNames files = (IdxFileNames) config.settings();
        Path folder = location.path();
        List<Path> paths = new ArrayList<>();
        for (String name : files.all()) {
            paths.add(find(folder, name, config));
        }
        ImageDataset train = loadSplit(paths.get(0), paths.get(1));
        ImageDataset test = loadSplit(paths.get(2), paths.get(3));
        int classes = Math.max(train.numClasses(), test.numClasses());
        List<String> classNames = config.name().equals(Optional.of(FashionMnist.NAME))
                && classes == FashionMnist.NUM_CLASSES ? FashionMnist.CLASS_NAMES : namesOf(classes);
        List<DataOrigin.DataFile> read = new ArrayList<>();
        for (Path p : paths) {
            read.add(DataOrigin.DataFile.of(folder, p));
        }
        DataOrigin origin = new DataOrigin(config.describe(), Optional.of(folder), location.origin(), read,
                DataOrigin.splits(train.count(), 0, test.count()), OptionalInt.of(classes));
        return new ImageSplits(withClasses(train, classNames), withClasses(test, classNames), paths.get(0), origin);
    }

    /**
     * Reads one pair of image and label files.
     *
     * @param imagesFile IDX images, rank 3 {@code [n, h, w]} or rank 4 {@code [n, c, h, w]}
     * @param labelsFile IDX labels, rank 1 {@code [n]}
     * @return the {@code n} labelled images, with one more class than the largest label
     * @throws IdxFormatException when a file is malformed or the two do not match
     * @throws IOException when a file cannot be read
     */
    public static ImageDataset loadSplit(Path imagesFile, Path labelsFile) throws IOException {
        IdxArray images = IdxReader.read(imagesFile);
        int[] shape = imageShape(images.dims(), imagesFile.toString(), imagesFile, IdxReader.isGzip(imagesFile));
        int n = images.dim(0);
        int channels = shape[0];
        int height = shape[1];
        int width = shape[2];
        int[] y = labels(labelsFile, imagesFile, n);
        int classes = 1;
        for (int label : y) {
            classes = Math.max(classes, label + 1);
        }
        return ImageDataset.wrap(channels, height, width, images.bytes(), y, classes, namesOf(classes));
    }

    /**
     * Reads a label file that must hold one label per image.
     *
     * @param labelsFile IDX labels, rank 1
     * @param imagesFile the images they label, for messages
     * @param count number of images
     * @return the labels, {@code 0..255}
     * @throws IdxFormatException when the file is malformed or holds another count
     * @throws IOException when the file cannot be read
     */
    static int[] labels(Path labelsFile, Path imagesFile, int count) throws IOException {
        IdxArray labels = IdxReader.read(labelsFile, 1);
        if (labels.dim(0) != count) {
            throw labelCountMismatch(labelsFile.toString(), labelsFile, IdxReader.isGzip(labelsFile), labels.dim(0),
                    imagesFile.toString(), count);
        }
        byte[] raw = labels.bytes();
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            y[i] = raw[i] & 0xFF;
        }
        return y;
    }

    /**
     * The shape of one image of an IDX image file.
     *
     * @param dims the file's dimensions: rank 3 {@code [n, h, w]} or rank 4 {@code [n, c, h, w]}
     * @param images how to name the file (path or URI)
     * @param imagesFile the local file, or null
     * @param gzip whether the file is gzip-compressed
     * @return {@code [channels, height, width]}, channels 1 for rank 3
     * @throws IdxFormatException when the rank is neither 3 nor 4 or an image has no pixels
     */
    public static int[] imageShape(int[] dims, String images, Path imagesFile, boolean gzip) throws IdxFormatException {
        int rank = dims.length;
        if (rank != 3 && rank != 4) {
            throw new IdxFormatException(images, imagesFile, 3, gzip, "images must have"
                    + " rank 3 [count, height, width] or 4 [count, channels, height, width], got rank " + rank, null);
        }
        int channels = rank == 4 ? dims[1] : 1;
        int height = dims[rank - 2];
        int width = dims[rank - 1];
        if (channels < 1 || height < 1 || width < 1) {
            throw new IdxFormatException(images, imagesFile, 8, gzip, "images of "
                    + channels + "x" + height + "x" + width + " pixels have no pixels", null);
        }
        return new int[] {channels, height, width};
    }

    /**
     * @param labels how to name the label file (path or URI)
     * @param labelsFile the local label file, or null
     * @param gzip whether the label file is gzip-compressed
     * @param labelCount labels it holds
     * @param images how to name the image file
     * @param imageCount images it holds
     * @return the error of a label file that does not hold one label per image, at the offset of its count
     */
    public static IdxFormatException labelCountMismatch(String labels, Path labelsFile, boolean gzip, int labelCount,
                                                        String images, int imageCount) {
        return new IdxFormatException(labels, labelsFile, 4, gzip, "holds " + labelCount + " labels but " + images
                + " holds " + imageCount + " images", null);
    }

    private static ImageDataset withClasses(ImageDataset d, List<String> classNames) {
        return ImageDataset.wrap(d.channels(), d.height(), d.width(), d.rawPixels(), d.rawLabels(),
                classNames.size(), classNames);
    }

    private static List<String> namesOf(int classes) {
        return IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    }

    private static Path find(Path folder, String name, DatasetConfig config) {
        return findFile(folder, name, config.describe(), config.name().map(DatasetLocator::howToGet));
    }

    /**
     * Finds an IDX file as named or, when that file is absent, with {@code .gz} appended.
     *
     * @param folder the dataset folder
     * @param name a file name in it, or an absolute path
     * @param dataset how messages name the dataset
     * @param howToGet how to obtain the dataset, appended to the message when known
     * @return the existing file, the uncompressed one when both exist
     * @throws DatasetNotFoundException when neither exists
     */
    static Path findFile(Path folder, String name, String dataset, Optional<String> howToGet) {
        Path plain = folder.resolve(name);
        Path gz = folder.resolve(name + ".gz");
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new DatasetNotFoundException(dataset, List.of(plain, gz), "IDX file " + name + " of dataset "
                + dataset + " not found in " + folder.toAbsolutePath() + ". Looked for:\n  - " + plain + "\n  - " + gz
                + howToGet.map(h -> "\n" + h).orElse(""));
    }
}
