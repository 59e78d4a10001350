package io.qat4j.training.data;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * An immutable labelled image dataset held as unsigned bytes: {@code count} images of
 * {@code channels x height x width} pixels, stored image after image in row-major NCHW order
 * (the order of the IDX image files of MNIST and Fashion-MNIST, "THE IDX FILE FORMAT" on
 * <a href="http://yann.lecun.com/exdb/mnist/">http://yann.lecun.com/exdb/mnist/</a>), and one
 * class label in {@code 0..numClasses-1} per image.
 *
 * <p>Record-like: components {@link #count()}, {@link #channels()}, {@link #height()},
 * {@link #width()}, {@link #pixels()}, {@link #labels()}, {@link #numClasses()}, plus
 * {@link #classNames()}; value equality. The array accessors return copies; the iterator and
 * {@link #pixelBuffer()} read the data without copying. Serializable (so that the iterator
 * over it is); deserialization re-validates every invariant.
 */
public final class ImageDataset implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int count;
    private final int channels;
    private final int height;
    private final int width;
    private final byte[] pixels;
    private final int[] labels;
    private final int numClasses;
    private final List<String> classNames;

    /**
     * Copies {@code pixels} and {@code labels}.
     *
     * @param channels channels per image, at least 1
     * @param height rows per image, at least 1
     * @param width columns per image, at least 1
     * @param pixels unsigned pixel values, {@code labels.length * channels * height * width} of
     *     them, NCHW row-major
     * @param labels one class index per image, each in {@code 0..numClasses-1}
     * @param numClasses number of classes, at least 1
     * @param classNames one name per class
     * @throws IllegalArgumentException when sizes disagree or a label is out of range
     */
    public ImageDataset(int channels, int height, int width, byte[] pixels, int[] labels, int numClasses,
                        List<String> classNames) {
        this(channels, height, width, pixels.clone(), labels.clone(), numClasses, List.copyOf(classNames), true);
    }

    /**
     * Copies {@code pixels} and {@code labels}; the classes are named {@code "0"}, {@code "1"}, ...
     *
     * @param channels channels per image, at least 1
     * @param height rows per image, at least 1
     * @param width columns per image, at least 1
     * @param pixels unsigned pixel values, NCHW row-major
     * @param labels one class index per image
     * @param numClasses number of classes, at least 1
     */
    public ImageDataset(int channels, int height, int width, byte[] pixels, int[] labels, int numClasses) {
        this(channels, height, width, pixels, labels, numClasses, defaultClassNames(numClasses));
    }

    /** Takes ownership of the arrays; callers in this package must not modify them afterwards. */
    private ImageDataset(int channels, int height, int width, byte[] pixels, int[] labels, int numClasses,
                         List<String> classNames, boolean owned) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape must be positive, got " + channels + "x" + height
                    + "x" + width);
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be at least 1, got " + numClasses);
        }
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (classNames.size() != numClasses) {
            throw new IllegalArgumentException(numClasses + " classes but " + classNames.size() + " class names");
        }
        long expected = (long) labels.length * channels * height * width;
        if (expected != pixels.length) {
            throw new IllegalArgumentException(labels.length + " images of " + channels + "x" + height + "x" + width
                    + " need " + expected + " pixels, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside 0.."
                        + (numClasses - 1));
            }
        }
        this.count = labels.length;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.labels = labels;
        this.numClasses = numClasses;
        this.classNames = classNames;
    }

    /** Builds a dataset from arrays this package owns, without copying them. */
    static ImageDataset wrap(int channels, int height, int width, byte[] pixels, int[] labels, int numClasses,
                             List<String> classNames) {
        return new ImageDataset(channels, height, width, pixels, labels, numClasses, List.copyOf(classNames), true);
    }

    private static List<String> defaultClassNames(int numClasses) {
        List<String> names = new ArrayList<>(Math.max(numClasses, 0));
        for (int i = 0; i < numClasses; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    /** @return number of images */
    public int count() {
        return count;
    }

    /** @return channels per image */
    public int channels() {
        return channels;
    }

    /** @return rows per image */
    public int height() {
        return height;
    }

    /** @return columns per image */
    public int width() {
        return width;
    }

    /** @return pixels per image, {@code channels * height * width} */
    public int imageSize() {
        return channels * height * width;
    }

    /** @return number of classes */
    public int numClasses() {
        return numClasses;
    }

    /** @return class names, index = label (immutable) */
    public List<String> classNames() {
        return classNames;
    }

    /** @return a copy of all pixels, unsigned bytes, image after image in NCHW row-major order */
    public byte[] pixels() {
        return pixels.clone();
    }

    /** @return a read-only view of all pixels, without copying, positioned at the first pixel */
    public ByteBuffer pixelBuffer() {
        return ByteBuffer.wrap(pixels).asReadOnlyBuffer();
    }

    /** @return a copy of the labels, one per image */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * @param image image index
     * @param channel channel index
     * @param y row
     * @param x column
     * @return the pixel value in 0..255
     */
    public int pixel(int image, int channel, int y, int x) {
        Objects.checkIndex(image, count);
        Objects.checkIndex(channel, channels);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return pixels[((image * channels + channel) * height + y) * width + x] & 0xFF;
    }

    /**
     * @param image image index
     * @return its class label
     */
    public int label(int image) {
        return labels[image];
    }

    /** @return the number of images of each class, index = label */
    public int[] labelCounts() {
        int[] counts = new int[numClasses];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    /** Raw pixel array for readers in this package; never modified. */
    byte[] rawPixels() {
        return pixels;
    }

    /** Raw label array for readers in this package; never modified. */
    int[] rawLabels() {
        return labels;
    }

    /**
     * @param from first image, inclusive
     * @param to last image, exclusive
     * @return images {@code from..to-1} as a new dataset
     * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= count}
     */
    public ImageDataset subset(int from, int to) {
        Objects.checkFromToIndex(from, to, count);
        int size = imageSize();
        byte[] p = Arrays.copyOfRange(pixels, from * size, to * size);
        int[] l = Arrays.copyOfRange(labels, from, to);
        return new ImageDataset(channels, height, width, p, l, numClasses, classNames, true);
    }

    /**
     * @param indices image indices, in the order wanted; repeats allowed
     * @return those images as a new dataset
     */
    public ImageDataset select(int[] indices) {
        int size = imageSize();
        byte[] p = new byte[indices.length * size];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], count);
            System.arraycopy(pixels, i * size, p, k * size, size);
            l[k] = labels[i];
        }
        return new ImageDataset(channels, height, width, p, l, numClasses, classNames, true);
    }

    /**
     * A random split into two disjoint parts.
     *
     * @param first {@code round(fraction * count)} images
     * @param second the remaining images
     */
    public record Split(ImageDataset first, ImageDataset second) {
        /**
         * @param first {@code round(fraction * count)} images
         * @param second the remaining images
         */
        public Split {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(second, "second");
        }
    }

    /**
     * Splits the images randomly, e.g. into training and validation sets. The permutation is
     * {@link #shuffledIndices(int, long) shuffledIndices(count, seed)}; its first
     * {@code round(fraction * count)} indices form {@link Split#first()}, the rest
     * {@link Split#second()}; each part keeps the original order of its images. The same seed
     * always gives the same split.
     *
     * @param seed seed of the permutation
     * @param fraction share of the images in the first part, in [0, 1]
     * @return the two parts
     */
    public Split split(long seed, double fraction) {
        if (!(fraction >= 0.0 && fraction <= 1.0)) {
            throw new IllegalArgumentException("fraction must be in [0, 1], got " + fraction);
        }
        int n1 = (int) Math.round(fraction * count);
        int[] perm = shuffledIndices(count, seed);
        int[] a = Arrays.copyOfRange(perm, 0, n1);
        int[] b = Arrays.copyOfRange(perm, n1, count);
        Arrays.sort(a);
        Arrays.sort(b);
        return new Split(select(a), select(b));
    }

    /**
     * The permutation used for shuffling in this package: the Fisher-Yates shuffle of
     * {@code 0..n-1} driven by {@code new java.util.Random(seed)}, exactly as
     * {@link java.util.Collections#shuffle(List, Random)} does it (for {@code i} from
     * {@code n-1} down to 1, swap {@code i} with {@code random.nextInt(i + 1)}).
     *
     * @param n number of elements
     * @param seed seed of {@link Random}
     * @return a permutation of {@code 0..n-1}
     */
    public static int[] shuffledIndices(int n, long seed) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    /** Re-validates a deserialized instance through the constructor. */
    private Object readResolve() {
        return new ImageDataset(channels, height, width, pixels, labels, numClasses, List.copyOf(classNames), true);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageDataset d
                && count == d.count && channels == d.channels && height == d.height && width == d.width
                && numClasses == d.numClasses && classNames.equals(d.classNames)
                && Arrays.equals(labels, d.labels) && Arrays.equals(pixels, d.pixels);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(count, channels, height, width, numClasses, classNames);
        h = 31 * h + Arrays.hashCode(labels);
        return 31 * h + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "ImageDataset[count=" + count + ", shape=" + channels + "x" + height + "x" + width
                + ", numClasses=" + numClasses + "]";
    }
}
