package io.qat4j.training.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverKind;
import io.qat4j.quant.spec.SteMode;
import io.qat4j.training.data.IdxFormat.IdxFileNames;
import io.qat4j.training.family.cnn.Activation;
import io.qat4j.training.family.cnn.AvgPoolLayerConfig;
import io.qat4j.training.family.cnn.CnnModelConfig;
import io.qat4j.training.family.cnn.Conv2dLayerConfig;
import io.qat4j.training.family.cnn.DenseLayerConfig;
import io.qat4j.training.family.cnn.DropoutLayerConfig;
import io.qat4j.training.family.cnn.InputShape;
import io.qat4j.training.family.cnn.MaxPoolLayerConfig;
import io.qat4j.training.family.cnn.OutputLayerConfig;
import io.qat4j.training.family.cnn.Padding;
import io.qat4j.training.family.cnn.ResidualLayerConfig;
import io.qat4j.training.family.cnn.Size2d;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The effective config written as YAML reads back to an equal record. */
class ConfigWriterTest {

    private static ExperimentConfig roundTrip(ExperimentConfig config) {
        return ExperimentConfigLoader.parse(config.toYaml(), "written.yaml");
    }

    @Test
    void fullConfigRoundTrips() throws Exception {
        ExperimentConfig c = ExperimentConfigLoader.load(
                ExperimentConfigLoaderTest.resource("full.yaml"));
        assertEquals(c, roundTrip(c));
    }

    @Test
    void minimalConfigRoundTripsWithEveryDefaultWritten() {
        ExperimentConfig c = ExperimentConfigLoader.parse(ExperimentConfigLoaderTest.MINIMAL,
                "minimal.yaml");
        String yaml = c.toYaml();
        assertEquals(c, roundTrip(c));
        assertTrue(yaml.startsWith(ConfigWriter.HEADER), yaml);
        for (String written : List.of("seed: 42", "enabled: false", "granularity: per-channel",
                "observer: ema", "momentum: 0.01", "ste: clipped", "fp32Warmup:\n      steps: 0",
                "freezeObservers: null", "allowFloatOnly: false", "epochs: 10", "batchSize: 64", "type: adam",
                "learningRate: 0.001", "type: constant", "checkpointEverySteps: 500",
                "dir: runs", "tensorboard: true", "padding: valid", "activation: relu",
                "validationFraction: 0.0")) {
            assertTrue(yaml.contains(written), () -> "missing `" + written + "` in\n" + yaml);
        }
        assertFalse(yaml.contains("momentum: 0.0\n"), "adam has no momentum:\n" + yaml);
    }

    @Test
    void everyVariantRoundTrips() {
        ExperimentConfig c = new ExperimentConfig("variants", -3,
                new DatasetConfig(Optional.of("kmnist"), "idx", Optional.of(Path.of("data/k mnist")), 0.5,
                        new IdxFileNames("train-img", "/abs/train-lbl", "test img.gz", "1e3")),
                new CnnModelConfig(new InputShape(3, 32, 17), List.of(
                        new Conv2dLayerConfig(8, new Size2d(5, 3), new Size2d(2, 1),
                                Padding.explicit(2), new Size2d(1, 2), true, Activation.IDENTITY,
                                OptionalInt.of(2)),
                        new AvgPoolLayerConfig(new Size2d(2, 3), Size2d.square(1)),
                        new ResidualLayerConfig(16, 1, OptionalInt.empty()),
                        new MaxPoolLayerConfig(Size2d.square(3), Size2d.square(2)),
                        new DenseLayerConfig(64, Activation.RELU6, true, OptionalInt.empty()),
                        new DropoutLayerConfig(0.0),
                        new OutputLayerConfig(7, OptionalInt.empty()))),
                new QuantizationConfig(true,
                        new WeightQuantConfig(3, Granularity.PER_TENSOR, ObserverKind.MIN_MAX,
                                1e-4),
                        new ActivationQuantConfig(4, ObserverKind.PERCENTILE, 1.0, 0.0123456789),
                        SteMode.PLAIN,
                        new ScheduleConfig(new SchedulePoint.Epochs(1), new SchedulePoint.Fraction(0.875),
                                new SchedulePoint.Steps(10), true)),
                new TrainingConfig(1, 1, new OptimizerConfig(OptimizerType.NESTEROVS, 3e-7,
                        1e-5, 0.95), LrScheduleConfig.Step.everyEpochs(7, 0.5), 1, 1, 1,
                        ModelSelection.BEST_VALIDATION_LOSS),
                new OutputConfig(Path.of("/tmp/some runs"), false, 1));
        assertEquals(c, roundTrip(c));
    }

    @Test
    void neverFreezeStepsAreWrittenAsNull() {
        ExperimentConfig base = ExperimentConfigLoader.parse(ExperimentConfigLoaderTest.MINIMAL,
                "minimal.yaml");
        ExperimentConfig c = new ExperimentConfig("never", base.seed(), base.dataset(),
                base.model(), new QuantizationConfig(true, WeightQuantConfig.DEFAULT,
                        ActivationQuantConfig.DEFAULT, SteMode.CLIPPED,
                        ScheduleConfig.steps(Long.MAX_VALUE, -7, -1)),
                base.training(), base.output());
        String yaml = c.toYaml();
        for (String written : List.of("steps: 9223372036854775807",
                "freezeObservers: null", "freezeBatchNorm: null", "allowFloatOnly: false")) {
            assertTrue(yaml.contains(written), () -> "missing `" + written + "` in\n" + yaml);
        }
        assertEquals(c, roundTrip(c));
        assertEquals(ScheduleConfig.steps(Long.MAX_VALUE, -1, -1),
                roundTrip(c).quantization().schedule());
    }

    @ParameterizedTest
    @EnumSource(SteMode.class)
    void everySteModeIsWrittenWithItsSpelling(SteMode ste) {
        ExperimentConfig base = ExperimentConfigLoader.parse(ExperimentConfigLoaderTest.MINIMAL,
                "minimal.yaml");
        ExperimentConfig c = new ExperimentConfig("ste", base.seed(), base.dataset(),
                base.model(), new QuantizationConfig(true, WeightQuantConfig.DEFAULT,
                        ActivationQuantConfig.DEFAULT, ste, ScheduleConfig.ALWAYS),
                base.training(), base.output());
        String yaml = c.toYaml();
        String written = "ste: " + ste.name().toLowerCase(java.util.Locale.ROOT) + "\n";
        assertTrue(yaml.contains(written), () -> "missing `" + written + "` in\n" + yaml);
        assertEquals(c, roundTrip(c));
    }

    @ParameterizedTest
    @ValueSource(strings = {"123", "1.5", "1e3", "true", "no", "null", "0x10", ".inf", "-"})
    void namesThatLookLikeOtherScalarsAreQuoted(String name) {
        ExperimentConfig base = ExperimentConfigLoader.parse(ExperimentConfigLoaderTest.MINIMAL,
                "minimal.yaml");
        ExperimentConfig c = new ExperimentConfig(name, base.seed(), base.dataset(), base.model(),
                base.quantization(), base.training(), base.output());
        assertEquals(c, roundTrip(c));
    }

    @Test
    void writeReplacesTheFileAtomically(@TempDir Path dir) throws IOException {
        ExperimentConfig c = ExperimentConfigLoader.parse(ExperimentConfigLoaderTest.MINIMAL,
                "minimal.yaml");
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "old");
        ConfigWriter.write(c, file);
        assertEquals(c, ExperimentConfigLoader.load(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }
}
