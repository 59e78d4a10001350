package io.qat4j.training.sweep;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.train.Checkpoints;
import io.qat4j.training.train.RunDirectory;
import io.qat4j.training.train.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs one experiment config over the seeds and folds of a {@link SweepPlan}, one after the other
 * (a run uses the machine's cores by itself), and aggregates them ({@link SweepSummary}). Each run
 * is the config with the caller's overrides, then {@code seed=<seed>}, {@code <foldKey>=<fold>}
 * and {@code name=<name>-s<seed>[-f<fold>]}, so it trains in its own folder under
 * {@code output.dir}. Every run's config is validated before the first one trains. A run whose
 * folder holds a finished run (its last checkpoint is at the end of its last epoch, and it wrote
 * {@code metrics.json}) is skipped; a run interrupted earlier is resumed from its newest
 * checkpoint ({@code --resume}); the others start. The fold goes in as an ordinary override, so
 * any integer key can be swept: {@value #FOLD_KEY} for formats with k-fold splits.
 */
public final class Sweep {

    /** The key {@code --folds} sets in each run. */
    public static final String FOLD_KEY = "dataset.fold";

    /** Trains one run. */
    @FunctionalInterface
    public interface RunTrainer {
        /**
         * @param config the run's config
         * @param resume whether to resume the run from its newest checkpoint
         * @throws IOException on unreadable data or unwritable run files
         */
        void train(ExperimentConfig config, boolean resume) throws IOException;
    }

    private final Path configFile;
    private final List<String> overrides;
    private final SweepPlan plan;
    private final String foldKey;

    /**
     * @param configFile the experiment config
     * @param overrides {@code key=value} overrides for every run ({@code --set})
     * @param plan seeds and folds
     * @param foldKey the config key a fold sets ({@link #FOLD_KEY})
     */
    public Sweep(Path configFile, List<String> overrides, SweepPlan plan, String foldKey) {
        this.configFile = configFile;
        this.overrides = List.copyOf(overrides);
        this.plan = plan;
        this.foldKey = foldKey;
    }

    /** A run of the sweep with its validated config. @param member seed and fold @param config its config */
    public record Run(SweepPlan.Member member, ExperimentConfig config) {
    }

    /**
     * @return the config with the overrides, before the sweep's own ({@code seed}, fold, {@code name})
     * @throws io.qat4j.training.config.binding.ConfigException when it is invalid
     */
    public ExperimentConfig base() {
        return ExperimentConfigLoader.load(configFile, overrides);
    }

    /**
     * Validates the config of every run; trains nothing.
     *
     * @param base the {@link #base()} config
     * @return the runs
     * @throws io.qat4j.training.config.binding.ConfigException when a run's config is invalid
     */
    public List<Run> runs(ExperimentConfig base) {
        List<Run> runs = new ArrayList<>();
        for (SweepPlan.Member m : plan.members(base.seed())) {
            List<String> o = new ArrayList<>(overrides);
            o.add("seed=" + m.seed());
            m.fold().ifPresent(f -> o.add(foldKey + "=" + f));
            o.add("name=" + m.runName(base.name()));
            runs.add(new Run(m, ExperimentConfigLoader.load(configFile, o)));
        }
        return runs;
    }

    /**
     * @param base the {@link #base()} config
     * @return the folder of the sweep's files, {@code <output.dir>/<name>-sweep}
     */
    public static Path folder(ExperimentConfig base) {
        return base.output().dir().resolve(base.name() + "-sweep");
    }

    /**
     * Trains the runs that have not finished, then writes {@code sweep.json} and {@code sweep.md}.
     *
     * @param trainer trains one run
     * @param log progress lines
     * @return the summary
     * @throws IOException on unreadable data or unwritable files
     */
    public SweepSummary run(RunTrainer trainer, Consumer<String> log) throws IOException {
        ExperimentConfig base = base();
        List<Run> runs = runs(base);
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            String which = "run " + (i + 1) + "/" + runs.size() + " " + r.config().name();
            Optional<TrainingState> state = new Checkpoints(new RunDirectory(r.config().runDirectory()).checkpoints(), 1)
                    .latestState();
            if (state.isPresent() && finished(r.config(), state.get())) {
                log.accept(which + ": finished before, skipped");
                continue;
            }
            log.accept(which + (state.isPresent() ? ": resuming at step " + state.get().step() : ": starting"));
            trainer.train(r.config(), state.isPresent());
        }
        SweepSummary summary = SweepSummary.read(base.name(), configFile, overrides, runs);
        summary.write(folder(base));
        return summary;
    }

    private static boolean finished(ExperimentConfig config, TrainingState state) {
        return state.epoch() >= config.training().epochs()
                && Files.exists(new RunDirectory(config.runDirectory()).metrics());
    }
}
