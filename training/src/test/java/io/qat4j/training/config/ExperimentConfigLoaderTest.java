package io.qat4j.training.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverKind;
import io.qat4j.quant.spec.SteMode;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigLocation;
import io.qat4j.training.config.binding.ConfigProblem;
import io.qat4j.training.data.DatasetFormats;
import io.qat4j.training.data.IdxFormat.IdxFileNames;
import io.qat4j.training.family.cnn.Activation;
import io.qat4j.training.family.cnn.ActivationShape;
import io.qat4j.training.family.cnn.CnnModelConfig;
import io.qat4j.training.family.cnn.AvgPoolLayerConfig;
import io.qat4j.training.family.cnn.Conv2dLayerConfig;
import io.qat4j.training.family.cnn.DenseLayerConfig;
import io.qat4j.training.family.cnn.DropoutLayerConfig;
import io.qat4j.training.family.cnn.FlattenLayerConfig;
import io.qat4j.training.family.cnn.GlobalAvgPoolLayerConfig;
import io.qat4j.training.family.cnn.InputShape;
import io.qat4j.training.family.cnn.LayerConfig;
import io.qat4j.training.family.cnn.MaxPoolLayerConfig;
import io.qat4j.training.family.cnn.OutputLayerConfig;
import io.qat4j.training.family.cnn.Padding;
import io.qat4j.training.family.cnn.ResidualLayerConfig;
import io.qat4j.training.family.cnn.Size2d;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Valid configurations: values, defaults, overrides, and how problems are collected. */
class ExperimentConfigLoaderTest {

    static final String MINIMAL = """
            name: minimal
            dataset: {name: fashion-mnist}
            model:
              input: {channels: 1, height: 28, width: 28}
              layers:
                - {type: conv2d, filters: 4, kernel: 5}
                - {type: maxpool, kernel: 2}
                - {type: output, classes: 10}
            """;

    static CnnModelConfig cnn(ExperimentConfig c) {
        return (CnnModelConfig) c.model();
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(ExperimentConfigLoaderTest.class.getResource("/config/" + name).toURI());
    }

    @Test
    void fullConfigHasEveryValue() throws Exception {
        ExperimentConfig c = ExperimentConfigLoader.load(resource("full.yaml"));

        assertEquals("fashion-mnist-w8a8", c.name());
        assertEquals(7, c.seed());
        assertEquals(new DatasetConfig(Optional.of("fashion-mnist"), "idx",
                Optional.of(Path.of("/data/fashion")), 0.1, IdxFileNames.MNIST_NAMES), c.dataset());

        assertEquals(new InputShape(1, 28, 28), cnn(c).input());
        List<LayerConfig> layers = cnn(c).layers();
        assertEquals(10, layers.size());
        assertEquals(new Conv2dLayerConfig(32, Size2d.square(3), Size2d.square(1), Padding.SAME,
                Size2d.square(1), true, Activation.RELU, OptionalInt.of(8)), layers.get(0));
        assertEquals(new MaxPoolLayerConfig(Size2d.square(2), Size2d.square(2)), layers.get(1));
        assertEquals(new ResidualLayerConfig(64, 2, OptionalInt.of(4)), layers.get(2));
        assertEquals(new Conv2dLayerConfig(64, new Size2d(3, 1), Size2d.square(1),
                Padding.explicit(1), Size2d.square(2), false, Activation.RELU6,
                OptionalInt.empty()), layers.get(3));
        assertEquals(new AvgPoolLayerConfig(Size2d.square(2), Size2d.square(2)), layers.get(4));
        assertEquals(new GlobalAvgPoolLayerConfig(), layers.get(5));
        assertEquals(new FlattenLayerConfig(), layers.get(6));
        assertEquals(new DenseLayerConfig(128, Activation.RELU, false, OptionalInt.of(6)),
                layers.get(7));
        assertEquals(new DropoutLayerConfig(0.25), layers.get(8));
        assertEquals(new OutputLayerConfig(10, OptionalInt.of(8)), layers.get(9));
        assertEquals(layers.get(9), cnn(c).outputLayer());

        QuantizationConfig q = c.quantization();
        assertTrue(q.enabled());
        assertEquals(new WeightQuantConfig(4, Granularity.PER_TENSOR, ObserverKind.PERCENTILE,
                0.01), q.weights());
        assertEquals(new ActivationQuantConfig(8, ObserverKind.EMA_MIN_MAX, 0.02, 0.001),
                q.activations());
        assertEquals(SteMode.PLAIN, q.ste());
        assertEquals(ScheduleConfig.steps(100, 2000, 3000),
                q.schedule());
        assertEquals(8, layers.get(0).effectiveWeightBits(q));
        assertEquals(4, layers.get(3).effectiveWeightBits(q));

        assertEquals(new TrainingConfig(12, 128,
                new OptimizerConfig(OptimizerType.SGD, 0.05, 0.0005, 0.9),
                new LrScheduleConfig.Cosine(0.00001), 1000, 20, 2, ModelSelection.LAST), c.training());
        assertEquals(new OutputConfig(Path.of("/tmp/runs"), false, 250), c.output());
        assertEquals(Path.of("/tmp/runs/fashion-mnist-w8a8"), c.runDirectory());
    }

    @Test
    void shapesFollowTheLayers() throws Exception {
        ExperimentConfig c = ExperimentConfigLoader.load(resource("full.yaml"));
        assertEquals(List.of(
                ActivationShape.spatial(32, 28, 28),   // conv same
                ActivationShape.spatial(32, 14, 14),   // maxpool 2/2
                ActivationShape.spatial(64, 7, 7),     // residual stride 2
                ActivationShape.spatial(64, 5, 9),     // k 3x1 dilated to 5x1, padding 1
                ActivationShape.spatial(64, 2, 4),     // avgpool 2/2, floor
                ActivationShape.flat(64),              // globalavgpool
                ActivationShape.flat(64),              // flatten
                ActivationShape.flat(128),             // dense
                ActivationShape.flat(128),             // dropout
                ActivationShape.flat(10)),             // output
                cnn(c).activationShapes());
    }

    @Test
    void minimalConfigGetsDefaults() {
        ExperimentConfig c = ExperimentConfigLoader.parse(MINIMAL, "minimal.yaml");

        assertEquals(42, c.seed());
        assertEquals(Optional.empty(), c.dataset().path());
        assertEquals(0.0, c.dataset().validationFraction());
        assertEquals(new Conv2dLayerConfig(4, Size2d.square(5), Size2d.square(1), Padding.VALID,
                Size2d.square(1), false, Activation.RELU, OptionalInt.empty()),
                cnn(c).layers().get(0));
        assertEquals(new MaxPoolLayerConfig(Size2d.square(2), Size2d.square(2)),
                cnn(c).layers().get(1), "pool stride defaults to the kernel");
        assertEquals(QuantizationConfig.DISABLED, c.quantization());
        assertFalse(c.quantization().enabled());
        assertEquals(TrainingConfig.DEFAULT, c.training());
        assertEquals(new TrainingConfig(10, 64,
                new OptimizerConfig(OptimizerType.ADAM, 0.001, 0.0, 0.0),
                new LrScheduleConfig.Constant(), 500, 50, 1, ModelSelection.LAST), c.training());
        assertEquals(new OutputConfig(Path.of("runs"), true, 500), c.output());
        assertEquals(Path.of("runs", "minimal"), c.runDirectory());
    }

    @Test
    void presentQuantizationSectionIsEnabledWithDefaults() {
        ExperimentConfig c = ExperimentConfigLoader.parse(MINIMAL + "quantization: {}\n", "q.yaml");
        assertEquals(new QuantizationConfig(true, WeightQuantConfig.DEFAULT,
                ActivationQuantConfig.DEFAULT, SteMode.CLIPPED, ScheduleConfig.ALWAYS),
                c.quantization());
        assertEquals(new WeightQuantConfig(8, Granularity.PER_CHANNEL, ObserverKind.MIN_MAX, 0.001),
                c.quantization().weights());
        assertEquals(new ActivationQuantConfig(8, ObserverKind.EMA_MIN_MAX, 0.01, 0.001),
                c.quantization().activations());
    }

    @Test
    void shorthandsAndOptimizerDefaults() {
        ExperimentConfig c = ExperimentConfigLoader.parse(MINIMAL
                + "training: {optimizer: nesterovs, lrSchedule: cosine}\n", "s.yaml");
        assertEquals(new OptimizerConfig(OptimizerType.NESTEROVS, 0.001, 0.0, 0.9),
                c.training().optimizer());
        assertEquals(new LrScheduleConfig.Cosine(0.0), c.training().lrSchedule());

        c = ExperimentConfigLoader.parse(MINIMAL + """
                training:
                  optimizer: {type: adamw, learningRate: 1e-4}
                  lrSchedule: {type: step, stepSize: 1000}
                """, "s.yaml");
        assertEquals(new OptimizerConfig(OptimizerType.ADAMW, 1e-4, 0.01, 0.0),
                c.training().optimizer());
        assertEquals(new LrScheduleConfig.Step(1000, 0.1), c.training().lrSchedule());
    }

    @Test
    void datasetMayBeGivenByNameOnly() {
        ExperimentConfig c = ExperimentConfigLoader.parse(MINIMAL.replace(
                "dataset: {name: fashion-mnist}", "dataset: fashion-mnist"), "n.yaml");
        assertEquals(new DatasetConfig(Optional.of("fashion-mnist"), "idx", Optional.empty(), 0.0,
                IdxFileNames.MNIST_NAMES), c.dataset());
    }

    @Test
    void datasetMayBeGivenByFormatAndPath() {
        ExperimentConfig c = ExperimentConfigLoader.parse(MINIMAL.replace(
                "dataset: {name: fashion-mnist}",
                "dataset: {format: idx, path: data/mnist, testImages: t10k-x, validationFraction: 0.1}"),
                "f.yaml");
        assertEquals(new DatasetConfig(Optional.empty(), "idx", Optional.of(Path.of("data/mnist")), 0.1,
                new IdxFileNames("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-x",
                        "t10k-labels-idx1-ubyte")), c.dataset());
        assertEquals("data/mnist", c.dataset().describe());
        assertEquals(c, ExperimentConfigLoader.parse(c.toYaml(), "written.yaml"));
        ExperimentConfig searched = ExperimentConfigLoader.parse(MINIMAL.replace(
                "dataset: {name: fashion-mnist}", "dataset: {format: idx, name: kmnist}")
                .replace("filters: 4", "filters: 5"), "s.yaml");
        assertEquals(Optional.of("kmnist"), searched.dataset().name());
        assertEquals(Optional.empty(), searched.dataset().path(), "a name to look for, no path");
        ExperimentConfig overridden = ExperimentConfigLoader.parse(MINIMAL, "o.yaml",
                List.of("dataset={format: idx, path: /data/mnist}"));
        assertEquals(new DatasetConfig(Optional.empty(), "idx", Optional.of(Path.of("/data/mnist")), 0.0,
                IdxFileNames.MNIST_NAMES), overridden.dataset());
    }

    @Test
    void denseDirectlyAfterConvolutionIsAllowed() {
        ExperimentConfig c = ExperimentConfigLoader.parse(MINIMAL.replace(
                "    - {type: maxpool, kernel: 2}\n", "    - {type: dense, units: 32}\n"),
                "d.yaml");
        assertEquals(List.of(ActivationShape.spatial(4, 24, 24), ActivationShape.flat(32),
                ActivationShape.flat(10)), cnn(c).activationShapes());
    }

    @Test
    void everyKnownDatasetNameParses() {
        for (String name : DatasetFormats.named().keySet()) {
            String yaml = MINIMAL.replace("fashion-mnist", name);
            DatasetConfig d = ExperimentConfigLoader.parse(yaml, "k.yaml").dataset();
            assertEquals(Optional.of(name), d.name());
            assertEquals(DatasetFormats.named(name).orElseThrow().format().name(), d.format());
        }
    }

    @Test
    void overridesApply() {
        ExperimentConfig c = ExperimentConfigLoader.parse(MINIMAL, "o.yaml", List.of(
                "training.epochs=3",
                "quantization.weights.bits=4",
                "model.layers[0].filters=16",
                "model.layers[0].kernel=[3, 5]",
                "dataset.path=/x",
                "training.optimizer.type=sgd",
                "training.epochs=5",
                "seed = 7"));
        assertEquals(5, c.training().epochs(), "a later override wins");
        assertEquals(7, c.seed());
        assertTrue(c.quantization().enabled(), "setting a quantization key creates the section");
        assertEquals(4, c.quantization().weights().bits());
        Conv2dLayerConfig conv = (Conv2dLayerConfig) cnn(c).layers().get(0);
        assertEquals(16, conv.filters());
        assertEquals(new Size2d(3, 5), conv.kernel());
        assertEquals(Optional.of(Path.of("/x")), c.dataset().path());
        assertEquals(OptimizerType.SGD, c.training().optimizer().type());
    }

    @Test
    void overridesReplaceAndClearFileValues() throws Exception {
        ExperimentConfig c = ExperimentConfigLoader.load(resource("full.yaml"), List.of(
                "quantization.enabled=false", "dataset.path=", "output.dir=out"));
        assertFalse(c.quantization().enabled());
        assertEquals(4, c.quantization().weights().bits(), "other settings are kept");
        assertEquals(Optional.empty(), c.dataset().path());
        assertEquals(Path.of("out", "fashion-mnist-w8a8"), c.runDirectory());
    }

    @Test
    void allProblemsAreReportedTogetherInLineOrder() {
        String yaml = """
                name: t
                dataset: {name: fashion-mnist, validationFraction: 0.9}
                model:
                  input: {channels: 1, height: 28, width: 28}
                  layers:
                    - {type: conv2d, filters: 0, kernel: 3}
                    - {type: output, classes: 10}
                training: {epochs: 0, batchSize: 32, colour: red}
                quantization: {weights: {bits: 16}}
                """;
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfigLoader.parse(yaml, "many.yaml", List.of("seed=x")));
        List<String> lines = e.getMessage().lines().toList();
        assertEquals("invalid experiment config, 6 problems:", lines.get(0));
        assertEquals(List.of(
                "  many.yaml:2:52: dataset.validationFraction: must be in [0, 0.5], got 0.9",
                "  many.yaml:6:31: model.layers[0].filters: must be between 1 and 65536, got 0",
                "  many.yaml:8:20: training.epochs: must be between 1 and 100000, got 0",
                "  many.yaml:8:38: training.colour: unknown key `colour` under `training`;"
                        + " expected one of: epochs, batchSize, optimizer, lrSchedule,"
                        + " checkpointEverySteps, logEverySteps, evaluateEveryEpochs, select",
                "  many.yaml:9:32: quantization.weights.bits: must be between 2 and 8, got 16",
                "  --set seed=x: seed: expected an integer, got string 'x'"),
                lines.subList(1, lines.size()));
        assertEquals(6, e.problems().size());
        assertEquals(new ConfigLocation("many.yaml", 6, 31), e.problems().get(1).location());
    }

    @Test
    void singleProblemIsTheWholeMessage() {
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfigLoader
                .parse(MINIMAL.replace("filters: 4", "filters: -4"), "one.yaml"));
        assertEquals("one.yaml:6:31: model.layers[0].filters: must be between 1 and 65536, got -4",
                e.getMessage());
        assertEquals(1, e.problems().size());
    }

    @Test
    void emaObserverForWeightsIsExplained() {
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfigLoader
                .parse(MINIMAL + "quantization:\n  weights: {observer: ema}\n", "ema.yaml"));
        assertEquals("ema.yaml:10:23: quantization.weights.observer: unknown observer `ema`;"
                + " expected one of: minmax, percentile (`ema` is for activations only: weights"
                + " take their range from the current tensor, so there is nothing to average over"
                + " batches)", e.getMessage());
        assertEquals(1, e.problems().size());
    }

    @Test
    void missingFileIsAConfigException(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfigLoader.load(missing));
        assertEquals(missing + ": <root>: config file not found", e.getMessage());
    }

    @Test
    void fileNameIsTheSourceOfMessages(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("exp.yaml");
        Files.writeString(file, MINIMAL.replace("kernel: 5", "kernel: 0"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfigLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ":6:42: model.layers[0].kernel: "),
                e.getMessage());
    }

    @Test
    void byteOrderMarkAndYaml11ScalarsAreAccepted() {
        ExperimentConfig c = ExperimentConfigLoader.parse("\uFEFF" + MINIMAL
                + "output: {tensorboard: no, histogramsEverySteps: 1_000}\n", "bom.yaml");
        assertFalse(c.output().tensorboard());
        assertEquals(1000, c.output().histogramsEverySteps());
    }

    @Test
    void integralFloatIsAnInteger() {
        ExperimentConfig c = ExperimentConfigLoader.parse(MINIMAL + "training: {epochs: 1e1}\n",
                "f.yaml");
        assertEquals(10, c.training().epochs());
    }

    @Test
    void nonFiniteNumbersAreRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfigLoader
                .parse(MINIMAL + "training: {optimizer: {learningRate: .inf}}\n", "inf.yaml"));
        assertEquals("inf.yaml:9:38: training.optimizer.learningRate: must be a finite number,"
                + " got .inf", e.getMessage());
    }

    @Test
    void hugeIntegerIsOutOfRangeNotAnOverflow() {
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfigLoader
                .parse(MINIMAL + "training: {epochs: 99999999999999999999}\n", "big.yaml"));
        assertTrue(e.getMessage().contains("training.epochs: must be between 1 and 100000, got 99999999999999999999"),
                e.getMessage());
    }

    @Test
    void problemsOfOverridesNameTheOverride() {
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfigLoader
                .parse(MINIMAL, "m.yaml", List.of("model.layers[0]={type: conv2d}")));
        ConfigProblem p = e.problems().get(0);
        assertTrue(p.location().isOverride());
        assertEquals("--set model.layers[0]={type: conv2d}", p.location().source());
        assertEquals("model.layers[0].filters", p.path());
        assertInstanceOf(ConfigException.class, e);
    }
}
