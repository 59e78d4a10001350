package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.LrScheduleConfig;
import io.qat4j.training.data.graph.SyntheticLinqs;
import io.qat4j.training.model.NetworkBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * {@code lrSchedule: {type: step, stepEpochs: n}} decays at epoch boundaries: with b batches per
 * epoch the learning rate of step s is {@code lr * gamma^floor(s / (n b))} (PyTorch's
 * {@code StepLR} stepped once per epoch); {@code stepSize} counts optimizer steps as before.
 */
class LrStepScheduleTest {

    private static final double LR = 0.01;

    /** @return the learning rate of the output layer at the given step of a network built with b batches per epoch */
    private static double lrAt(ComputationGraph net, int step) {
        net.getConfiguration().setIterationCount(step);
        return net.getLearningRate(NetworkBuilder.OUTPUT);
    }

    @Test
    void stepEpochsBecomeStepsWithTheBatchesPerEpoch(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        ExperimentConfig cfg = GnnRunTestConfigs.gcn(data, dir.resolve("runs"),
                GnnRunTestConfigs.ADAM + "  epochs: 20\n  lrSchedule: {type: step, stepEpochs: 4, gamma: 0.5}");
        assertEquals(LrScheduleConfig.Step.everyEpochs(4, 0.5), cfg.training().lrSchedule());
        // 3 batches per epoch: decays after steps 12, 24, 36 (epochs 4, 8, 12)
        ComputationGraph net = new NetworkBuilder(cfg, 3).build();
        int[] steps = {0, 11, 12, 23, 24, 35, 36};
        double[] expected = {LR, LR, LR / 2, LR / 2, LR / 4, LR / 4, LR / 8};
        for (int i = 0; i < steps.length; i++) {
            assertEquals(expected[i], lrAt(net, steps[i]), 1e-12, "step " + steps[i]);
        }
    }

    @Test
    void stepSizeStillCountsOptimizerSteps(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        ExperimentConfig cfg = GnnRunTestConfigs.gcn(data, dir.resolve("runs"),
                GnnRunTestConfigs.ADAM + "  epochs: 20\n  lrSchedule: {type: step, stepSize: 4, gamma: 0.5}");
        ComputationGraph net = new NetworkBuilder(cfg, 3).build();
        assertEquals(LR, lrAt(net, 3), 1e-12);
        assertEquals(LR / 2, lrAt(net, 4), 1e-12);
        assertEquals(LR / 2, lrAt(net, 7), 1e-12);
        assertEquals(LR / 4, lrAt(net, 8), 1e-12);
    }

    @Test
    void aRunTrainsWithTheDecayedRateFromTheEpochBoundary(@TempDir Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        ExperimentConfig cfg = GnnRunTestConfigs.gcn(data, dir.resolve("runs"),
                GnnRunTestConfigs.ADAM + "  epochs: 6\n  lrSchedule: {type: step, stepEpochs: 2, gamma: 0.5}");
        List<Double> rates = new ArrayList<>();
        RunListener record = new RunListener() {
            @Override
            public void onStep(Step step, ComputationGraph net, MultiDataSet batch) {
                rates.add(step.learningRate());
            }
        };
        new LocalTrainer().train(cfg, new RunOptions(false, null, false, List.of(record), -1, false));
        // one full-graph step per epoch
        List<Double> expected = List.of(LR, LR, LR / 2, LR / 2, LR / 4, LR / 4);
        assertEquals(expected.size(), rates.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), rates.get(i), 1e-9, "step " + (i + 1));
        }
    }
}
