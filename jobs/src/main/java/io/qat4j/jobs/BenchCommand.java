package io.qat4j.jobs;

import io.qat4j.jobs.bench.TrainStepBenchmark;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qat4j bench train-step}: JMH measurement of a fake-quant training step against the FP32
 * step of the same network, printing their ratio.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a JMH benchmark and print the ratios it measures.%n"
                + "  train-step  fake-quant training step / FP32 training step of the same network",
        footer = "%n" + ExitCodes.HELP)
final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "BENCHMARK", description = "train-step")
    String benchmark;

    @Option(names = "--config", description = "Config whose network is measured (default: ${DEFAULT-VALUE})")
    String config = "configs/fashion-mnist-w8a8.yaml";

    @Option(names = "--batch", description = "Minibatch size (default: ${DEFAULT-VALUE})")
    int batch = 64;

    @Option(names = "--iterations", description = "Measurement iterations of 5 s each (default: ${DEFAULT-VALUE})")
    int iterations = 5;

    @Override
    public Integer call() throws Exception {
        if (!"train-step".equals(benchmark)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "unknown benchmark '" + benchmark + "'; known: train-step");
        }
        Options opt = new OptionsBuilder()
                .include(TrainStepBenchmark.class.getName())
                .param("config", config)
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
}
