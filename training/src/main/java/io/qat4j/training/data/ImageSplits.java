package io.qat4j.training.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Image classification data as read from files: a training and a test split with the same image
 * shape and classes.
 *
 * @param train training images
 * @param test test images
 * @param source the training images file
 * @param origin where the files came from; its examples are the training and test counts
 */
public record ImageSplits(ImageDataset train, ImageDataset test, Path source, DataOrigin origin) implements LoadedDataset {

    /** Checks that the splits agree. */
    public ImageSplits {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(origin, "origin");
        if (!ImageSignature.of(train).equals(ImageSignature.of(test))) {
            throw new IllegalArgumentException("training and test images differ: "
                    + ImageSignature.of(train) + " and " + ImageSignature.of(test));
        }
    }

    @Override
    public TaskData toTaskData(long seed, double validationFraction) {
        if (validationFraction <= 0) {
            return new ImageTaskData(train, null, test, origin);
        }
        ImageDataset.Split s = train.split(seed, validationFraction);
        return new ImageTaskData(s.second(), s.first(), test,
                origin.withExamples(DataOrigin.splits(s.second().count(), s.first().count(), test.count())));
    }

    @Override
    public ImageSignature signature() {
        return ImageSignature.of(train);
    }
}
