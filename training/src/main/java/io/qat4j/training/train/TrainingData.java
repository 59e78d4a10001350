package io.qat4j.training.train;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigLocation;
import io.qat4j.training.config.binding.ConfigProblem;
import io.qat4j.training.data.DatasetFormats;
import io.qat4j.training.data.DatasetLocator;
import io.qat4j.training.data.LoadedDataset;
import io.qat4j.training.family.DataMismatch;
import io.qat4j.training.family.ModelFamilies;
import java.io.IOException;
import java.util.List;

/**
 * Reads the dataset of an experiment in its format ({@link DatasetFormats}) and checks it against
 * the model, as the model's family requires (input shape, number of classes): a disagreement is
 * a {@link ConfigException} naming the model key, both values, and the data file they were read
 * from, e.g. {@code data/t/train-images-idx3-ubyte.gz: model.layers[2].classes: dataset `data/t`
 * has 3 classes, but the output layer has 10}.
 */
public final class TrainingData {

    private TrainingData() {
    }

    /**
     * @param config a validated config
     * @param locator where named datasets are looked for
     * @return the data, which fits the model
     * @throws ConfigException when the data does not fit the model
     * @throws io.qat4j.training.data.DatasetNotFoundException when the data is missing
     * @throws IOException when a file is malformed or cannot be read
     */
    public static LoadedDataset load(ExperimentConfig config, DatasetLocator locator) throws IOException {
        LoadedDataset data = DatasetFormats.load(config.dataset(), locator);
        List<DataMismatch> mismatches = ModelFamilies.of(config.model()).mismatches(config.model(),
                data.signature(), "dataset `" + config.dataset().describe() + "`");
        if (!mismatches.isEmpty()) {
            ConfigLocation at = new ConfigLocation(data.source().toString(), 0, 0);
            throw new ConfigException(mismatches.stream()
                    .map(m -> new ConfigProblem(at, "model." + m.key(), m.message())).toList());
        }
        return data;
    }
}
