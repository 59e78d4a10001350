package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.qat4j.quant.layers.QuantizedLayer;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.data.ImageDataset;
import io.qat4j.training.data.SyntheticIdx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs every {@code ./qat4j train ...} line of README's "Using it" block, with its overrides, on a
 * tiny dataset of Fashion-MNIST's shape (2 batches of 128 per epoch, so a whole run is a few steps),
 * and checks the phase each run reaches: the float baseline stays in float, and every quantized
 * example fake-quantizes (README's W4A8 quick example with {@code --set training.epochs=2} used to
 * train in float from start to end, its 938-step warm-up as long as the run).
 */
class ReadmeQuickExamplesTest {

    private static final int TRAIN = 256;
    private static final int TEST = 64;

    /** One README command: the config, its overrides, and whether it resumes. */
    record Example(String line, Path config, List<String> overrides, boolean resume) {
    }

    static List<Example> examples() throws Exception {
        Path readme = Files.isRegularFile(Path.of("../README.md")) ? Path.of("../README.md") : Path.of("README.md");
        Path root = readme.toAbsolutePath().getParent();
        String text = Files.readString(readme);
        int using = text.indexOf("## Using it");
        int start = text.indexOf("```bash\n", using);
        int end = text.indexOf("```\n", start + 8);
        assertTrue(using >= 0 && start > using && end > start, "README has a ```bash block under \"## Using it\"");
        List<Example> out = new ArrayList<>();
        for (String line : text.substring(start + 8, end).split("\n")) {
            String command = line.replaceAll("\\s+#.*$", "").strip();
            if (!command.startsWith("./qat4j train ")) {
                continue;
            }
            List<String> words = Arrays.asList(command.split("\\s+"));
            List<String> overrides = new ArrayList<>();
            boolean resume = false;
            for (int i = 3; i < words.size(); i++) {
                switch (words.get(i)) {
                    case "--set" -> overrides.add(words.get(++i));
                    case "--resume" -> resume = true;
                    default -> fail("README example `" + command + "` has an option this test does not know: " + words.get(i));
                }
            }
            out.add(new Example(command, root.resolve(words.get(2)), overrides, resume));
        }
        assertTrue(out.size() >= 3, "README's quick examples: " + out);
        return out;
    }

    /** Writes 28x28 grey images of 10 classes (seeded noise) as the four IDX files of Fashion-MNIST. */
    private static Path tinyFashionMnist(Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("fashion-mnist"));
        Random r = new Random(7);
        for (String split : List.of("train", "t10k")) {
            int n = split.equals("train") ? TRAIN : TEST;
            byte[] pixels = new byte[n * 28 * 28];
            r.nextBytes(pixels);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % 10;
            }
            SyntheticIdx.write(new ImageDataset(1, 28, 28, pixels, labels, 10),
                    folder.resolve(split + "-images-idx3-ubyte"), folder.resolve(split + "-labels-idx1-ubyte"), false);
        }
        return folder;
    }

    @Test
    void everyQuickExampleReachesTheExpectedPhase(@TempDir Path dir) throws Exception {
        Path data = tinyFashionMnist(dir);
        for (Example e : examples()) {
            List<String> overrides = new ArrayList<>(e.overrides());
            overrides.add("dataset.path=" + data);
            overrides.add("output.dir=" + dir.resolve("runs"));
            ExperimentConfig cfg = ExperimentConfigLoader.load(e.config(), overrides);
            long total = (long) (TRAIN / cfg.training().batchSize()) * cfg.training().epochs();
            LocalTrainer trainer = new LocalTrainer();
            if (e.resume()) {
                // README resumes a run interrupted earlier: interrupt it halfway first
                trainer.train(cfg, new RunOptions(false, null, false, List.of(), total / 2, false));
            }
            TrainResult r = trainer.train(cfg, new RunOptions(e.resume(), null, false, List.of(), -1, false));
            assertEquals(total, r.steps(), e.line());
            ComputationGraph net = r.network();
            QuantSchedule schedule = schedule(net);
            long last = r.steps() - 1;
            int distinct = distinctOutputs(net, "L0_conv");
            if (cfg.quantization().enabled()) {
                assertTrue(schedule.quantizing(last), e.line() + ": never fake-quantized in " + total + " steps: " + schedule);
                assertEquals(QuantSchedule.Phase.FROZEN, schedule.phase(last), e.line() + ": " + schedule);
                assertTrue(distinct <= 1 << cfg.quantization().activations().bits(),
                        e.line() + ": L0_conv outputs " + distinct + " distinct values, not fake-quantized");
            } else {
                assertEquals(QuantSchedule.Phase.FLOAT_WARMUP, schedule.phase(last), e.line());
                assertTrue(distinct > 256, e.line() + ": the float baseline outputs only " + distinct + " distinct values");
            }
        }
    }

    /** @return the schedule shared by the network's quantized layers */
    private static QuantSchedule schedule(ComputationGraph net) {
        Set<QuantSchedule> schedules = new HashSet<>();
        for (var v : net.getConfiguration().getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof QuantizedLayer q) {
                schedules.add(q.schedule());
            }
        }
        assertEquals(1, schedules.size(), "one schedule for all quantized layers: " + schedules);
        return schedules.iterator().next();
    }

    private static int distinctOutputs(ComputationGraph net, String vertex) {
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28);
        float[] out = net.feedForward(x, false).get(vertex).dup().data().asFloat();
        Set<Float> values = new HashSet<>();
        for (float v : out) {
            values.add(v);
        }
        assertFalse(values.isEmpty());
        return values.size();
    }
}
