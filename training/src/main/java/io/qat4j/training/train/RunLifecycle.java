package io.qat4j.training.train;

import io.qat4j.executor.io.AtomicFiles;
import io.qat4j.training.config.ConfigWriter;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ModelSelection;
import io.qat4j.training.config.TrainingConfig;
import io.qat4j.training.data.TaskData;
import io.qat4j.training.data.TrainingBatch;
import io.qat4j.training.data.TrainingBatches;
import io.qat4j.training.eval.Evaluator;
import io.qat4j.training.eval.TaskMetrics;
import io.qat4j.training.model.NetworkBuilder;
import io.qat4j.training.report.QuantReport;
import io.qat4j.training.report.RunExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Everything a training run does around its optimizer steps, for every trainer: the run folder and
 * its config snapshot, {@code --resume}, seeding, the network (built or restored), listeners
 * (progress, TensorBoard, the caller's), atomic checkpoints, evaluation, {@code metrics.json}, the
 * final model and, after a quantized run, the export to an int8 artifact and the comparison report.
 * With {@code training.select: best-validation-loss} the final model, the export, the report and
 * the test scores are those of the epoch with the lowest validation loss ({@link BestEpoch}).
 * Trainers differ only in their {@link StepRunner}.
 *
 * <p>The run is repeatable: the config's seed fixes the initial weights, the order of the
 * minibatches of every epoch ({@link TaskData#training}), and, re-seeded before every step, the
 * random numbers of dropout. Checkpoints are written every {@code checkpointEverySteps} steps and
 * at the end of every epoch; a resumed run continues from the newest one and ends with the same
 * parameters as an uninterrupted run. The quantization schedule follows the network's iteration
 * count, which checkpoints carry. Steps run in rounds of the runner's
 * {@link StepRunner#stepsPerRound()} (k local steps between two averaging rounds), cut at epoch
 * ends, checkpoint steps and the step limit, so every checkpoint falls on a round boundary (a
 * {@code --max-steps} limit inside a round of an uninterrupted run splits that round, so a k > 1
 * run resumed from there differs from it); listeners get one {@code onStep} per step after its
 * round, each with the round's network, learning rate and a share of its wall time. The run
 * summary ends with the throughput of the training steps ({@link Throughput}). Temporary files
 * that a killed process left in the run folder ({@link AtomicFiles}) are removed when a run starts
 * or resumes.
 *
 * <p>A {@link RunFolderListener} (e.g. a mirror of the folder on HDFS) is prepared before the run
 * folder is checked for {@code --resume}, and told after every checkpoint and after the last file
 * of the run.
 */
public final class RunLifecycle {

    /** Key of {@code metrics.json} that holds the {@link io.qat4j.training.data.DataOrigin} of the run's data. */
    public static final String METRICS_DATA = "data";

    /**
     * Key of {@code metrics.json} that says which epoch's parameters the run kept
     * ({@code training.select}): {@code {rule, epoch (from 0), step[, validationLoss]}}; the
     * top-level test scores are that epoch's. Absent when the run stopped early.
     */
    public static final String METRICS_SELECTED = "selected";

    /** Loads the data of a config. */
    public interface DataSource {
        /**
         * @param config a validated config
         * @return its data
         * @throws IOException when the files are unreadable
         */
        TaskData load(ExperimentConfig config) throws IOException;
    }

    private final StepRunner runner;
    private final DataSource dataSource;
    private final RunFolderListener runFolder;

    /**
     * @param runner how steps run
     * @param dataSource where the data comes from
     */
    public RunLifecycle(StepRunner runner, DataSource dataSource) {
        this(runner, dataSource, RunFolderListener.NONE);
    }

    /**
     * @param runner how steps run
     * @param dataSource where the data comes from
     * @param runFolder told before the run folder is read and after its files are written
     */
    public RunLifecycle(StepRunner runner, DataSource dataSource, RunFolderListener runFolder) {
        this.runner = runner;
        this.dataSource = dataSource;
        this.runFolder = runFolder;
    }

    /**
     * Runs training (and, as the options say, export and report).
     *
     * @param config a validated config
     * @param options run options
     * @return the result
     * @throws IOException on unreadable data or unwritable run files
     */
    public TrainResult run(ExperimentConfig config, RunOptions options) throws IOException {
        // the runner may hold a Spark context or threads: closed on every path, early failures included
        try (runner) {
            return train(config, options);
        }
    }

    private TrainResult train(ExperimentConfig config, RunOptions options) throws IOException {
        RunDirectory run = new RunDirectory(config.runDirectory());
        Checkpoints checkpoints = new Checkpoints(run.checkpoints(), 2,
                () -> runFolder.filesWritten(run, false, line -> log(options, line)));
        runFolder.prepare(run, options.resume(), line -> log(options, line));
        checkRunDirectory(run, options.resume());
        // the data is read (and checked against the model) before anything is written
        TaskData data = dataSource.load(config);
        TrainingConfig tc = config.training();
        int batchesPerEpoch = data.batchesPerEpoch(tc.batchSize());
        long totalSteps = (long) batchesPerEpoch * tc.epochs();
        if (options.resume()) {
            // the run goes on with the schedule it was built with: the snapshot says it in steps
            config = ResumeCheck.sameRun(config, run, batchesPerEpoch);
        }
        // so is the quantization schedule, which needs the number of batches per epoch
        NetworkBuilder builder = new NetworkBuilder(config, batchesPerEpoch);
        Files.createDirectories(run.root());
        removeStaleTemporaries(run, checkpoints, options);
        ConfigWriter.write(config, run.config());
        BestEpoch best = null;
        if (tc.select() == ModelSelection.BEST_VALIDATION_LOSS) {
            if (data.validation().isEmpty()) {
                throw new IllegalStateException("training.select: `" + tc.select().yamlName() + "` needs a validation"
                        + " split, and the data of " + config.name() + " has none (" + data.describe() + ")");
            }
            best = BestEpoch.open(run.checkpoints(), options.resume());
        }

        ComputationGraph net;
        TrainingState state;
        Optional<Checkpoints.Loaded> loaded = options.resume() ? checkpoints.loadLatest() : Optional.empty();
        if (loaded.isPresent()) {
            net = loaded.get().network();
            state = loaded.get().state();
            if (state.epoch() >= tc.epochs()) {
                // nothing to train: keep the run's metrics, model, artifact and report as they are
                log(options, run.root() + " has finished all " + tc.epochs() + " epochs (step " + state.step()
                        + "); nothing to resume. Raise training.epochs to train further.");
                runFolder.filesWritten(run, true, line -> log(options, line));
                return new TrainResult(run, net, null, List.of(), state.step(), false, Optional.empty());
            }
            log(options, "resuming " + run.root() + " at step " + state.step() + " (epoch " + (state.epoch() + 1)
                    + ", batch " + state.batchInEpoch() + ")");
        } else {
            Nd4j.getRandom().setSeed(config.seed());
            net = builder.build();
            state = TrainingState.start();
        }
        log(options, RunSummary.describe(net, data, batchesPerEpoch, tc.epochs(), tc.batchSize()).stripTrailing());

        List<RunListener> listeners = listeners(config, run, options);
        List<RunListener.EpochSummary> history = new ArrayList<>();
        long step = state.step();
        TaskMetrics test = null;
        boolean stoppedEarly = false;
        Throughput throughput = new Throughput();
        try {
            TrainingBatches it = data.training(tc.batchSize(), config.seed(), state.epoch(), state.batchInEpoch());
            epochs:
            for (int epoch = state.epoch(); epoch < tc.epochs(); epoch++) {
                // a resumed epoch continues the loss of the steps its checkpoint counted
                boolean resumedEpoch = epoch == state.epoch();
                double lossSum = resumedEpoch ? state.epochLossSum() : 0;
                int lossCount = resumedEpoch ? state.epochLossSteps() : 0;
                long epochStart = System.nanoTime();
                while (it.hasNext()) {
                    if (options.maxSteps() >= 0 && step >= options.maxSteps()) {
                        checkpoints.save(net, TrainingState.at(step, epoch, it.batchInEpoch(), lossSum, lossCount));
                        stoppedEarly = true;
                        break epochs;
                    }
                    // one round: never across the epoch end, a checkpoint step or the step limit
                    int roundSteps = roundSteps(step, tc.checkpointEverySteps(), options.maxSteps());
                    List<TrainingBatch> batches = new ArrayList<>(roundSteps);
                    int[] batchInEpoch = new int[roundSteps];
                    long[] seeds = new long[roundSteps];
                    while (batches.size() < roundSteps && it.hasNext()) {
                        seeds[batches.size()] = stepSeed(config.seed(), step + batches.size());
                        batches.add(it.next());
                        batchInEpoch[batches.size() - 1] = it.batchInEpoch();
                    }
                    double lr = net.getLearningRate(NetworkBuilder.OUTPUT);
                    long t0 = System.nanoTime();
                    double[] losses = runner.fit(net, batches, Arrays.copyOf(seeds, batches.size()));
                    double roundSeconds = (System.nanoTime() - t0) / 1e9;
                    long roundExamples = 0;
                    for (int i = 0; i < batches.size(); i++) {
                        TrainingBatch batch = batches.get(i);
                        step++;
                        lossSum += losses[i];
                        lossCount++;
                        roundExamples += batch.examples();
                        RunListener.Step s = new RunListener.Step(step, totalSteps, epoch, tc.epochs(), batchInEpoch[i],
                                batchesPerEpoch, losses[i], lr, batch.examples(), roundSeconds / batches.size());
                        for (RunListener l : listeners) {
                            l.onStep(s, net, batch.data());
                        }
                    }
                    throughput.addRound(roundExamples, roundSeconds);
                    if (step % tc.checkpointEverySteps() == 0 && it.hasNext()) {
                        checkpoints.save(net, TrainingState.at(step, epoch, it.batchInEpoch(), lossSum, lossCount));
                    }
                }
                double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
                net.incrementEpochCount();
                boolean last = epoch == tc.epochs() - 1;
                if (last || (epoch + 1) % tc.evaluateEveryEpochs() == 0) {
                    test = Evaluator.evaluate(net, data.test());
                    TaskMetrics validation = data.validation().map(v -> Evaluator.evaluate(net, v)).orElse(null);
                    RunListener.EpochSummary e = new RunListener.EpochSummary(epoch, step,
                            lossCount == 0 ? Double.NaN : lossSum / lossCount, test, validation, trainSeconds);
                    history.add(e);
                    // an epoch whose last step (iteration step - 1) was in the float warm-up is no candidate:
                    // its network never trained quantized
                    if (best != null && (!config.quantization().enabled() || builder.schedule().quantizing(step - 1))) {
                        best.offer(net, epoch, step, validation.loss());
                    }
                    for (RunListener l : listeners) {
                        l.onEpoch(e, net);
                    }
                }
                checkpoints.save(net, TrainingState.at(step, epoch + 1, 0, 0, 0));
                it.nextEpoch();
            }
        } finally {
            for (RunListener l : listeners) {
                l.close();
            }
        }
        log(options, throughput.line());
        Optional<BestEpoch.Selected> selected = best == null || stoppedEarly ? Optional.empty() : best.selected();
        if (selected.isPresent()) {
            best.restoreInto(net);
            test = Evaluator.evaluate(net, data.test());
            log(options, "selected epoch " + (selected.get().epoch() + 1) + " (lowest validation loss "
                    + selected.get().validationLoss() + "): test " + test.summary());
        }
        AtomicFiles.writePath(run.model(), tmp -> ModelSerializer.writeModel(net, tmp.toFile(), true));
        MetricsFile.write(config, run, data, history, step, test, stoppedEarly ? null
                : MetricsFile.selection(tc, history, selected));
        Optional<QuantReport> report = Optional.empty();
        if (!stoppedEarly && options.report() && config.quantization().enabled()) {
            report = Optional.of(exportAndReport(run, data, options));
        }
        runFolder.filesWritten(run, true, line -> log(options, line));
        return new TrainResult(run, net, test, List.copyOf(history), step, stoppedEarly, report);
    }

    /**
     * @return the steps of the next round after {@code step}: the runner's round, cut at the next
     *     checkpoint step and the limit {@code maxSteps} (if {@code >= 0}); the caller cuts it at the epoch end
     */
    private int roundSteps(long step, int checkpointEvery, long maxSteps) {
        long n = Math.min(runner.stepsPerRound(), checkpointEvery - step % checkpointEvery);
        if (maxSteps >= 0) {
            n = Math.min(n, maxSteps - step);
        }
        return (int) n;
    }

    /**
     * Removes the temporary files that writes interrupted by a killed process left in the run
     * folder (checkpoints, model, metrics, config, export, report): only this run writes there.
     */
    private static void removeStaleTemporaries(RunDirectory run, Checkpoints checkpoints, RunOptions options)
            throws IOException {
        List<Path> removed = new ArrayList<>(AtomicFiles.removeTemporaries(run.root()));
        removed.addAll(checkpoints.removeStaleTemporaries());
        if (!removed.isEmpty()) {
            log(options, "removed " + removed.size() + " temporary file(s) of interrupted writes: " + removed);
        }
    }

    private static List<RunListener> listeners(ExperimentConfig config, RunDirectory run, RunOptions options) throws IOException {
        List<RunListener> listeners = new ArrayList<>();
        TrainingConfig tc = config.training();
        if (options.console() != null) {
            listeners.add(new ProgressBar(options.console(), options.interactiveProgress(), tc.logEverySteps()));
        }
        if (config.output().tensorboard()) {
            listeners.add(new TensorBoardListener(run.tensorboard(), tc.logEverySteps(), config.output().histogramsEverySteps()));
        }
        listeners.addAll(options.extraListeners());
        return listeners;
    }

    private static QuantReport exportAndReport(RunDirectory dir, TaskData data, RunOptions options) throws IOException {
        log(options, "exporting the int8 artifact");
        RunExport.Run run = RunExport.load(dir.root());
        Path artifact = RunExport.export(run);
        log(options, "exported " + artifact);
        QuantReport q = QuantReport.measure(run, artifact, data.test(), line -> log(options, line));
        q.write(dir.root().resolve(QuantReport.FILE), data.origin());
        if (options.console() != null) {
            q.print(options.console());
        }
        return q;
    }

    /**
     * @param seed the run's seed
     * @param step steps done before this one
     * @return the seed of the random numbers of one step (dropout), independent of how the run was resumed
     */
    static long stepSeed(long seed, long step) {
        return seed * 0x9E3779B97F4A7C15L + step;
    }

    /**
     * Checks that the run folder allows the request: a new run needs a folder without checkpoints;
     * a resumed run needs a checkpoint.
     */
    private static void checkRunDirectory(RunDirectory run, boolean resume) {
        boolean hasCheckpoints = Files.exists(run.checkpoints().resolve("LATEST"));
        if (resume && !hasCheckpoints) {
            throw new IllegalStateException("--resume: " + run.checkpoints() + " holds no checkpoint to resume from");
        }
        if (!resume && hasCheckpoints) {
            throw new IllegalStateException(run.root() + " already holds a run with checkpoints: add --resume to continue it, "
                    + "or choose another name (--set name=...) or output.dir");
        }
    }


    private static void log(RunOptions o, String msg) {
        if (o.console() != null) {
            o.console().println(msg);
        }
    }
}
