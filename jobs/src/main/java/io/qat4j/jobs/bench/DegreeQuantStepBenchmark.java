package io.qat4j.jobs.bench;

import io.qat4j.graph.data.GraphBatch;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.MultiDataSet;
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
 * One training step (forward, backward, Adam update) of Degree-Quant's REDDIT-BINARY GIN on a
 * minibatch of REDDIT-BINARY-sized graphs ({@link RedditSizedGin}; the network of the shipped config) in FP32, plain QAT-INT8 and
 * Degree-Quant INT8, each step of the last drawing its own protective mask. Sampled per step
 * ({@link Mode#SampleTime}), so that {@code qat4j bench dq-step} prints medians and quartiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DegreeQuantStepBenchmark {

    /** The experiment config whose network is trained, relative to the working directory. */
    @Param(RedditSizedGin.CONFIG)
    public String config;

    /** Graphs per minibatch. */
    @Param("128")
    public int graphs;

    private GraphBatch batch;
    private ComputationGraph fp32;
    private ComputationGraph qat;
    private RedditSizedGin.Model degreeQuant;
    private MultiDataSet data;
    private MultiDataSet dqData;
    private long step;

    /** Builds the batch and the three networks from the same seed. */
    @Setup(Level.Trial)
    public void setUp() {
        batch = RedditSizedGin.batch(graphs, RedditSizedGin.NODES, RedditSizedGin.DIRECTED_EDGES, 42);
        data = RedditSizedGin.data(batch);
        dqData = RedditSizedGin.data(batch);
        Path c = Path.of(config);
        fp32 = RedditSizedGin.model(c, RedditSizedGin.Mode.FP32, 1).network();
        qat = RedditSizedGin.model(c, RedditSizedGin.Mode.QAT_INT8, 1).network();
        degreeQuant = RedditSizedGin.model(c, RedditSizedGin.Mode.DQ_INT8, 1);
    }

    /** @return the score, so the step is not optimized away */
    @Benchmark
    public double fp32Step() {
        fp32.fit(data);
        return fp32.score();
    }

    /** @return the score, so the step is not optimized away */
    @Benchmark
    public double qatInt8Step() {
        qat.fit(data);
        return qat.score();
    }

    /** @return the score, so the step is not optimized away */
    @Benchmark
    public double degreeQuantInt8Step() {
        degreeQuant.drawMask(dqData, batch, step++);
        degreeQuant.network().fit(dqData);
        return degreeQuant.network().score();
    }
}
