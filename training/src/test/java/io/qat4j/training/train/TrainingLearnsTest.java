package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.data.FashionMnist;
import io.qat4j.training.data.ImageTaskData;
import io.qat4j.training.data.RequiresData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training learns: 300 steps of W8A8 quantization-aware training (quantizing from step 100) of a
 * small CNN on real Fashion-MNIST reach a test accuracy far above chance (10%).
 *
 * <p>The bound, 70%, is far below what the task gives and far above what a broken training gives:
 * a linear classifier of the raw pixels reaches about 84% on Fashion-MNIST (Xiao, Rasul and
 * Vollgraf 2017, benchmark table: LogisticRegression 0.842), and a network whose gradients,
 * straight-through estimator, optimizer or data pipeline is broken stays near 10%, or a few points
 * above it when only part of it learns.
 */
class TrainingLearnsTest {

    @Test
    void threeHundredQuantizedStepsOnRealDataBeatChanceByFar(@TempDir Path dir) throws Exception {
        FashionMnist fm = FashionMnist.load(RequiresData.fashionMnist());
        ImageTaskData data = new ImageTaskData(fm.train().subset(0, 300 * 64), null, fm.test());
        String yaml = """
                name: learns
                seed: 3
                dataset: fashion-mnist
                model:
                  input: {channels: 1, height: 28, width: 28}
                  layers:
                    - {type: conv2d, filters: 8, kernel: 3, padding: same, batchNorm: true}
                    - {type: maxpool, kernel: 2}
                    - {type: dense, units: 32}
                    - {type: output, classes: 10}
                quantization:
                  enabled: true
                  schedule: {fp32WarmupSteps: 100}
                training:
                  epochs: 1
                  batchSize: 64
                  optimizer: {type: adam, learningRate: 0.002}
                output: {dir: '%s', tensorboard: false}
                """.formatted(dir.toString().replace("'", "''"));
        ExperimentConfig config = ExperimentConfigLoader.parse(yaml, "learns.yaml", List.of());
        TrainResult r = new LocalTrainer(c -> data).train(config, LocalTrainerTest.quiet());
        assertTrue(r.steps() == 300, "steps " + r.steps());
        assertTrue(r.testAccuracy() >= 0.70, "test accuracy after 300 steps: " + r.testAccuracy());
    }
}
