package io.qat4j.jobs;

import io.qat4j.jobs.bench.BaselineExecutorBenchmark;
import io.qat4j.jobs.bench.DegreeQuantStepBenchmark;
import io.qat4j.jobs.bench.ExecutorBenchmark;
import io.qat4j.jobs.bench.PairedSpeedRatio;
import io.qat4j.jobs.bench.RedditSizedGin;
import io.qat4j.jobs.bench.TrainStepBenchmark;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qat4j bench train-step}: JMH measurement of a fake-quant training step against the FP32
 * step of the same network, printing their ratio; {@code bench executor}: the int8 executor
 * against ONNX Runtime (int8 and FP32, on our ONNX export) and ND4J FP32 inference; {@code bench dq-step}: Degree-Quant's REDDIT-BINARY GIN training
 * step in DQ-INT8 and QAT-INT8 against FP32 ({@link DegreeQuantStepBenchmark}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a JMH benchmark and print the ratios it measures.%n"
                + "  train-step  fake-quant training step / FP32 training step of the same network%n"
                + "  executor    int8 executor vs ONNX Runtime int8 and FP32 (its ONNX export; 1 and 2 threads) and ND4J FP32,%n"
                + "              batch 1, 64 and 256, on a trained run%n"
                + "  dq-step     Degree-Quant INT8 and QAT-INT8 training steps / FP32 step of the REDDIT-BINARY GIN%n"
                + "  gin         graphs/s of the int8 executor and of DL4J FP32 on Degree-Quant's REDDIT-BINARY GIN, random graphs",
        footer = "%n" + ExitCodes.HELP)
final class BenchCommand implements Callable<Integer> {

    private static final String TRAIN_STEP_CONFIG = "configs/fashion-mnist-w8a8.yaml";

    @Parameters(index = "0", paramLabel = "BENCHMARK", description = "train-step, executor, dq-step or gin")
    String benchmark;

    @Option(names = "--run", description = "Run folder for the executor benchmark (default: ${DEFAULT-VALUE})")
    String run = "runs/fashion-mnist-w8a8";

    @Option(names = "--config", description = "Config whose network is measured (default: "
            + TRAIN_STEP_CONFIG + " for train-step, " + RedditSizedGin.CONFIG + " for dq-step and gin)")
    String config;

    @Option(names = "--batch", description = "Minibatch size (default: ${DEFAULT-VALUE})")
    int batch = 64;

    @Option(names = "--baseline-jar", paramLabel = "JAR", description = "executor: also time this int8-executor jar of another "
            + "build (e.g. an earlier commit's int8-executor/target/int8-executor-*.jar) on the same artifact, 1 thread")
    java.nio.file.Path baselineJar;

    @Option(names = "--iterations", description = "Measurement iterations of 5 s each (default: ${DEFAULT-VALUE})")
    int iterations = 5;

    @Option(names = "--paired", paramLabel = "ROUNDS", description = "executor: after JMH, also measure the speed ratios in "
            + "ROUNDS alternating rounds of 300 ms per engine (executor vs ONNX Runtime int8 at 1 and 2 threads, executor 2 vs 1 "
            + "thread, executor vs --baseline-jar), which a drifting host does not bias; 0 for none (default: ${DEFAULT-VALUE})")
    int paired = 0;

    @Option(names = "--warmup", description = "Warm-up iterations of dq-step (5 s each) and executor (3 s each) (default: ${DEFAULT-VALUE})")
    int warmup = 3;

    @Option(names = "--graphs", description = "Graphs per minibatch of dq-step (default: ${DEFAULT-VALUE})")
    int graphs = 128;

    @Override
    public Integer call() throws Exception {
        if ("executor".equals(benchmark)) {
            return executor();
        }
        if ("dq-step".equals(benchmark)) {
            return degreeQuantStep();
        }
        if ("gin".equals(benchmark)) {
            return gin();
        }
        if (!"train-step".equals(benchmark)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "unknown benchmark '" + benchmark + "'; known: train-step, executor, dq-step, gin");
        }
        Options opt = new OptionsBuilder()
                .include(TrainStepBenchmark.class.getName())
                .param("config", config == null ? TRAIN_STEP_CONFIG : config)
                .param("batchSize", Integer.toString(batch))
                .forks(1)
                .jvmArgsAppend("-Xmx4g")
                .warmupIterations(3).warmupTime(TimeValue.seconds(5))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(5))
                .build();
        Collection<RunResult> results = new Runner(opt).run();
        double fp32 = Double.NaN;
        double fq = Double.NaN;
        double fp32Err = Double.NaN;
        double fqErr = Double.NaN;
        for (RunResult r : results) {
            String label = r.getPrimaryResult().getLabel();
            double score = r.getPrimaryResult().getScore();
            double err = r.getPrimaryResult().getScoreError();
            if (label.equals("fp32Step")) {
                fp32 = score;
                fp32Err = err;
            } else if (label.equals("fakeQuantStep")) {
                fq = score;
                fqErr = err;
            }
        }
        System.out.printf(Locale.ROOT, "%nfp32 step:       %.2f ms (99.9%% CI ±%.2f)%n", fp32, fp32Err);
        System.out.printf(Locale.ROOT, "fake-quant step: %.2f ms (99.9%% CI ±%.2f)%n", fq, fqErr);
        System.out.printf(Locale.ROOT, "ratio fake-quant / fp32: %.3f%n", fq / fp32);
        return ExitCodes.OK;
    }

    /**
     * Graphs per second of both, each with its 99.9% confidence interval, and their ratio with the
     * range the two intervals allow.
     */
    private Integer gin() throws Exception {
        Options opt = new OptionsBuilder()
                .include(io.qat4j.jobs.bench.GinInferenceBenchmark.class.getName())
                .param("config", gnnConfig())
                .forks(1)
                .jvmArgsAppend("-Xmx8g")
                .warmupIterations(2).warmupTime(TimeValue.seconds(5))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(5))
                .build();
        double[] ex = {Double.NaN, Double.NaN};
        double[] dl = {Double.NaN, Double.NaN};
        int graphs = 0;
        for (RunResult r : new Runner(opt).run()) {
            graphs = Integer.parseInt(r.getParams().getParam("graphs"));
            double[] s = {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()};
            if (r.getPrimaryResult().getLabel().equals("int8Executor")) {
                ex = s;
            } else {
                dl = s;
            }
        }
        // batches/s times graphs per batch
        System.out.printf(Locale.ROOT, "%nint8 executor: %10.1f graphs/s (99.9%% CI ±%.1f)%n", ex[0] * graphs, ex[1] * graphs);
        System.out.printf(Locale.ROOT, "DL4J FP32:     %10.1f graphs/s (99.9%% CI ±%.1f)%n", dl[0] * graphs, dl[1] * graphs);
        System.out.printf(Locale.ROOT, "executor / DL4J FP32: %.2f (%.2f to %.2f within the intervals)%n", ex[0] / dl[0],
                (ex[0] - ex[1]) / (dl[0] + dl[1]), (ex[0] + ex[1]) / (dl[0] - dl[1]));
        return ExitCodes.OK;
    }

    /**
     * One JMH run of {@link io.qat4j.jobs.bench.ExecutorBenchmark} (int8 executor, ONNX Runtime int8
     * and FP32, 1 and 2 threads) and {@link io.qat4j.jobs.bench.Nd4jInferenceBenchmark} at batch 1, 64
     * and 256: per engine the median time per batch with its quartiles, then the ratios of medians
     * with the range the quartiles allow.
     */
    private Integer executor() throws Exception {
        OptionsBuilder builder = new OptionsBuilder();
        builder.include(io.qat4j.jobs.bench.ExecutorBenchmark.class.getName() + "\\.")
                .include(io.qat4j.jobs.bench.Nd4jInferenceBenchmark.class.getName() + "\\.");
        if (baselineJar != null) {
            builder.include(io.qat4j.jobs.bench.BaselineExecutorBenchmark.class.getName() + "\\.")
                    .param("baselineJar", baselineJar.toAbsolutePath().toString());
        }
        Options opt = builder
                .param("run", run)
                .forks(1)
                .jvmArgsAppend("-Xmx4g")
                .warmupIterations(warmup).warmupTime(TimeValue.seconds(3))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(3))
                .build();
        Map<String, Statistics> stats = new HashMap<>();
        for (RunResult r : new Runner(opt).run()) {
            String threads = r.getParams().getParam("threads");
            stats.put(r.getPrimaryResult().getLabel() + "@" + r.getParams().getParam("batch") + "x" + (threads == null ? "nd4j" : threads),
                    r.getPrimaryResult().getStatistics());
        }
        System.out.printf(Locale.ROOT, "%n%s; int8 executor matrix path: %s; ONNX Runtime %s (CPU); ND4J threads: its own "
                + "(OMP_NUM_THREADS=%s)%n", run, io.qat4j.executor.kernel.ByteKernels.executorPath(),
                ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion(), System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        System.out.printf(Locale.ROOT, "%-6s %-8s %-22s %12s %25s%n", "batch", "threads", "engine", "median us", "quartiles us");
        String[][] engines = {{"int8Executor", "int8 executor"}, {"onnxRuntimeInt8", "ONNX Runtime int8"},
            {"onnxRuntimeFp32", "ONNX Runtime FP32"}};
        for (String b : new String[] {"1", "64", "256"}) {
            for (String t : new String[] {"1", "2"}) {
                for (String[] e : engines) {
                    printRow(b, t, e[1], stats.get(e[0] + "@" + b + "x" + t));
                }
            }
            printRow(b, "ND4J's", "ND4J FP32 (oneDNN)", stats.get("nd4jFp32@" + b + "xnd4j"));
            printRow(b, "1", "baseline int8 executor", stats.get("baselineInt8Executor@" + b + "xnd4j"));
        }
        System.out.println();
        for (String b : new String[] {"1", "64", "256"}) {
            for (String t : new String[] {"1", "2"}) {
                printRatio("batch " + b + ", " + t + " thread(s): executor speed / ONNX Runtime int8",
                        stats.get("onnxRuntimeInt8@" + b + "x" + t), stats.get("int8Executor@" + b + "x" + t));
            }
        }
        for (String b : new String[] {"1", "64", "256"}) {
            printRatio("batch " + b + ": executor speed / baseline jar's (1 thread each)", stats.get("baselineInt8Executor@" + b + "xnd4j"),
                    stats.get("int8Executor@" + b + "x1"));
        }
        for (String b : new String[] {"64", "256"}) {
            printRatio("batch " + b + ": executor 2 threads / 1 thread throughput", stats.get("int8Executor@" + b + "x1"),
                    stats.get("int8Executor@" + b + "x2"));
        }
        if (paired > 0) {
            pairedRatios();
        }
        return ExitCodes.OK;
    }

    /**
     * The ratios again in alternating rounds ({@link PairedSpeedRatio}): executor vs ORT int8, 2 vs 1
     * thread, and with {@code --baseline-jar} executor vs the other build.
     */
    private void pairedRatios() throws Exception {
        PairedSpeedRatio design = new PairedSpeedRatio(paired, 300, 5, 200);
        System.out.printf(Locale.ROOT, "%nPaired rounds (%d of %d ms per engine after %d warm-up rounds and each engine alone until"
                + " %d rounds in a row are within a factor %.1f, at most %d; median ratio per round, quartiles):%n", design.rounds(),
                design.roundMillis(), design.warmupRounds(), PairedSpeedRatio.STEADY_WINDOW, PairedSpeedRatio.STEADY_SPREAD,
                design.maxWarmupRounds());
        for (int b : new int[] {1, 64, 256}) {
            ExecutorBenchmark one = ExecutorBenchmark.of(run, b, 1);
            ExecutorBenchmark two = ExecutorBenchmark.of(run, b, 2);
            try {
                for (ExecutorBenchmark e : new ExecutorBenchmark[] {one, two}) {
                    System.out.printf(Locale.ROOT, "batch %d, %d thread(s): executor speed / ONNX Runtime int8: %s%n", b, e.threads,
                            design.measure(e::int8Executor, e::onnxRuntimeInt8));
                }
                if (b > 1) {
                    System.out.printf(Locale.ROOT, "batch %d: executor 2 threads / 1 thread throughput: %s%n", b,
                            design.measure(two::int8Executor, one::int8Executor));
                }
                if (baselineJar != null) {
                    BaselineExecutorBenchmark baseline = BaselineExecutorBenchmark.of(run, baselineJar.toAbsolutePath().toString(), b);
                    try {
                        System.out.printf(Locale.ROOT, "batch %d: executor speed / baseline jar's (1 thread each): %s%n", b,
                                design.measure(one::int8Executor, baseline::baselineInt8Executor));
                    } finally {
                        baseline.tearDown();
                    }
                }
            } finally {
                one.tearDown();
                two.tearDown();
            }
        }
    }

    private static void printRow(String batch, String threads, String engine, Statistics s) {
        if (s != null) {
            System.out.printf(Locale.ROOT, "%-6s %-8s %-22s %12.1f %12.1f-%12.1f%n", batch, threads, engine, s.getPercentile(50),
                    s.getPercentile(25), s.getPercentile(75));
        }
    }

    /** Prints {@code median(slow) / median(fast)}: how many times faster {@code fast} is, with the quartile range. */
    private static void printRatio(String what, Statistics slow, Statistics fast) {
        if (slow != null && fast != null) {
            System.out.printf(Locale.ROOT, "%s: %.2f (quartile range %.2f-%.2f)%n", what, slow.getPercentile(50) / fast.getPercentile(50),
                    slow.getPercentile(25) / fast.getPercentile(75), slow.getPercentile(75) / fast.getPercentile(25));
        }
    }

    /**
     * Times training steps of {@link DegreeQuantStepBenchmark}: per mode the median with the
     * quartiles and extremes of the sampled steps, then the ratios of the medians to FP32's with the
     * range the quartiles allow ({@code q1 / fp32 q3} to {@code q3 / fp32 q1}).
     */
    private Integer degreeQuantStep() throws Exception {
        Options opt = new OptionsBuilder()
                .include(DegreeQuantStepBenchmark.class.getName())
                .param("config", gnnConfig())
                .param("graphs", Integer.toString(graphs))
                .forks(1)
                .jvmArgsAppend("-Xmx4g")
                .warmupIterations(warmup).warmupTime(TimeValue.seconds(5))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(5))
                .build();
        Map<String, Statistics> stats = new HashMap<>();
        for (RunResult r : new Runner(opt).run()) {
            stats.put(r.getPrimaryResult().getLabel(), r.getPrimaryResult().getStatistics());
        }
        System.out.printf(Locale.ROOT, "%nthe network of %s; %d REDDIT-BINARY-sized graphs per step%n", gnnConfig(),
                graphs);
        String[][] modes = {{"fp32Step", "FP32"}, {"qatInt8Step", "QAT-INT8"}, {"degreeQuantInt8Step", "DQ-INT8"}};
        for (String[] m : modes) {
            Statistics s = stats.get(m[0]);
            System.out.printf(Locale.ROOT, "%-9s step: median %8.2f ms  quartiles %8.2f-%8.2f  min-max %8.2f-%8.2f  (%d steps)%n",
                    m[1], s.getPercentile(50), s.getPercentile(25), s.getPercentile(75), s.getMin(), s.getMax(), s.getN());
        }
        Statistics f = stats.get("fp32Step");
        for (String[] m : new String[][] {modes[2], modes[1]}) {
            Statistics s = stats.get(m[0]);
            System.out.printf(Locale.ROOT, "ratio %s / FP32: %.3f (medians; quartile range %.3f-%.3f)%n", m[1],
                    s.getPercentile(50) / f.getPercentile(50), s.getPercentile(25) / f.getPercentile(75),
                    s.getPercentile(75) / f.getPercentile(25));
        }
        return ExitCodes.OK;
    }

    private String gnnConfig() {
        return config == null ? RedditSizedGin.CONFIG : config;
    }
}
