package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigProblem;
import io.qat4j.training.data.FashionMnist;
import io.qat4j.training.data.ImageTaskData;
import io.qat4j.training.data.TaskDataLoader;
import io.qat4j.training.data.RequiresData;
import io.qat4j.training.data.SyntheticIdx;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset in IDX format that qat4j has never seen trains through the normal config path by
 * giving its {@code dataset.path} (and the model's input shape and classes); a model that does not
 * fit the files is a config error naming the model key and both values.
 */
class IdxDatasetTrainingTest {

    private static ExperimentConfig config(Path data, Path out, String input, int classes) {
        String yaml = """
                name: synthetic
                seed: 3
                dataset: {format: idx, path: '%s'}
                model:
                  family: cnn
                  input: %s
                  layers:
                    - {type: conv2d, filters: 8, kernel: 3, padding: same}
                    - {type: maxpool, kernel: 2}
                    - {type: dense, units: 16}
                    - {type: output, classes: %d}
                quantization:
                  weights: {bits: 8}
                  schedule: {fp32WarmupSteps: 10}
                training:
                  epochs: 4
                  batchSize: 16
                  optimizer: {type: adam, learningRate: 0.005}
                output: {dir: '%s', tensorboard: false}
                """.formatted(data.toString().replace("'", "''"), input, classes,
                out.toString().replace("'", "''"));
        return ExperimentConfigLoader.parse(yaml, "synthetic.yaml");
    }

    @Test
    void trainsOnANewIdxDatasetFarAboveChance(@TempDir Path dir) throws Exception {
        Path data = SyntheticIdx.folder(dir.resolve("bars"), 1, 8);
        ExperimentConfig cfg = config(data, dir.resolve("runs"), "{channels: 1, height: 8, width: 8}", 3);
        TrainResult r = new LocalTrainer().train(cfg, LocalTrainerTest.quiet());
        assertEquals(60, r.steps(), "4 epochs of 240 images in batches of 16");
        // chance is 1/3; the bars are separable by a single 3x3 convolution
        assertTrue(r.testAccuracy() >= 0.9, "test accuracy " + r.testAccuracy());
        assertEquals(cfg, ExperimentConfigLoader.load(r.run().config()), "the effective config reads back");
    }

    @Test
    void classesThatDifferFromTheFilesAreAConfigErrorNamingTheKey(@TempDir Path dir) throws Exception {
        Path data = SyntheticIdx.folder(dir.resolve("bars"), 1, 8);
        ExperimentConfig cfg = config(data, dir.resolve("runs"), "{channels: 1, height: 8, width: 8}", 10);
        ConfigException e = assertThrows(ConfigException.class, () -> TaskDataLoader.load(cfg));
        assertEquals(1, e.problems().size(), e.getMessage());
        ConfigProblem p = e.problems().get(0);
        assertEquals("model.layers[3].classes", p.path());
        assertEquals("dataset `" + data + "` has 3 classes, but the output layer has 10", p.message());
        assertEquals(data.resolve("train-images-idx3-ubyte.gz").toAbsolutePath().toString(), p.location().source());
    }

    @Test
    void inputShapeThatDiffersFromTheFilesIsAConfigErrorNamingTheKey(@TempDir Path dir) throws Exception {
        Path data = SyntheticIdx.folder(dir.resolve("rgb"), 3, 8);
        ExperimentConfig cfg = config(data, dir.resolve("runs"), "{channels: 1, height: 28, width: 28}", 3);
        ConfigException e = assertThrows(ConfigException.class, () -> TaskDataLoader.load(cfg));
        assertEquals(List.of("model.input"), e.problems().stream().map(ConfigProblem::path).toList());
        assertTrue(e.getMessage().contains("model.input: dataset `" + data + "` has 3x8x8 images (channels x"
                + " height x width), but the model input is 1x28x28"), e.getMessage());
    }

    @Test
    void fashionMnistIsStillFoundByName() throws Exception {
        RequiresData.fashionMnist();
        ExperimentConfig cfg = ExperimentConfigLoader.parse("""
                name: fm
                dataset: fashion-mnist
                model:
                  input: {channels: 1, height: 28, width: 28}
                  layers:
                    - {type: output, classes: 10}
                """, "fm.yaml");
        ImageTaskData d = (ImageTaskData) TaskDataLoader.load(cfg);
        assertEquals(FashionMnist.OFFICIAL_TRAIN_COUNT, d.train().count());
        assertEquals(FashionMnist.OFFICIAL_TEST_COUNT, d.testImages().count());
        assertEquals(FashionMnist.CLASS_NAMES, d.testImages().classNames());
        assertEquals(FashionMnist.load(RequiresData.fashionMnist()).test(), d.testImages());
    }
}
