package io.qat4j.training.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.training.config.binding.KeyPaths;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.config.binding.ValueReader;
import io.qat4j.training.config.binding.YamlNode;
import io.qat4j.training.config.binding.YamlNode.MapNode;
import io.qat4j.training.data.DataSignature;
import io.qat4j.training.data.DatasetFormats;
import io.qat4j.training.family.DataMismatch;
import io.qat4j.training.family.ModelFamilies;
import io.qat4j.training.family.ModelFamily;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The schema of the whole experiment: the top-level keys, {@code name} and {@code seed}, and the
 * sections, each bound and written by its own schema ({@link DatasetSchema}, the model family
 * through {@link ModelFamilies}, {@link QuantizationSchema}, {@link TrainingSchema},
 * {@link OutputSchema}, {@link DistributedSchema}). A section with a problem yields null, so that rules depending on it are
 * skipped instead of producing follow-up errors.
 *
 * <p>The one cross-section rule: a dataset known by name whose examples are known (Fashion-MNIST:
 * 1x28x28 images, 10 classes) must fit the model, checked by the model's family and reported at
 * the model key at fault. Datasets given by format and path are checked the same way when they
 * are loaded.
 */
final class ExperimentSchema {

    static final List<String> ROOT_KEYS =
            List.of("name", "seed", "dataset", "model", "quantization", "training", "output", "distributed");

    private ExperimentSchema() {
    }

    /**
     * @param root the document
     * @param reader converts values and collects problems
     * @return the configuration, or null when any problem was recorded
     */
    static ExperimentConfig bind(MapNode root, ValueReader reader) {
        int before = reader.problems().size();
        Section s = Section.root(reader, root, ROOT_KEYS);
        String name = runName(s);
        Long seed = s.longOr("seed", ExperimentConfig.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
        DatasetConfig dataset = DatasetSchema.bind(s);
        ModelConfig model = ModelFamilies.bind(s);
        if (dataset != null && model != null) {
            checkNamedDataset(s, dataset, model);
        }
        QuantizationConfig quantization = QuantizationSchema.bind(s);
        if (model != null && quantization != null) {
            checkQuantMethod(s, model, quantization);
        }
        TrainingConfig training = TrainingSchema.bind(s);
        if (dataset != null && training != null) {
            checkValidationSplit(s, dataset, training);
        }
        OutputConfig output = OutputSchema.bind(s);
        DistributedConfig distributed = DistributedSchema.bind(s, training);
        if (reader.problems().size() > before) {
            return null;
        }
        return new ExperimentConfig(name, seed, dataset, model, quantization, training, output, distributed);
    }

    private static String runName(Section s) {
        YamlNode n = s.required("name");
        if (n == null) {
            return null;
        }
        String name = s.reader().text(n, s.path("name"));
        if (name != null && (!ExperimentConfig.NAME_PATTERN.matcher(name).matches()
                || name.equals(".") || name.equals(".."))) {
            s.problem(n.location(), "name", "must consist of letters, digits, `.`, `_`"
                    + " and `-` (it names the run folder), got '" + name + "'");
            return null;
        }
        return name;
    }

    /** The family must train with {@code quantization.method} ({@link ModelFamily#quantMethods()}). */
    private static void checkQuantMethod(Section s, ModelConfig model, QuantizationConfig quantization) {
        ModelFamily family = ModelFamilies.of(model);
        if (!quantization.enabled() || family.quantMethods().contains(quantization.method())) {
            return;
        }
        String supported = family.quantMethods().stream().sorted().map(QuantMethod::yamlName)
                .collect(Collectors.joining(", "));
        s.problem(KeyPaths.locate(s.value("quantization"), "method"), "quantization.method", "`"
                + quantization.method().yamlName() + "` is not a method of model family `" + family.name()
                + "`, which supports: " + supported);
    }

    /** Model selection by validation loss needs a validation split. */
    private static void checkValidationSplit(Section s, DatasetConfig dataset, TrainingConfig training) {
        if (training.select() != ModelSelection.BEST_VALIDATION_LOSS
                || DatasetFormats.get(dataset.format()).hasValidationSplit(dataset)) {
            return;
        }
        s.problem(KeyPaths.locate(s.value("training"), "select"), "training.select", "`"
                + training.select().yamlName() + "` ranks epochs by their validation loss, but dataset `"
                + dataset.describe() + "` (format " + dataset.format() + ") has no validation split; set"
                + " dataset.validationFraction above 0 or select `" + ModelSelection.LAST.yamlName() + "`");
    }

    private static void checkNamedDataset(Section s, DatasetConfig dataset, ModelConfig model) {
        Optional<DataSignature> known = dataset.name().flatMap(DatasetFormats::named)
                .flatMap(n -> n.dataset().signature());
        if (known.isEmpty()) {
            return;
        }
        YamlNode modelNode = s.value("model");
        for (DataMismatch m : ModelFamilies.of(model).mismatches(model, known.get(),
                "dataset `" + dataset.describe() + "`")) {
            s.problem(KeyPaths.locate(modelNode, m.key()), "model." + m.key(), m.message());
        }
    }

    /**
     * @param c a configuration
     * @param root the document mapping to fill, every default written out, in schema order
     */
    static void write(ExperimentConfig c, ObjectNode root) {
        root.put("name", c.name());
        root.put("seed", c.seed());
        DatasetSchema.write(c.dataset(), root.putObject("dataset"));
        ModelFamilies.write(c.model(), root.putObject("model"));
        QuantizationSchema.write(c.quantization(), root.putObject("quantization"));
        TrainingSchema.write(c.training(), root.putObject("training"));
        OutputSchema.write(c.output(), root.putObject("output"));
        DistributedSchema.write(c.distributed(), root.putObject("distributed"));
    }
}
