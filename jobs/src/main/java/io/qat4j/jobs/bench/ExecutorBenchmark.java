package io.qat4j.jobs.bench;

import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.quant.layers.Schedules;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.report.RunExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
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
 * Inference of a trained run: the int8 executor on its artifact against ND4J FP32 inference of the
 * same network (quantization off), at a given batch size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExecutorBenchmark {

    /** Run folder with model.zip (model.qat4j is exported when missing). */
    @Param("runs/fashion-mnist-w8a8")
    public String run;

    /** Batch size. */
    @Param({"1", "64"})
    public int batch;

    private Int8Executor executor;
    private ComputationGraph fp32;
    private float[] input;
    private INDArray inputArray;

    /** Loads the run, exports it if needed, and prepares a fixed random batch. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RunExport.Run r = RunExport.load(Path.of(run));
        Path artifact = Path.of(run, RunExport.ARTIFACT);
        if (!Files.exists(artifact)) {
            artifact = RunExport.export(r);
        }
        executor = Int8Executor.load(artifact);
        fp32 = Schedules.withSchedule(r.network(), QuantSchedule.NEVER);
        int[] s = executor.inputShape();
        Nd4j.getRandom().setSeed(1);
        inputArray = Nd4j.rand(DataType.FLOAT, batch, s[0], s[1], s[2]);
        input = inputArray.dup('c').data().asFloat();
    }

    /** @return the predictions, so the work is not optimized away */
    @Benchmark
    public int[] int8Executor() {
        return executor.run(input, batch).predictions();
    }

    /** @return the output, so the work is not optimized away */
    @Benchmark
    public INDArray nd4jFp32() {
        return fp32.outputSingle(false, inputArray);
    }
}
