package io.qat4j.training.data;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigLocation;
import io.qat4j.training.config.binding.ConfigProblem;
import io.qat4j.training.family.DataMismatch;
import io.qat4j.training.family.ModelFamilies;
import java.io.IOException;
import java.util.List;

/**
 * Loads the data an experiment config names, as the {@link TaskData} every trainer reads: the
 * dataset read in its format ({@link DatasetFormats}), checked against the model as the model's
 * family requires (input shape, number of classes), with the validation split the config asks for
 * (a seeded split of the training examples). A disagreement with the model is a
 * {@link ConfigException} naming the model key, both values, and the data file they were read
 * from, e.g. {@code data/t/train-images-idx3-ubyte.gz: model.layers[2].classes: dataset `data/t`
 * has 3 classes, but the output layer has 10}.
 */
public final class TaskDataLoader {

    private TaskDataLoader() {
    }

    /**
     * @param config a validated config
     * @return its data, which fits the model
     * @throws ConfigException when the data does not fit the model
     * @throws DatasetNotFoundException when the data is missing
     * @throws IOException when a file is malformed or cannot be read
     */
    public static TaskData load(ExperimentConfig config) throws IOException {
        return load(config, DatasetLocator.fromEnvironment());
    }

    /**
     * @param config a validated config
     * @param locator where named datasets are looked for
     * @return its data, which fits the model
     * @throws ConfigException when the data does not fit the model
     * @throws DatasetNotFoundException when the data is missing
     * @throws IOException when a file is malformed or cannot be read
     */
    public static TaskData load(ExperimentConfig config, DatasetLocator locator) throws IOException {
        LoadedDataset data = DatasetFormats.load(config.dataset(), locator);
        List<DataMismatch> mismatches = ModelFamilies.of(config.model()).mismatches(config.model(),
                data.signature(), "dataset `" + config.dataset().describe() + "`");
        if (!mismatches.isEmpty()) {
            ConfigLocation at = new ConfigLocation(data.source().toString(), 0, 0);
            throw new ConfigException(mismatches.stream()
                    .map(m -> new ConfigProblem(at, "model." + m.key(), m.message())).toList());
        }
        return data.toTaskData(config);
    }
}
