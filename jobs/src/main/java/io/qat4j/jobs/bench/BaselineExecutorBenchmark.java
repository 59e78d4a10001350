package io.qat4j.jobs.bench;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
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
 * Another build of the int8 executor (an {@code int8-executor} jar of an earlier commit, which has
 * no dependencies), loaded in a class loader of its own, on the same run's artifact and the same
 * random batch as {@link ExecutorBenchmark}, so that a speed-up is a ratio measured in one JMH
 * run. One thread: the earlier executor ran a batch on the calling thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BaselineExecutorBenchmark {

    /** Run folder with model.qat4j. */
    @Param("runs/fashion-mnist-w8a8")
    public String run;

    /** Path of the other build's int8-executor jar. */
    @Param("")
    public String baselineJar;

    /** Batch size. */
    @Param({"1", "64", "256"})
    public int batch;

    private URLClassLoader loader;
    private Object executor;
    private Method runMethod;
    private float[] input;

    /**
     * The benchmark's state outside JMH, for {@link PairedSpeedRatio}'s rounds.
     *
     * @param run run folder with model.qat4j
     * @param baselineJar the other build's int8-executor jar
     * @param batch batch size
     * @return the state, set up
     * @throws Exception if the jar or the artifact cannot be loaded
     */
    public static BaselineExecutorBenchmark of(String run, String baselineJar, int batch) throws Exception {
        BaselineExecutorBenchmark b = new BaselineExecutorBenchmark();
        b.run = run;
        b.baselineJar = baselineJar;
        b.batch = batch;
        b.setUp();
        return b;
    }

    /**
     * Loads the other build's {@code Int8Executor} and the run's artifact into it.
     *
     * @throws Exception if the jar or the artifact cannot be loaded
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        loader = new URLClassLoader(new URL[] {Path.of(baselineJar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> c = Class.forName("io.qat4j.executor.runtime.Int8Executor", true, loader);
        executor = c.getMethod("load", Path.class).invoke(null, ExecutorBenchmark.artifact(Path.of(run)));
        runMethod = c.getMethod("run", float[].class, int.class);
        int size = (int) c.getMethod("inputSize").invoke(executor);
        input = ExecutorBenchmark.randomBatch(batch * size);
    }

    /**
     * Closes the other build's class loader (its jar file).
     *
     * @throws IOException if closing fails
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (loader != null) {
            loader.close();
        }
    }

    /**
     * @return the output record, so the work is not optimized away
     * @throws Exception if the run fails
     */
    @Benchmark
    public Object baselineInt8Executor() throws Exception {
        return runMethod.invoke(executor, input, batch);
    }
}
