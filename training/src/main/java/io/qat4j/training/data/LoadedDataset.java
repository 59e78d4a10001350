package io.qat4j.training.data;

import java.nio.file.Path;

/**
 * The data of an experiment as a {@link DatasetFormat} read it: training and test splits of one
 * kind of example. One implementation per kind ({@link ImageSplits} for images).
 */
public interface LoadedDataset {

    /** @return what the examples look like, read from the files */
    DataSignature signature();

    /** @return the file that defines the examples' shape, for messages (e.g. the training images) */
    Path source();
}
