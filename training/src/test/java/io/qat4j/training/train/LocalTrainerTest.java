package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.layers.QuantParams;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.data.FashionMnist;
import io.qat4j.training.data.ImageTaskData;
import io.qat4j.training.data.ImageDataset;
import io.qat4j.training.data.RequiresData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The local trainer on a slice of the real Fashion-MNIST data: repeatable runs, exact resume from
 * a checkpoint, the quantization schedule, run files and progress output.
 */
public class LocalTrainerTest {

    static ImageTaskData slice;

    /** @return the test slice */
    public static io.qat4j.training.eval.EvaluationSet testSlice() {
        return slice.test();
    }

    @BeforeAll
    public static void loadSlice() throws Exception {
        FashionMnist fm = FashionMnist.load(RequiresData.fashionMnist());
        slice = new ImageTaskData(fm.train().subset(0, 192), null, fm.test().subset(0, 100));
    }

    public static LocalTrainer trainer() {
        return new LocalTrainer(c -> slice);
    }

    /** A small CNN, 3 epochs of 6 steps (batch 32), quantization from step 4, BN frozen from step 12. */
    public static ExperimentConfig config(Path out, String name, String... extra) {
        String yaml = """
                name: %s
                seed: 7
                dataset: {name: fashion-mnist}
                model:
                  input: {channels: 1, height: 28, width: 28}
                  layers:
                    - {type: conv2d, filters: 4, kernel: 3, stride: 2, padding: same, batchNorm: true}
                    - {type: maxpool, kernel: 2}
                    - {type: dense, units: 8}
                    - {type: dropout, rate: 0.2}
                    - {type: output, classes: 10}
                quantization:
                  enabled: true
                  weights: {bits: 4}
                  schedule: {fp32WarmupSteps: 4, freezeObserversStep: 14, freezeBatchNormStep: 12}
                training:
                  epochs: 3
                  batchSize: 32
                  checkpointEverySteps: 5
                  logEverySteps: 2
                output: {dir: '%s', tensorboard: true, histogramsEverySteps: 6}
                """.formatted(name, out.toString().replace("'", "''"));
        return ExperimentConfigLoader.parse(yaml, name + ".yaml", List.of(extra));
    }

    public static RunOptions quiet() {
        return new RunOptions(false, null, false, List.of(), -1, false);
    }

    @Test
    void sameSeedGivesTheSameRunAndOtherSeedsDiffer(@TempDir Path dir) throws Exception {
        TrainResult a = trainer().train(config(dir, "a"), quiet());
        TrainResult b = trainer().train(config(dir, "b"), quiet());
        TrainResult c = trainer().train(config(dir, "c", "seed=8"), quiet());
        assertEquals(18, a.steps());
        assertEquals(a.network().params(), b.network().params());
        assertEquals(a.testAccuracy(), b.testAccuracy());
        assertNotEquals(a.network().params(), c.network().params());
    }

    @Test
    void resumedRunEndsExactlyLikeAnUninterruptedOne(@TempDir Path dir) throws Exception {
        TrainResult full = trainer().train(config(dir, "full"), quiet());
        // stop after 8 steps (a checkpoint mid-epoch, after quantization started), then resume
        ExperimentConfig cut = config(dir, "cut");
        trainer().train(cut, quiet().withMaxSteps(8));
        TrainResult resumed = trainer().train(cut, quiet().withResume(true));
        assertEquals(full.steps(), resumed.steps());
        assertEquals(full.network().params(), resumed.network().params());
        assertEquals(full.network().getIterationCount(), resumed.network().getIterationCount());
        // the epoch cut by the checkpoint (epoch 2: steps 7..12) has the mean loss of all its steps, bit for bit,
        // in the run's result, metrics.json and TensorBoard
        RunListener.EpochSummary fullCut = full.epochs().get(1);
        RunListener.EpochSummary resumedCut = resumed.epochs().stream().filter(e -> e.epoch() == 1).findFirst().orElseThrow();
        assertEquals(Double.doubleToLongBits(fullCut.meanLoss()), Double.doubleToLongBits(resumedCut.meanLoss()),
                fullCut.meanLoss() + " vs " + resumedCut.meanLoss());
        assertEquals(epochMeanLosses(full.run()).get(1L), epochMeanLosses(resumed.run()).get(1L));
        assertEquals(tensorBoardScalars(full.run(), "train/epoch_mean_loss").get(12L),
                tensorBoardScalars(resumed.run(), "train/epoch_mean_loss").get(12L));
    }

    /** @return epoch to {@code meanLoss} as written in metrics.json (the JSON text of the number) */
    static java.util.Map<Long, String> epochMeanLosses(RunDirectory run) throws java.io.IOException {
        java.util.Map<Long, String> m = new java.util.TreeMap<>();
        for (com.fasterxml.jackson.databind.JsonNode e : new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(run.metrics().toFile()).get("epochs")) {
            m.put(e.get("epoch").asLong(), e.get("meanLoss").toString());
        }
        return m;
    }

    /** @return step to value of one scalar tag in the run's TensorBoard events (every event file) */
    static java.util.Map<Long, Float> tensorBoardScalars(RunDirectory run, String tag) throws java.io.IOException {
        java.util.Map<Long, Float> m = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(run.tensorboard())) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList()) {
                for (org.tensorflow.proto.Event e : io.qat4j.training.tensorboard.TfRecordReader.readEvents(f)) {
                    e.getSummary().getValueList().stream().filter(v -> v.getTag().equals(tag))
                            .forEach(v -> m.put(e.getStep(), v.getSimpleValue()));
                }
            }
        }
        return m;
    }

    /**
     * A run started with the schedule in steps (as every config before the epoch/fraction syntax,
     * and its stored config.yaml) resumes with the same schedule written in steps and epochs, and
     * ends exactly like the uninterrupted run; a schedule that resolves differently is refused.
     */
    @Test
    void resumeComparesSchedulesByTheStepsTheyResolveTo(@TempDir Path dir) throws Exception {
        TrainResult full = trainer().train(config(dir, "full"), quiet());
        trainer().train(config(dir, "cut"), quiet().withMaxSteps(8));
        String inEpochs = "quantization.schedule={fp32Warmup: {steps: 4}, freezeObservers: {steps: 14}, "
                + "freezeBatchNorm: {epochs: 2}}";
        TrainResult resumed = trainer().train(config(dir, "cut", inEpochs), quiet().withResume(true));
        assertEquals(full.network().params(), resumed.network().params());
        IllegalStateException other = assertThrows(IllegalStateException.class, () -> trainer().train(config(dir, "cut",
                "quantization.schedule={fp32Warmup: {steps: 4}, freezeObservers: {steps: 14}, freezeBatchNorm: {epochs: 1}}"),
                quiet().withResume(true)));
        assertTrue(other.getMessage().contains("differs"), other.getMessage());
    }

    @Test
    void startingOverARunWithCheckpointsNeedsResumeAndResumeNeedsTheSameConfig(@TempDir Path dir) throws Exception {
        trainer().train(config(dir, "r"), quiet().withMaxSteps(5));
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> trainer().train(config(dir, "r"), quiet()));
        assertTrue(again.getMessage().contains("--resume"), again.getMessage());
        IllegalStateException changed = assertThrows(IllegalStateException.class,
                () -> trainer().train(config(dir, "r", "training.batchSize=16"), quiet().withResume(true)));
        assertTrue(changed.getMessage().contains("differs"), changed.getMessage());
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> trainer().train(config(dir, "fresh"), quiet().withResume(true)));
        assertTrue(none.getMessage().contains("no checkpoint"), none.getMessage());
    }

    @Test
    void scheduleSwitchesQuantizationOnAndFreezesStatistics(@TempDir Path dir) throws Exception {
        List<double[]> ranges = new ArrayList<>();
        RunListener probe = new RunListener() {
            @Override
            public void onStep(Step step, ComputationGraph net, org.nd4j.linalg.dataset.api.MultiDataSet batch) {
                INDArray r = net.getLayer("L0_conv").getParam(QuantParams.OUTPUT_RANGE);
                INDArray v = net.getLayer("L0_conv").getParam(QuantParams.RUNNING_VAR);
                ranges.add(new double[] {r.getDouble(0), r.getDouble(1), r.getDouble(2), v.getDouble(0)});
            }
        };
        trainer().train(config(dir, "s"), quiet().withListeners(List.of(probe)));
        assertEquals(18, ranges.size());
        // observers saw steps 0..13 (14 batches), then froze
        assertEquals(14.0, ranges.get(17)[2]);
        assertEquals(ranges.get(13)[1], ranges.get(17)[1]);
        assertNotEquals(ranges.get(2)[1], ranges.get(13)[1]);
        // batch norm running variance changes until step 11, frozen from step 12
        assertNotEquals(ranges.get(10)[3], ranges.get(11)[3]);
        assertEquals(ranges.get(11)[3], ranges.get(17)[3]);
    }

    @Test
    void runFolderHoldsConfigCheckpointsModelMetricsAndTensorBoardEvents(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(console, true, StandardCharsets.UTF_8);
        TrainResult r = trainer().train(config(dir, "files"), new RunOptions(false, ps, false, List.of(), -1, false));
        RunDirectory run = r.run();
        assertEquals(dir.resolve("files"), run.root());
        assertTrue(Files.exists(run.config()));
        assertEquals(config(dir, "files"), ExperimentConfigLoader.load(run.config()));
        assertTrue(Files.exists(run.model()));
        assertTrue(Files.readString(run.metrics()).contains("\"testAccuracy\""));
        assertTrue(Files.exists(run.checkpoints().resolve("LATEST")));
        try (Stream<Path> files = Files.list(run.checkpoints())) {
            assertTrue(files.filter(p -> p.toString().endsWith(".zip")).count() <= 2, "keeps the newest two");
        }
        Path events;
        try (Stream<Path> files = Files.list(run.tensorboard())) {
            events = files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
        }
        java.util.Set<String> tags = new java.util.HashSet<>();
        for (org.tensorflow.proto.Event e : io.qat4j.training.tensorboard.TfRecordReader.readEvents(events)) {
            e.getSummary().getValueList().forEach(v -> tags.add(v.getTag()));
        }
        for (String t : List.of("train/loss", "train/learning_rate", "eval/test_accuracy", "quant/input_q/scale",
                "quant/L0_conv/min", "quant/L0_conv/max", "quant/L0_conv/scale", "quant/L0_conv/clipped_fraction",
                "quant/L0_conv/weight_scale_max", "quant/L2_dense/weight_scale_max", "quant/output/weight_scale_max",
                "weights/L0_conv", "activations/L0_conv", "weights/output")) {
            assertTrue(tags.contains(t), "missing TensorBoard tag " + t + " in " + tags);
        }
        // observers run during the float warm-up (steps 1..4), so the clipped fraction is logged there too
        assertTrue(tensorBoardScalars(run, "quant/L0_conv/clipped_fraction").containsKey(2L),
                tensorBoardScalars(run, "quant/L0_conv/clipped_fraction").toString());
        assertTrue(tensorBoardScalars(run, "quant/L2_dense/clipped_fraction").containsKey(2L));
        String out = console.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("epoch 1/3"), out);
        assertTrue(out.contains("loss"), out);
        assertTrue(out.contains("ex/s"), out);
        assertTrue(out.contains("ETA"), out);
        assertTrue(out.contains("test acc"), out);
        // the startup summary: model, schedule and data before the first step
        String summary = out.substring(0, out.indexOf("epoch 1/3"));
        assertTrue(summary.contains("L0_conv") && summary.contains("W4A8") && summary.contains("parameters"), summary);
        assertTrue(summary.contains("18 steps = 3 epochs x 6 batches of 32"), summary);
        assertTrue(summary.contains("float warm-up") && summary.contains("steps 0-3"), summary);
        assertTrue(summary.contains("observers frozen from step 14 (epoch 3, batch 3)"), summary);
        assertTrue(summary.contains("batch norm frozen from step 12 (epoch 3, batch 1)"), summary);
        assertTrue(summary.contains(slice.describe()), summary);
        // the progress lines name the phase of the step they report
        assertTrue(out.contains("step 2  float warm-up"), out);
        assertTrue(out.contains("step 6  quantizing"), out);
        assertTrue(out.contains("step 14  quantizing, BN frozen"), out);
        assertTrue(out.contains("step 16  quantizing, observers + BN frozen"), out);
        assertFalse(Double.isNaN(r.testAccuracy()));
        assertEquals(3, r.epochs().size());
    }
}
