package io.qat4j.training.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A whole experiment, as read from one YAML file by {@link ExperimentConfigLoader} with every
 * default filled in and every rule checked (DESIGN.md section 2). Immutable.
 *
 * <p>Minimal example:
 * <pre>{@code
 * name: fashion-mnist-w8a8
 * dataset: {name: fashion-mnist}
 * model:
 *   input: {channels: 1, height: 28, width: 28}
 *   layers:
 *     - {type: conv2d, filters: 32, kernel: 3, padding: same, batchNorm: true}
 *     - {type: maxpool, kernel: 2}
 *     - {type: output, classes: 10}
 * quantization: {weights: {bits: 8}, activations: {bits: 8}}
 * }</pre>
 *
 * <p>The canonical constructors of these records only reject nulls; the rules of the schema
 * (ranges, layer order, shapes, ...) are enforced by {@link ExperimentConfigLoader}, so a config
 * built in code can be checked by reading back its {@link #toYaml()}.
 *
 * @param name run name, {@code [A-Za-z0-9._-]+} (not {@code .} or {@code ..}); the run folder is
 *     {@code output.dir/name}
 * @param seed random seed of the run (default 42)
 * @param dataset the data
 * @param model the network
 * @param quantization quantization-aware training settings ({@link QuantizationConfig#DISABLED}
 *     when the section is absent)
 * @param training optimization settings
 * @param output where results go
 * @param distributed whether and how the run trains on Spark ({@link DistributedConfig#defaults}
 *     when the section is absent)
 */
public record ExperimentConfig(String name, long seed, DatasetConfig dataset, ModelConfig model,
        QuantizationConfig quantization, TrainingConfig training, OutputConfig output,
        DistributedConfig distributed) {

    /** Allowed run names. */
    public static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9._-]+");

    /** Default {@code seed}. */
    public static final long DEFAULT_SEED = 42;

    /** Checks that all components are present. */
    public ExperimentConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(distributed, "distributed");
    }

    /**
     * A config without a {@code distributed} section: trained without Spark.
     *
     * @param name run name
     * @param seed random seed
     * @param dataset the data
     * @param model the network
     * @param quantization quantization settings
     * @param training optimization settings
     * @param output where results go
     */
    public ExperimentConfig(String name, long seed, DatasetConfig dataset, ModelConfig model,
            QuantizationConfig quantization, TrainingConfig training, OutputConfig output) {
        this(name, seed, dataset, model, quantization, training, output, DistributedConfig.defaults(training));
    }

    /** @return the folder of this run, {@code output.dir/name} */
    public Path runDirectory() {
        return output.dir().resolve(name);
    }

    /**
     * @return this configuration as YAML, every default written out, so that reading it back gives
     *     an equal record (see {@link ConfigWriter})
     */
    public String toYaml() {
        return ConfigWriter.toYaml(this);
    }
}
