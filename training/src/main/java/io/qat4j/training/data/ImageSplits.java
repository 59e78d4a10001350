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
 */
public record ImageSplits(ImageDataset train, ImageDataset test, Path source) implements LoadedDataset {

    /** Checks that the splits agree. */
    public ImageSplits {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(source, "source");
        if (!ImageSignature.of(train).equals(ImageSignature.of(test))) {
            throw new IllegalArgumentException("training and test images differ: "
                    + ImageSignature.of(train) + " and " + ImageSignature.of(test));
        }
    }

    @Override
    public ImageSignature signature() {
        return ImageSignature.of(train);
    }
}
