package io.qat4j.jobs;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.train.RunOptions;
import io.qat4j.training.train.ProgressBar;
import io.qat4j.training.train.TrainResult;
import io.qat4j.training.train.Trainer;
import io.qat4j.training.train.Trainers;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qat4j train CONFIG}: validates the config (and overrides) before any work, then trains with
 * the trainer the config asks for ({@link Trainers#forConfig}: locally, or on Spark when
 * {@code distributed.master} names a master or {@code spark-submit} runs this driver) and says
 * which.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the model of a YAML experiment config; the run goes to <output.dir>/<name>.",
        footer = "%nExamples:%n  qat4j train configs/fashion-mnist-w8a8.yaml%n"
                + "  qat4j train configs/fashion-mnist-w4a8.yaml --set training.epochs=2 --set name=quick%n"
                + "  qat4j train configs/fashion-mnist-w8a8.yaml --resume%n"
                + "  qat4j train configs/fashion-mnist-w8a8.yaml --set distributed.master=local[2]%n%n" + ExitCodes.HELP)
final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "YAML experiment config")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. --set training.epochs=3 (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", description = "Continue the run from its newest checkpoint")
    boolean resume;

    @Option(names = "--max-steps", paramLabel = "N", description = "Stop after N optimizer steps in total (smoke runs)")
    long maxSteps = -1;

    @Option(names = "--quiet", description = "No progress output: only the result line (and errors)")
    boolean quiet;

    @Option(names = "--no-report", description = "Skip what follows a quantized run by default: export the int8 "
            + "artifact, run it on the int8 executor, print the comparison table and write report.json")
    boolean noReport;

    @Override
    public Integer call() throws Exception {
        ExperimentConfig cfg = ExperimentConfigLoader.load(config, overrides);
        PrintStream console = quiet ? null : new PrintStream(System.out, true, StandardCharsets.UTF_8);
        RunOptions opts = new RunOptions(resume, console, ProgressBar.stdoutIsTerminal(), List.of(), maxSteps, !noReport);
        Trainer trainer = Trainers.forConfig(cfg);
        if (console != null) {
            console.println(trainer.description());
        }
        TrainResult r = trainer.train(cfg, opts);
        // the result line, printed with --quiet too
        System.out.printf(Locale.ROOT, "%s: %s; run folder %s%n", cfg.name(), r.summary(), r.run().root());
        System.out.flush();
        return ExitCodes.OK;
    }
}
