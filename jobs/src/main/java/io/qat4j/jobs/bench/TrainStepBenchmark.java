package io.qat4j.jobs.bench;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.family.cnn.CnnModelConfig;
import io.qat4j.training.model.NetworkBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One training step (forward, backward, Adam update) of the network of a config, with fake
 * quantization on from the first step versus the same network with quantization off, fitted as
 * the trainers fit it ({@code ComputationGraph.fit(MultiDataSet)}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TrainStepBenchmark {

    /** Config whose network is measured. */
    @Param("configs/fashion-mnist-w8a8.yaml")
    public String config;

    /** Minibatch size. */
    @Param("64")
    public int batchSize;

    private ComputationGraph fp32;
    private ComputationGraph fakeQuant;
    private MultiDataSet batch;

    /** Builds both networks and a fixed minibatch. */
    @Setup(Level.Trial)
    public void setUp() {
        ExperimentConfig q = ExperimentConfigLoader.load(Path.of(config),
                List.of("quantization.enabled=true", "quantization.schedule.fp32WarmupSteps=0"));
        ExperimentConfig f = ExperimentConfigLoader.load(Path.of(config), List.of("quantization.enabled=false"));
        fakeQuant = new NetworkBuilder(q, 1000).build();
        fp32 = new NetworkBuilder(f, 1000).build();
        CnnModelConfig model = (CnnModelConfig) q.model();
        var in = model.input();
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, batchSize, in.channels(), in.height(), in.width());
        int classes = model.outputLayer().classes();
        INDArray y = Nd4j.zeros(DataType.FLOAT, batchSize, classes);
        for (int i = 0; i < batchSize; i++) {
            y.putScalar(i, i % classes, 1f);
        }
        batch = new MultiDataSet(x, y);
    }

    /** @return the score, so the step is not optimized away */
    @Benchmark
    public double fp32Step() {
        fp32.fit(batch);
        return fp32.score();
    }

    /** @return the score, so the step is not optimized away */
    @Benchmark
    public double fakeQuantStep() {
        fakeQuant.fit(batch);
        return fakeQuant.score();
    }
}
