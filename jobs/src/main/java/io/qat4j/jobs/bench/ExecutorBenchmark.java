package io.qat4j.jobs.bench;

import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.jobs.onnx.OnnxRuntimeModel;
import io.qat4j.quant.onnx.OnnxExporter;
import io.qat4j.quant.onnx.OnnxForm;
import io.qat4j.training.report.RunExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Integer inference of a trained run, per batch: the int8 executor on its artifact against ONNX
 * Runtime on the artifact's ONNX export ({@link OnnxForm#QOPERATOR}: QLinearConv with uint8
 * activations, MLAS's integer kernels) and on the float network it quantizes
 * ({@link OnnxForm#FLOAT}), each with the same number of threads. The same random batch in
 * {@code [0, 1)} for all. Sampled per call, so medians and quartiles can be printed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExecutorBenchmark {

    /** Run folder with model.zip (model.qat4j is exported when missing). */
    @Param("runs/fashion-mnist-w8a8")
    public String run;

    /** Batch size. */
    @Param({"1", "64", "256"})
    public int batch;

    /** Threads of the executor and of ONNX Runtime's intra-op pool. */
    @Param({"1", "2"})
    public int threads;

    private Int8Executor executor;
    private OnnxRuntimeModel onnxInt8;
    private OnnxRuntimeModel onnxFloat;
    private float[] input;
    private long[] shape;

    /**
     * Loads the run's artifact (exporting it when missing), its two ONNX forms, and a random batch.
     *
     * @throws Exception if the run cannot be loaded or ONNX Runtime refuses a model
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path artifact = artifact(Path.of(run));
        LoadedArtifact a = ArtifactReader.read(artifact);
        executor = Int8Executor.of(a, artifact.toString()).withThreads(threads);
        String output = a.model().tensor(a.model().graphOutputs()[0]).orElseThrow().name();
        onnxInt8 = new OnnxRuntimeModel(OnnxExporter.toBytes(a, OnnxForm.QOPERATOR), threads, output);
        onnxFloat = new OnnxRuntimeModel(OnnxExporter.toBytes(a, OnnxForm.FLOAT), threads, output);
        int[] s = executor.inputShape();
        shape = new long[] {batch, s[0], s[1], s[2]};
        input = randomBatch(batch * executor.inputSize());
    }

    /**
     * A set-up instance outside JMH ({@code bench executor --paired}).
     *
     * @param run run folder
     * @param batch batch size
     * @param threads threads of both engines
     * @return the benchmark state, set up
     * @throws Exception if the run cannot be loaded or ONNX Runtime refuses a model
     */
    public static ExecutorBenchmark of(String run, int batch, int threads) throws Exception {
        ExecutorBenchmark b = new ExecutorBenchmark();
        b.run = run;
        b.batch = batch;
        b.threads = threads;
        b.setUp();
        return b;
    }

    static Path artifact(Path run) throws Exception {
        Path artifact = run.resolve(RunExport.ARTIFACT);
        return Files.exists(artifact) ? artifact : RunExport.export(RunExport.load(run));
    }

    static float[] randomBatch(int size) {
        Random r = new Random(1);
        float[] x = new float[size];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    /** @throws Exception if a session does not close */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        onnxInt8.close();
        onnxFloat.close();
    }

    /** @return the predictions, so the work is not optimized away */
    @Benchmark
    public int[] int8Executor() {
        return executor.run(input, batch).predictions();
    }

    /**
     * @return the logits
     * @throws Exception if ONNX Runtime fails
     */
    @Benchmark
    public float[] onnxRuntimeInt8() throws Exception {
        return onnxInt8.run(input, shape);
    }

    /**
     * @return the logits
     * @throws Exception if ONNX Runtime fails
     */
    @Benchmark
    public float[] onnxRuntimeFp32() throws Exception {
        return onnxFloat.run(input, shape);
    }
}
