package io.qat4j.training.data;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ND4J {@link DataSetIterator} over an {@link ImageDataset} (for instance Fashion-MNIST, Xiao
 * et al. 2017, read from its IDX files), with reproducible per-epoch shuffling and exact
 * mid-epoch resumption.
 *
 * <p><b>Batches.</b> Each {@link #next()} returns up to {@link #batch()} examples; the last batch
 * of an epoch holds the remainder. Features are {@code FLOAT} in NCHW layout
 * {@code [b, channels, height, width]} (DL4J's default {@code CNN2DFormat.NCHW}) with each pixel
 * scaled to [0, 1] by {@link PixelScaling}; labels are one-hot {@code FLOAT}
 * {@code [b, numClasses]}. A {@link DataSetPreProcessor}, if set, is applied to every batch.
 *
 * <p><b>Shuffling.</b> Without shuffling, every epoch visits the images in dataset order. With
 * shuffling, epoch {@code e} (counted from 0) visits them in the order
 * {@link ImageDataset#shuffledIndices(int, long) shuffledIndices(count, epochSeed(seed, e))},
 * where {@link #epochSeed(long, int) epochSeed(seed, e) = seed + e * 0x9E3779B97F4A7C15L}: a fresh
 * {@link java.util.Random} per epoch whose seed depends only on the base seed and the epoch
 * index (the golden-ratio increment of {@link java.util.SplittableRandom} keeps the epochs of
 * nearby base seeds apart). The order of an epoch is therefore a pure function of
 * {@code (seed, epoch)}, so the same seed reproduces the same run and a resumed run can
 * rebuild any epoch's order without replaying the earlier ones.
 *
 * <p><b>Epochs and reset.</b> {@link #reset()} begins the next epoch ({@code epoch + 1}, batch 0)
 * if the current epoch has begun, i.e. at least one example was served or skipped; on an epoch
 * that has not begun it does nothing. This makes the pattern of DL4J's {@code fit} and
 * {@code evaluate} ("reset if there is no next batch") and extra defensive resets count epochs
 * correctly.
 *
 * <p><b>Resuming.</b> The position is {@link #epoch()} and {@link #batchInEpoch()}; a checkpoint
 * stores both, and {@link #ImageDataSetIterator(ImageDataset, int, boolean, long, int, int)}
 * (or {@link #skipBatches(int)}) restores it, after which the iterator returns exactly the
 * batches the original run would have returned next, given the same dataset, batch size and
 * seed. {@link #asyncSupported()} is false so that DL4J does not prefetch batches ahead of the
 * position that a checkpoint records.
 *
 * <p>Not thread-safe; one iterator per training loop.
 */
public final class ImageDataSetIterator implements DataSetIterator {

    private static final long serialVersionUID = 1L;

    /** Increment between the seeds of consecutive epochs: 2^64 / golden ratio. */
    private static final long EPOCH_SEED_INCREMENT = 0x9E3779B97F4A7C15L;

    private final ImageDataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private int epoch;
    /** Examples of the current epoch already served or skipped. */
    private int cursor;
    /** Batches of the current epoch already served or skipped. */
    private int batchInEpoch;
    /** Visiting order of the current epoch, or null in dataset order. */
    private int[] order;
    private DataSetPreProcessor preProcessor;

    /**
     * Iterates in dataset order, starting at epoch 0.
     *
     * @param data the images
     * @param batchSize examples per batch, at least 1
     */
    public ImageDataSetIterator(ImageDataset data, int batchSize) {
        this(data, batchSize, false, 0L, 0, 0);
    }

    /**
     * Iterates in a shuffled order per epoch, starting at epoch 0.
     *
     * @param data the images
     * @param batchSize examples per batch, at least 1
     * @param seed base seed of the shuffling (see the class comment)
     */
    public ImageDataSetIterator(ImageDataset data, int batchSize, long seed) {
        this(data, batchSize, true, seed, 0, 0);
    }

    /**
     * Iterates from a given position, for instance one stored in a checkpoint.
     *
     * @param data the images
     * @param batchSize examples per batch, at least 1
     * @param shuffle whether each epoch visits the images in a shuffled order
     * @param seed base seed of the shuffling; ignored when {@code shuffle} is false
     * @param startEpoch epoch to start in, at least 0
     * @param startBatch batches of {@code startEpoch} already consumed, 0..{@link #batchesPerEpoch()}
     */
    public ImageDataSetIterator(ImageDataset data, int batchSize, boolean shuffle, long seed,
                                int startEpoch, int startBatch) {
        this.data = Objects.requireNonNull(data, "data");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (startEpoch < 0) {
            throw new IllegalArgumentException("startEpoch must be at least 0, got " + startEpoch);
        }
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        beginEpoch(startEpoch);
        int max = batchesPerEpoch();
        if (startBatch < 0 || startBatch > max) {
            throw new IllegalArgumentException("startBatch must be in 0.." + max + " (" + data.count()
                    + " examples in batches of " + batchSize + "), got " + startBatch);
        }
        skipBatches(startBatch);
    }

    /**
     * @param seed base seed
     * @param epoch epoch index
     * @return the seed of the {@link java.util.Random} that shuffles epoch {@code epoch}:
     *     {@code seed + epoch * 0x9E3779B97F4A7C15L} (wrapping)
     */
    public static long epochSeed(long seed, int epoch) {
        return seed + epoch * EPOCH_SEED_INCREMENT;
    }

    private void beginEpoch(int e) {
        this.epoch = e;
        this.cursor = 0;
        this.batchInEpoch = 0;
        this.order = shuffle ? ImageDataset.shuffledIndices(data.count(), epochSeed(seed, e)) : null;
    }

    /**
     * Skips {@code n} batches of {@link #batch()} examples of the current epoch without building
     * them, stopping at the end of the epoch.
     *
     * @param n batches to skip, at least 0
     * @return the number of batches actually skipped
     */
    public int skipBatches(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot skip a negative number of batches: " + n);
        }
        int skipped = 0;
        while (skipped < n && cursor < data.count()) {
            cursor = Math.min(data.count(), cursor + batchSize);
            batchInEpoch++;
            skipped++;
        }
        return skipped;
    }

    /** @return the current epoch, counted from 0 */
    public int epoch() {
        return epoch;
    }

    /** @return batches of the current epoch already served or skipped */
    public int batchInEpoch() {
        return batchInEpoch;
    }

    /** @return examples of the current epoch already served or skipped */
    public int cursor() {
        return cursor;
    }

    /** @return batches in one epoch, {@code ceil(count / batchSize)} */
    public int batchesPerEpoch() {
        return (int) ((data.count() + (long) batchSize - 1) / batchSize);
    }

    /** @return whether epochs are shuffled */
    public boolean isShuffled() {
        return shuffle;
    }

    /** @return the base seed of the shuffling */
    public long seed() {
        return seed;
    }

    /** @return the dataset iterated over */
    public ImageDataset dataset() {
        return data;
    }

    /** @return number of examples in one epoch */
    public int totalExamples() {
        return data.count();
    }

    @Override
    public boolean hasNext() {
        return cursor < data.count();
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    /**
     * @param num maximum number of examples, at least 1
     * @return the next {@code min(num, remaining)} examples of the current epoch
     * @throws NoSuchElementException when the epoch is exhausted
     */
    @Override
    public DataSet next(int num) {
        if (num < 1) {
            throw new IllegalArgumentException("num must be at least 1, got " + num);
        }
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " is exhausted after " + data.count()
                    + " examples; call reset() to begin the next epoch");
        }
        int b = Math.min(num, data.count() - cursor);
        int size = data.imageSize();
        int classes = data.numClasses();
        byte[] pixels = data.rawPixels();
        int[] labels = data.rawLabels();
        float[] features = new float[b * size];
        float[] oneHot = new float[b * classes];
        for (int k = 0; k < b; k++) {
            int i = order == null ? cursor + k : order[cursor + k];
            int src = i * size;
            int dst = k * size;
            PixelScaling.toUnitInterval(pixels, src, features, dst, size);
            oneHot[k * classes + labels[i]] = 1f;
        }
        cursor += b;
        batchInEpoch++;
        DataSet ds = new DataSet(
                Nd4j.create(features, new long[] {b, data.channels(), data.height(), data.width()}, 'c'),
                Nd4j.create(oneHot, new long[] {b, classes}, 'c'));
        ds.setLabelNames(data.classNames());
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    /** @return {@code channels * height * width} */
    @Override
    public int inputColumns() {
        return data.imageSize();
    }

    /** @return the number of classes */
    @Override
    public int totalOutcomes() {
        return data.numClasses();
    }

    /** @return true */
    @Override
    public boolean resetSupported() {
        return true;
    }

    /** @return false: prefetching would run ahead of the position a checkpoint records */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    /** Begins the next epoch if the current one has begun; otherwise does nothing. */
    @Override
    public void reset() {
        if (cursor > 0) {
            beginEpoch(epoch + 1);
        }
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    /** @return the class names of the dataset, index = label */
    @Override
    public List<String> getLabels() {
        return data.classNames();
    }

    @Override
    public String toString() {
        return "ImageDataSetIterator[" + data + ", batch=" + batchSize + ", shuffle=" + shuffle
                + (shuffle ? ", seed=" + seed : "") + ", epoch=" + epoch + ", batchInEpoch=" + batchInEpoch + "]";
    }
}
