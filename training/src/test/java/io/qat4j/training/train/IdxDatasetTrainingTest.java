package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigProblem;
import io.qat4j.training.data.FashionMnist;
import io.qat4j.training.data.IdxFiles;
import io.qat4j.training.data.ImageTaskData;
import io.qat4j.training.data.RequiresData;
import io.qat4j.training.data.SyntheticIdx;
import io.qat4j.training.data.TaskDataLoader;
import io.qat4j.training.report.QuantReport;
import io.qat4j.training.report.RunExport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    void theRunPrintsAndRecordsWhereItsDataCameFrom(@TempDir Path dir) throws Exception {
        Path data = SyntheticIdx.folder(dir.resolve("bars"), 1, 8).toAbsolutePath();
        ExperimentConfig cfg = config(data, dir.resolve("runs"), "{channels: 1, height: 8, width: 8}", 3);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RunOptions options = new RunOptions(false, new PrintStream(console, true, StandardCharsets.UTF_8), false,
                List.of(), -1, true);
        TrainResult r = new LocalTrainer().train(cfg, options);
        String printed = console.toString(StandardCharsets.UTF_8);
        List<String> files = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
        assertTrue(printed.contains(data.toString()), printed);
        assertTrue(printed.contains("240 training, 90 test") && printed.contains("3 classes"), printed);
        for (String f : files) {
            String line = f + "  " + Files.size(data.resolve(f)) + " bytes  sha256 " + IdxFiles.sha256(data.resolve(f));
            assertTrue(printed.contains(line), "prints " + line + ": " + printed);
        }

        ObjectMapper json = new ObjectMapper();
        JsonNode metrics = json.readTree(r.run().metrics().toFile()).get("data");
        JsonNode report = json.readTree(r.run().root().resolve(QuantReport.FILE).toFile()).get("data");
        JsonNode provenance = json.readTree(ArtifactReader.read(r.run().root().resolve(RunExport.ARTIFACT)).model()
                .provenance().get(Provenance.DATA_ORIGIN).orElseThrow());
        for (JsonNode origin : List.of(metrics, report, provenance)) {
            assertEquals(data.toString(), origin.get("folder").asText(), origin.toString());
            assertEquals("dataset.path in the configuration", origin.get("foundBy").asText());
            assertEquals(240, origin.get("examples").get("training").asInt());
            assertEquals(90, origin.get("examples").get("test").asInt());
            assertEquals(3, origin.get("classes").asInt());
            assertEquals(files.size(), origin.get("files").size());
            for (int i = 0; i < files.size(); i++) {
                JsonNode f = origin.get("files").get(i);
                assertEquals(files.get(i), f.get("name").asText());
                assertEquals(IdxFiles.sha256(data.resolve(files.get(i))), f.get("sha256").asText());
            }
        }
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
