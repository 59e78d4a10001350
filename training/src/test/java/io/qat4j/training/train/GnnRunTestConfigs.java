package io.qat4j.training.train;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import java.nio.file.Path;

/**
 * A small GCN on {@link io.qat4j.training.data.graph.SyntheticLinqs} with a chosen {@code training}
 * section: one full-graph step per epoch, a validation split of 18 nodes and a test split of 30.
 */
public final class GnnRunTestConfigs {

    /** Adam with learning rate 0.01, a line of the {@code training} section. */
    public static final String ADAM = "  optimizer: {type: adam, learningRate: 0.01}\n";

    private GnnRunTestConfigs() {
    }

    /**
     * @param data the SyntheticLinqs folder
     * @param out the output folder
     * @param training the {@code training} section's lines, each indented by two spaces
     * @return the config
     */
    public static ExperimentConfig gcn(Path data, Path out, String training) {
        return ExperimentConfigLoader.parse(yaml(data, out, training), "toy.yaml");
    }

    /**
     * @param data the SyntheticLinqs folder
     * @param out the output folder
     * @param training the {@code training} section's lines, each indented by two spaces
     * @return the config's YAML text, run name {@code toy-gcn}
     */
    public static String yaml(Path data, Path out, String training) {
        return """
                name: toy-gcn
                seed: 5
                dataset: {format: planetoid, path: '%s'}
                model:
                  family: gnn
                  features: 5
                  layers:
                    - {type: dropout, rate: 0.5}
                    - {type: gcn, units: 16, activation: relu}
                    - {type: gcn, units: 8, activation: identity}
                  output: {classes: 3}
                quantization: {enabled: false}
                training:
                %s
                output: {dir: '%s', tensorboard: false}
                """.formatted(data.toString().replace("'", "''"), training,
                out.toString().replace("'", "''"));
    }
}
