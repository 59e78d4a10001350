package io.qat4j.training.train;

import io.qat4j.training.config.ExperimentConfig;
import java.io.IOException;

/**
 * Trains the network of an experiment config: the {@link RunLifecycle} with a trainer's
 * {@link StepRunner}. {@link Trainers#forConfig} picks the implementation.
 */
public interface Trainer {

    /**
     * Runs training, and after a quantized run the export and report if the options ask for them.
     *
     * @param config a validated config
     * @param options run options
     * @return the result
     * @throws IOException on unreadable data or unwritable run files
     */
    TrainResult train(ExperimentConfig config, RunOptions options) throws IOException;

    /** @return one line saying where and how the steps run, for the console */
    String description();
}
