package io.qat4j.training.train;

import java.nio.file.Path;

/**
 * The files of one training run, under {@code <output.dir>/<name>}:
 * {@code config.yaml} (the effective config), {@code checkpoints/}, {@code tensorboard/},
 * {@code model.zip} (the final network, DL4J ModelSerializer format) and {@code metrics.json}.
 *
 * @param root the run's folder
 */
public record RunDirectory(Path root) {

    /** @return the effective configuration written at the start of the run */
    public Path config() {
        return root.resolve("config.yaml");
    }

    /** @return the checkpoint folder */
    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    /** @return the TensorBoard log folder */
    public Path tensorboard() {
        return root.resolve("tensorboard");
    }

    /** @return the final trained network */
    public Path model() {
        return root.resolve("model.zip");
    }

    /** @return the metrics of the run */
    public Path metrics() {
        return root.resolve("metrics.json");
    }
}
