package io.qat4j.jobs.bench;

import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.quant.layers.Schedules;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.report.RunExport;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 * ND4J FP32 inference of a trained run's network (quantization off, DL4J's layers on oneDNN), per
 * batch, beside {@link ExecutorBenchmark}. Its thread count is ND4J's own, fixed when the JVM
 * starts ({@code OMP_NUM_THREADS}, default the available cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Nd4jInferenceBenchmark {

    /** Run folder with model.zip. */
    @Param("runs/fashion-mnist-w8a8")
    public String run;

    /** Batch size. */
    @Param({"1", "64", "256"})
    public int batch;

    private ComputationGraph fp32;
    private INDArray input;

    /**
     * Loads the run's network without quantization and the benchmark's random batch.
     *
     * @throws Exception if the run cannot be loaded
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fp32 = Schedules.withSchedule(RunExport.load(Path.of(run)).network(), QuantSchedule.NEVER);
        int[] s = Int8Executor.load(ExecutorBenchmark.artifact(Path.of(run))).inputShape();
        input = Nd4j.create(ExecutorBenchmark.randomBatch(batch * s[0] * s[1] * s[2]), new long[] {batch, s[0], s[1], s[2]}, 'c');
    }

    /** @return the output, so the work is not optimized away */
    @Benchmark
    public INDArray nd4jFp32() {
        return fp32.outputSingle(false, input);
    }
}
