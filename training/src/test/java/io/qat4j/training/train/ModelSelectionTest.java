package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.data.TaskData;
import io.qat4j.training.data.TaskDataLoader;
import io.qat4j.training.data.graph.SyntheticLinqs;
import io.qat4j.training.eval.EvaluationSet;
import io.qat4j.training.eval.Evaluator;
import io.qat4j.training.eval.TaskMetrics;
import io.qat4j.training.model.NetworkBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The validation loss of every epoch, and {@code training.select: best-validation-loss}: the run
 * keeps, saves and reports the parameters of the epoch with the lowest validation loss (the model
 * selection of camlsys/degree-quant's {@code train_eval.py}), also across {@code --resume}.
 */
class ModelSelectionTest {

    private static final String SELECT = "  optimizer: {type: adam, learningRate: 0.3}\n  epochs: 5\n"
            + "  select: best-validation-loss";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void meanLossIsTheCrossEntropyOfTheSplitsNodesOnly(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        ExperimentConfig cfg = GnnRunTestConfigs.gcn(data, dir.resolve("runs"), GnnRunTestConfigs.ADAM + "  epochs: 5");
        ComputationGraph net = new NetworkBuilder(cfg, 1).build();
        EvaluationSet test = TaskDataLoader.load(cfg).test();
        // reference: -log of the probability of the true class, averaged over the masked nodes
        double sum = 0;
        int count = 0;
        for (MultiDataSet d : test.batches(Evaluator.BATCH_SIZE)) {
            INDArray p = Evaluator.output(net, d).castTo(DataType.DOUBLE);
            INDArray labels = d.getLabels(0).castTo(DataType.DOUBLE);
            INDArray mask = d.getLabelsMaskArray(0).castTo(DataType.DOUBLE).reshape(-1);
            for (int r = 0; r < p.rows(); r++) {
                if (mask.getDouble(r) != 0) {
                    sum -= Math.log(p.getRow(r).mul(labels.getRow(r)).sumNumber().doubleValue());
                    count++;
                }
            }
        }
        assertEquals(30, count, "the test nodes of SyntheticLinqs");
        double loss = Evaluator.evaluate(net, test).loss();
        // the same float32 probabilities, logs in float32 there: relative error well below 1e-5
        assertEquals(sum / count, loss, 1e-5 * Math.abs(sum / count));
        assertEquals(loss, Evaluator.evaluate(net, test).named().get("loss"), 0.0);
    }

    @Test
    void theRunKeepsReportsAndSavesTheEpochOfLowestValidationLoss(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        ExperimentConfig cfg = GnnRunTestConfigs.gcn(data, dir.resolve("runs"), SELECT);
        TrainResult r = new LocalTrainer().train(cfg, LocalTrainerTest.quiet());
        JsonNode metrics = JSON.readTree(r.run().metrics().toFile());
        JsonNode epochs = metrics.get("epochs");
        assertEquals(5, epochs.size(), "every epoch is evaluated");
        int lowest = 0;
        for (int e = 0; e < epochs.size(); e++) {
            assertTrue(epochs.get(e).has("validationLoss") && epochs.get(e).has("testLoss"), epochs.get(e).toString());
            if (epochs.get(e).get("validationLoss").asDouble() < epochs.get(lowest).get("validationLoss").asDouble()) {
                lowest = e;
            }
        }
        JsonNode selected = metrics.get(RunLifecycle.METRICS_SELECTED);
        assertEquals("best-validation-loss", selected.get("rule").asText());
        assertEquals(lowest, selected.get("epoch").asInt(), metrics.toString());
        // this seeded run's learning rate is too high for a monotonic descent (its validation loss jumps
        // in the fourth epoch): the selection is not simply the last epoch
        assertNotEquals(4, lowest, "validation losses " + epochs);
        assertEquals(epochs.get(lowest).get("validationLoss").asDouble(), selected.get("validationLoss").asDouble(), 0.0);
        assertEquals(epochs.get(lowest).get("testAccuracy").asDouble(), metrics.get("testAccuracy").asDouble(), 0.0);
        assertEquals(epochs.get(lowest).get("testLoss").asDouble(), metrics.get("testLoss").asDouble(), 1e-12);
        assertEquals(metrics.get("testAccuracy").asDouble(), r.testAccuracy(), 0.0);
        // the saved model is the selected one
        ComputationGraph saved = ModelSerializer.restoreComputationGraph(r.run().model().toFile(), false);
        TaskData d = TaskDataLoader.load(cfg);
        TaskMetrics savedTest = Evaluator.evaluate(saved, d.test());
        assertEquals(epochs.get(lowest).get("testLoss").asDouble(), savedTest.loss(), 1e-12);
        assertEquals(saved.params(), r.network().params());
        assertTrue(Files.exists(r.run().checkpoints().resolve(BestEpoch.STATE)));
        try (var files = Files.list(r.run().checkpoints())) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("best-")).count(),
                    "one network file of the selected epoch");
        }
    }

    @Test
    void epochsOfTheFloatWarmUpAreNotSelected(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        // six float epochs, then two at 4 bits, whose validation losses are above the float ones
        String training = "  optimizer: {type: adam, learningRate: 0.05}\n  epochs: 8\n  select: best-validation-loss";
        String yaml = GnnRunTestConfigs.yaml(data, dir.resolve("warm"), training).replace("quantization: {enabled: false}",
                "quantization: {enabled: true, weights: {bits: 4}, activations: {bits: 4},"
                        + " schedule: {fp32Warmup: {epochs: 6}}}");
        TrainResult r = new LocalTrainer().train(ExperimentConfigLoader.parse(yaml, "warm.yaml"),
                LocalTrainerTest.quiet());
        JsonNode metrics = JSON.readTree(r.run().metrics().toFile());
        JsonNode epochs = metrics.get("epochs");
        double floatLowest = Double.POSITIVE_INFINITY;
        for (int e = 0; e < 6; e++) {
            floatLowest = Math.min(floatLowest, epochs.get(e).get("validationLoss").asDouble());
        }
        int lowestQuantized = 6;
        for (int e = 6; e < epochs.size(); e++) {
            double loss = epochs.get(e).get("validationLoss").asDouble();
            assertTrue(loss > floatLowest, "the setup: a float epoch has the lowest validation loss " + epochs);
            if (loss < epochs.get(lowestQuantized).get("validationLoss").asDouble()) {
                lowestQuantized = e;
            }
        }
        assertEquals(lowestQuantized, metrics.get(RunLifecycle.METRICS_SELECTED).get("epoch").asInt(),
                "the lowest validation loss among the epochs that trained quantized: " + epochs);
    }

    @Test
    void aResumedRunSelectsWhatAnUninterruptedOneSelects(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        ExperimentConfig whole = GnnRunTestConfigs.gcn(data, dir.resolve("a"), SELECT);
        TrainResult uninterrupted = new LocalTrainer().train(whole, LocalTrainerTest.quiet());

        ExperimentConfig split = GnnRunTestConfigs.gcn(data, dir.resolve("b"), SELECT);
        TrainResult first = new LocalTrainer().train(split,
                new RunOptions(false, null, false, List.of(), 4, false));
        assertTrue(first.stoppedEarly());
        assertFalse(JSON.readTree(first.run().metrics().toFile()).has(RunLifecycle.METRICS_SELECTED),
                "a stopped run has selected nothing yet");
        TrainResult resumed = new LocalTrainer().train(split, LocalTrainerTest.quiet().withResume(true));
        JsonNode a = JSON.readTree(uninterrupted.run().metrics().toFile());
        JsonNode b = JSON.readTree(resumed.run().metrics().toFile());
        assertEquals(a.get(RunLifecycle.METRICS_SELECTED), b.get(RunLifecycle.METRICS_SELECTED));
        assertEquals(a.get("testAccuracy"), b.get("testAccuracy"));
        assertEquals(uninterrupted.network().params(), resumed.network().params());
    }

    @Test
    void lastIsTheDefaultAndNamesTheLastEpoch(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        ExperimentConfig cfg = GnnRunTestConfigs.gcn(data, dir.resolve("runs"), GnnRunTestConfigs.ADAM + "  epochs: 4");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        TrainResult r = new LocalTrainer().train(cfg, new RunOptions(false,
                new PrintStream(console, true, StandardCharsets.UTF_8), false, List.of(), -1, false));
        JsonNode selected = JSON.readTree(r.run().metrics().toFile()).get(RunLifecycle.METRICS_SELECTED);
        assertEquals("last", selected.get("rule").asText());
        assertEquals(3, selected.get("epoch").asInt());
        assertFalse(Files.exists(r.run().checkpoints().resolve(BestEpoch.STATE)));
        // the run summary: full-graph steps, and the graph vertices' parameters counted
        String out = console.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("4 steps = 4 epochs x 1 step(s) on the full graph (training.batchSize is not used)"),
                out);
        long params = r.network().params().length();
        long layerParams = r.network().numParams();
        assertTrue(params > layerParams, "the GCN vertices hold parameters outside DL4J's layers");
        assertTrue(out.contains(String.format("%,d parameters", params)), out);
    }
}
