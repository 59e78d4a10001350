package io.qat4j.training.train;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.data.TaskDataLoader;
import io.qat4j.training.distributed.RunFolderMirrors;
import java.io.IOException;

/**
 * Trains the network of an experiment config on one machine: the {@link RunLifecycle} with a
 * {@link LocalStepRunner} (DL4J's {@code fit} in this JVM).
 */
public final class LocalTrainer implements Trainer {

    private final RunLifecycle.DataSource dataSource;

    /** A trainer that reads the dataset the config names. */
    public LocalTrainer() {
        this(TaskDataLoader::load);
    }

    /** @param dataSource where the data comes from (tests substitute a subset) */
    public LocalTrainer(RunLifecycle.DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public TrainResult train(ExperimentConfig config, RunOptions options) throws IOException {
        RunFolderListener mirror = RunFolderMirrors.forOutputUri(config.distributed().outputUri().orElse(null), config.name());
        return new RunLifecycle(new LocalStepRunner(), dataSource, mirror).run(config, options);
    }

    @Override
    public String description() {
        return "training locally (no Spark): one step per minibatch in this JVM";
    }
}
