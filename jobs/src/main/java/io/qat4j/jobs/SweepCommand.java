package io.qat4j.jobs;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.sweep.MeanStd;
import io.qat4j.training.sweep.Sweep;
import io.qat4j.training.sweep.SweepPlan;
import io.qat4j.training.sweep.SweepSummary;
import io.qat4j.training.train.ProgressBar;
import io.qat4j.training.train.RunOptions;
import io.qat4j.training.train.Trainers;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code qat4j sweep CONFIG --seeds 1-5 [--folds 0-9]}: the runs of a {@link Sweep}, one after the
 * other, each trained as {@code qat4j train} would (its trainer from the config), skipped when
 * finished and resumed when interrupted, then {@code sweep.json} and {@code sweep.md} with the mean
 * and sample standard deviation.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Train a config over several seeds and/or folds, one run after the other, each in "
                + "<output.dir>/<name>-s<seed>[-f<fold>]; finished runs are skipped, interrupted ones resumed; "
                + "writes <output.dir>/<name>-sweep/sweep.json and sweep.md (mean and sample std, n-1).",
        footer = "%nExamples:%n  qat4j sweep configs/cora-gcn-fp32.yaml --seeds 1-5%n"
                + "  qat4j sweep CONFIG --seeds 1,2,3 --folds 0-9 --set training.epochs=50%n%n" + ExitCodes.HELP)
final class SweepCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "YAML experiment config")
    Path config;

    @Option(names = "--seeds", paramLabel = "LIST", description = "Seeds, e.g. 1,2,3 or 1-5: each run sets `seed`")
    String seeds;

    @Option(names = "--folds", paramLabel = "LIST", description = "Folds, e.g. 0-9: each run sets `"
            + Sweep.FOLD_KEY + "`")
    String folds;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key in every run, e.g. --set training.epochs=3 (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--quiet", description = "No progress output: only the summary (and errors)")
    boolean quiet;

    @Option(names = "--no-report", description = "Skip the int8 export and report after quantized runs")
    boolean noReport;

    @Override
    public Integer call() throws Exception {
        if (seeds == null && folds == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --seeds, --folds or both");
        }
        SweepPlan plan;
        try {
            plan = new SweepPlan(seeds == null ? List.of() : SweepPlan.parseSeeds(seeds, "--seeds"),
                    folds == null ? List.of() : SweepPlan.parseFolds(folds, "--folds"));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        for (String o : overrides) {
            String key = o.contains("=") ? o.substring(0, o.indexOf('=')).strip() : o;
            if (key.equals("name") || key.equals("seed") && seeds != null || key.equals(Sweep.FOLD_KEY) && folds != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--set " + o + ": the sweep sets `" + key
                        + "` in each run");
            }
        }
        PrintStream console = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream progress = quiet ? null : console;
        Sweep sweep = new Sweep(config, overrides, plan, Sweep.FOLD_KEY);
        ExperimentConfig base = sweep.base();
        SweepSummary summary = sweep.run((cfg, resume) -> {
            RunOptions opts = new RunOptions(resume, progress, ProgressBar.stdoutIsTerminal(), List.of(), -1, !noReport);
            Trainers.forConfig(cfg).train(cfg, opts);
        }, line -> {
            if (progress != null) {
                progress.println(line);
            }
        });
        console.printf(Locale.ROOT, "%s: %d runs, %s; %s%n", summary.name(), summary.runs().size(), MeanStd.DEFINITION,
                Sweep.folder(base).resolve(SweepSummary.MARKDOWN_FILE));
        for (Map.Entry<String, MeanStd> e : summary.aggregate().entrySet()) {
            console.printf(Locale.ROOT, "  %-24s mean %.6g  std %.6g  (n=%d)%n", e.getKey(), e.getValue().mean(),
                    e.getValue().std(), e.getValue().n());
        }
        return ExitCodes.OK;
    }
}
