package io.qat4j.training.data;

import io.qat4j.training.config.DatasetKind;
import io.qat4j.training.config.ExperimentConfig;
import java.io.IOException;

/**
 * Loads the data an experiment config names, as the {@link TaskData} every trainer reads: the
 * dataset found as {@link DatasetLocator} says, with the validation split the config asks for
 * (a seeded split of the training examples).
 */
public final class TaskDataLoader {

    private TaskDataLoader() {
    }

    /**
     * @param config a validated config
     * @return its data
     * @throws IOException when the files are unreadable
     */
    public static TaskData load(ExperimentConfig config) throws IOException {
        if (config.dataset().name() != DatasetKind.FASHION_MNIST) {
            throw new IllegalStateException("dataset.name: the CNN trainer reads fashion-mnist; '"
                    + config.dataset().name().yamlName() + "' needs its model family's trainer");
        }
        FashionMnist fm = FashionMnist.load(DatasetLocator.fromEnvironment(), config.dataset().path().orElse(null));
        ImageDataset train = fm.train();
        ImageDataset val = null;
        double f = config.dataset().validationFraction();
        if (f > 0) {
            ImageDataset.Split s = train.split(config.seed(), f);
            val = s.first();
            train = s.second();
        }
        return new ImageTaskData(train, val, fm.test());
    }
}
