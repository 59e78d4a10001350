package io.qat4j.training.data;

import io.qat4j.training.config.ExperimentConfig;
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

    /** @return where the data came from: folder, why, files with SHA-256, examples per split, classes */
    DataOrigin origin();

    /**
     * The data as every trainer reads it.
     *
     * @param seed the run's seed, which fixes the validation split
     * @param validationFraction share of the training examples held out for validation, 0 for none
     * @return training batches and evaluation splits
     */
    TaskData toTaskData(long seed, double validationFraction);

    /**
     * The data of an experiment: {@link #toTaskData(long, double)} with the config's seed and
     * validation fraction, unless the data depends on more of the config (graph data draws
     * Degree-Quant's protective mask when {@code quantization.method} is {@code degree-quant}).
     *
     * @param config the experiment
     * @return training batches and evaluation splits
     */
    default TaskData toTaskData(ExperimentConfig config) {
        return toTaskData(config.seed(), config.dataset().validationFraction());
    }
}
