package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.data.TaskData;
import io.qat4j.training.data.TaskDataLoader;
import io.qat4j.training.data.TrainingBatch;
import io.qat4j.training.data.graph.SyntheticLinqs;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.graph.GraphInputs;
import io.qat4j.training.report.QuantReport;
import io.qat4j.training.report.RunExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A LINQS dataset qat4j has never seen trains a GCN through the normal config path, full batch;
 * Degree-Quant's protective mask is drawn per step; a quantized GNN run, which cannot export yet,
 * keeps its metrics and says why it has no int8 artifact.
 */
class PlanetoidTrainingTest {

    static ExperimentConfig config(Path data, Path out, int features, String quantization, int epochs) {
        String yaml = """
                name: toy-gcn
                seed: 5
                dataset: {format: planetoid, path: '%s'}
                model:
                  family: gnn
                  features: %d
                  layers:
                    - {type: dropout, rate: 0.5}
                    - {type: gcn, units: 16, activation: relu}
                    - {type: dropout, rate: 0.5}
                    - {type: gcn, units: 8, activation: identity}
                  output: {classes: 3}
                quantization: %s
                training:
                  epochs: %d
                  optimizer: {type: adam, learningRate: 0.01}
                output: {dir: '%s', tensorboard: false}
                """.formatted(data.toString().replace("'", "''"), features, quantization, epochs,
                out.toString().replace("'", "''"));
        return ExperimentConfigLoader.parse(yaml, "toy.yaml");
    }

    @Test
    void trainsAGcnOnANewLinqsDatasetFarAboveChance(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        ExperimentConfig cfg = config(data, dir.resolve("runs"), SyntheticLinqs.FEATURES, "{enabled: false}", 100);
        TrainResult r = new LocalTrainer().train(cfg, LocalTrainerTest.quiet());
        assertEquals(100, r.steps(), "one full-batch step per epoch");
        // chance is 1/3; one graph convolution makes the classes linearly separable (SyntheticLinqs),
        // so 27 of the 30 test papers (0.9) leaves room for three errors of a read-out fit on 12 papers
        assertTrue(r.testAccuracy() >= 0.9, "test accuracy " + r.testAccuracy());
        assertEquals(cfg, ExperimentConfigLoader.load(r.run().config()), "the effective config reads back");
    }

    @Test
    void degreeQuantRunExportsTheInt8ArtifactAndReportsIt(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        ExperimentConfig cfg = config(data, dir.resolve("runs"), SyntheticLinqs.FEATURES,
                "{method: degree-quant, activations: {bits: 8}}", 60);
        RunOptions reporting = new RunOptions(false, null, false, List.of(), -1, true);
        TrainResult r = new LocalTrainer().train(cfg, reporting);
        assertEquals(60, r.steps());
        QuantReport report = r.report().orElseThrow();
        assertTrue(Files.exists(r.run().root().resolve(QuantReport.FILE)));
        Int8Executor ex = Int8Executor.load(r.run().root().resolve(RunExport.ARTIFACT));
        // node-level: the read-out never reads the graph ids, and protect is training's alone
        assertEquals(List.of(GraphInputs.NODES, GraphInputs.EDGES), List.copyOf(ex.inputs().keySet()));
        assertEquals(r.test().named().get("accuracy"), report.fakeQuant().named().get("accuracy"), 1e-12,
                "the report scores the trained network on the run's test nodes");
        assertTrue(report.int8().named().get("accuracy") > 1.0 / 3, "int8 accuracy above chance: " + report.int8().named());
        assertTrue(report.agreement() >= 0 && report.agreement() <= 1, "agreement " + report.agreement());
        assertFalse(report.layers().isEmpty(), "the graph layers' codes are compared");
        // float bytes of the inference model: both graph convolutions' weights and biases and the read-out's
        long floats = (SyntheticLinqs.FEATURES * 16L + 16) + (16 * 8 + 8) + (8 * 3 + 3);
        assertEquals(4 * floats, report.fp32Bytes());
    }

    @Test
    void protectMaskIsDrawnPerStepAndZeroWithoutDegreeQuant(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        ExperimentConfig dq = config(data, dir.resolve("runs"), SyntheticLinqs.FEATURES,
                "{method: degree-quant, degreeQuant: {pMin: 0.3, pMax: 0.6}}", 10);
        TrainingBatch b = TaskDataLoader.load(dq).training(1, dq.seed(), 0, 0).next();
        INDArray step7 = b.forStep(7).getFeatures(3);
        assertEquals(step7, b.forStep(7).getFeatures(3), "the same step draws the same mask");
        // each of the 60 nodes is drawn alike in two steps with probability p^2 + (1-p)^2 <= 0.82,
        // so two equal masks have probability below 0.82^60 < 1e-5
        assertNotEquals(step7, b.forStep(8).getFeatures(3), "another step draws another mask");
        double protectedShare = step7.sumNumber().doubleValue() / 60;
        assertTrue(protectedShare > 0 && protectedShare < 1, "share " + protectedShare);
        assertEquals(0.0, b.data().getFeatures(3).sumNumber().doubleValue(), "scored without protection");
        MultiDataSet test = TaskDataLoader.load(dq).test().batches(1).iterator().next();
        assertEquals(0.0, test.getFeatures(3).sumNumber().doubleValue(), "evaluated without protection");

        ExperimentConfig qat = config(data, dir.resolve("runs"), SyntheticLinqs.FEATURES,
                "{method: qat, degreeQuant: {pMin: 0.3, pMax: 0.6}}", 10);
        TrainingBatch plain = TaskDataLoader.load(qat).training(1, qat.seed(), 0, 0).next();
        assertEquals(0.0, plain.forStep(7).getFeatures(3).sumNumber().doubleValue(), "no protection in plain QAT");
    }

    @Test
    void theSplitsAreTheFilesAndTheGraphCannotBeSharded(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        ExperimentConfig cfg = config(data, dir.resolve("runs"), SyntheticLinqs.FEATURES, "{enabled: false}", 10);
        TaskData d = TaskDataLoader.load(cfg);
        assertEquals(1, d.batchesPerEpoch(128));
        TrainingBatch b = d.training(1, 1, 0, 0).next();
        assertEquals(12, b.examples(), "4 training papers per class");
        assertEquals(30, d.test().count());
        assertEquals(18, d.validation().orElseThrow().count());
        assertEquals(List.of(b), b.shards(1));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> b.shards(2));
        assertTrue(e.getMessage().contains("cannot be split into 2 shards"), e.getMessage());
        // row-normalised: a paper with its class word and the two shared words has features 1/3 each
        INDArray nodes = b.data().getFeatures(0);
        assertEquals(1.0 / 3, nodes.getDouble(0, 0), 1e-7);
        assertEquals(1.0, nodes.getRow(0).sumNumber().doubleValue(), 1e-6);
    }

    @Test
    void featuresThatDifferFromTheFilesAreAConfigErrorNamingTheKey(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        ExperimentConfig cfg = config(data, dir.resolve("runs"), 7, "{enabled: false}", 10);
        ConfigException e = assertThrows(ConfigException.class, () -> TaskDataLoader.load(cfg));
        assertEquals("model.features", e.problems().get(0).path(), e.getMessage());
        assertEquals("dataset `" + data + "` has 5 node features, but the model reads 7",
                e.problems().get(0).message());
    }
}
