package io.qat4j.training.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.executor.io.AtomicFiles;
import io.qat4j.training.config.ConfigWriter;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.config.TrainingConfig;
import io.qat4j.training.data.DatasetLocator;
import io.qat4j.training.data.ImageDataSetIterator;
import io.qat4j.training.data.ImageDataset;
import io.qat4j.training.data.ImageSplits;
import io.qat4j.training.data.LoadedDataset;
import io.qat4j.training.model.NetworkBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains the network of an experiment config on one machine.
 *
 * <p>The run is repeatable: the config's seed fixes the initial weights, the order of the
 * minibatches of every epoch, and (re-seeded before every step) the random numbers of dropout.
 * Checkpoints are written atomically every {@code checkpointEverySteps} steps and at the end of
 * every epoch; {@link Options#resume()} continues from the newest one and ends with the same
 * parameters as an uninterrupted run. The quantization schedule follows the network's iteration
 * count, which checkpoints carry.
 */
public final class LocalTrainer {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Loads the data of a config; tests substitute a subset. */
    interface DataSource {
        ImageData load(ExperimentConfig config) throws IOException;
    }

    private final DataSource dataSource;

    /** A trainer that reads the dataset the config names. */
    public LocalTrainer() {
        this(LocalTrainer::loadData);
    }

    LocalTrainer(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @param resume continue from the run folder's newest checkpoint
     * @param console where progress goes; null for none
     * @param interactiveProgress redraw the progress bar in place
     * @param extraListeners further listeners
     * @param maxSteps stop after this many steps in total (for tests and smoke runs); negative: no limit
     */
    public record Options(boolean resume, PrintStream console, boolean interactiveProgress,
                          List<RunListener> extraListeners, long maxSteps) {

        /** @return options for a fresh run printing plain progress lines to standard output */
        public static Options defaults() {
            return new Options(false, System.out, ProgressBar.stdoutIsTerminal(), List.of(), -1);
        }

        /**
         * @param r resume or not
         * @return these options with {@code resume} set
         */
        public Options withResume(boolean r) {
            return new Options(r, console, interactiveProgress, extraListeners, maxSteps);
        }

        /**
         * @param n step limit
         * @return these options with a step limit
         */
        public Options withMaxSteps(long n) {
            return new Options(resume, console, interactiveProgress, extraListeners, n);
        }
    }

    /**
     * The training and evaluation data of an image experiment.
     *
     * @param train training images
     * @param validation validation images, or null
     * @param test test images
     */
    public record ImageData(ImageDataset train, ImageDataset validation, ImageDataset test) {
    }

    /**
     * Loads the dataset a config names, in its format, and checks that it fits the model
     * ({@link TrainingData}).
     *
     * @param config the config
     * @return train, optional validation (null without one) and test sets
     * @throws IOException when the files are unreadable
     * @throws io.qat4j.training.config.binding.ConfigException when the data does not fit the model
     */
    public static ImageData loadData(ExperimentConfig config) throws IOException {
        LoadedDataset loaded = TrainingData.load(config, DatasetLocator.fromEnvironment());
        if (!(loaded instanceof ImageSplits images)) {
            throw new IllegalStateException("dataset `" + config.dataset().describe() + "` holds "
                    + loaded.signature().examples() + "; this trainer trains on images");
        }
        ImageDataset train = images.train();
        ImageDataset val = null;
        double f = config.dataset().validationFraction();
        if (f > 0) {
            ImageDataset.Split s = train.split(config.seed(), f);
            val = s.first();
            train = s.second();
        }
        return new ImageData(train, val, images.test());
    }

    /**
     * Runs training.
     *
     * @param config a validated config
     * @param options run options
     * @return the result
     * @throws IOException on unreadable data or unwritable run files
     */
    public TrainResult train(ExperimentConfig config, Options options) throws IOException {
        RunDirectory run = new RunDirectory(config.runDirectory());
        Checkpoints checkpoints = new Checkpoints(run.checkpoints(), 2);
        prepareRunDirectory(config, run, options.resume());
        ImageData data = dataSource.load(config);
        TrainingConfig tc = config.training();
        ImageDataSetIterator probe = new ImageDataSetIterator(data.train(), tc.batchSize());
        int batchesPerEpoch = probe.batchesPerEpoch();
        long totalSteps = (long) batchesPerEpoch * tc.epochs();

        ComputationGraph net;
        TrainingState state;
        Optional<Checkpoints.Loaded> loaded = options.resume() ? checkpoints.loadLatest() : Optional.empty();
        if (loaded.isPresent()) {
            net = loaded.get().network();
            state = loaded.get().state();
            log(options, "resuming " + run.root() + " at step " + state.step() + " (epoch " + (state.epoch() + 1)
                    + ", batch " + state.batchInEpoch() + ")");
        } else {
            Nd4j.getRandom().setSeed(config.seed());
            net = new NetworkBuilder(config, batchesPerEpoch).build();
            state = TrainingState.start();
        }

        List<RunListener> listeners = new ArrayList<>();
        if (options.console() != null) {
            listeners.add(new ProgressBar(options.console(), options.interactiveProgress(), tc.logEverySteps()));
        }
        if (config.output().tensorboard()) {
            listeners.add(new TensorBoardListener(run.tensorboard(), tc.logEverySteps(), config.output().histogramsEverySteps()));
        }
        listeners.addAll(options.extraListeners());

        List<RunListener.EpochSummary> history = new ArrayList<>();
        long step = state.step();
        double testAccuracy = Double.NaN;
        try {
            ImageDataSetIterator it = new ImageDataSetIterator(data.train(), tc.batchSize(), true, config.seed(),
                    state.epoch(), state.batchInEpoch());
            for (int epoch = state.epoch(); epoch < tc.epochs(); epoch++) {
                double lossSum = 0;
                int lossCount = 0;
                long epochStart = System.nanoTime();
                while (it.hasNext()) {
                    if (options.maxSteps() >= 0 && step >= options.maxSteps()) {
                        checkpoints.save(net, new TrainingState(step, epoch, it.batchInEpoch(), TrainingState.CURRENT_VERSION));
                        return finish(config, run, net, history, step, testAccuracy, listeners);
                    }
                    DataSet batch = it.next();
                    Nd4j.getRandom().setSeed(stepSeed(config.seed(), step));
                    double lr = net.getLearningRate(NetworkBuilder.OUTPUT);
                    long t0 = System.nanoTime();
                    net.fit(batch);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double loss = net.score();
                    step++;
                    lossSum += loss;
                    lossCount++;
                    RunListener.Step s = new RunListener.Step(step, totalSteps, epoch, tc.epochs(), it.batchInEpoch(),
                            batchesPerEpoch, loss, lr, batch.numExamples(), seconds);
                    for (RunListener l : listeners) {
                        l.onStep(s, net, batch);
                    }
                    if (step % tc.checkpointEverySteps() == 0 && it.hasNext()) {
                        checkpoints.save(net, new TrainingState(step, epoch, it.batchInEpoch(), TrainingState.CURRENT_VERSION));
                    }
                }
                double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
                net.incrementEpochCount();
                boolean last = epoch == tc.epochs() - 1;
                if (last || (epoch + 1) % tc.evaluateEveryEpochs() == 0) {
                    testAccuracy = Evaluation.accuracy(net, data.test());
                    double valAccuracy = data.validation() == null ? Double.NaN : Evaluation.accuracy(net, data.validation());
                    RunListener.EpochSummary e = new RunListener.EpochSummary(epoch, step,
                            lossCount == 0 ? Double.NaN : lossSum / lossCount, testAccuracy, valAccuracy, trainSeconds);
                    history.add(e);
                    for (RunListener l : listeners) {
                        l.onEpoch(e, net);
                    }
                }
                checkpoints.save(net, new TrainingState(step, epoch + 1, 0, TrainingState.CURRENT_VERSION));
                it.reset();
            }
            return finish(config, run, net, history, step, testAccuracy, listeners);
        } finally {
            for (RunListener l : listeners) {
                l.close();
            }
        }
    }

    /** Seed of the random numbers of one step (dropout), independent of how the run was resumed. */
    static long stepSeed(long seed, long step) {
        return seed * 0x9E3779B97F4A7C15L + step;
    }

    private TrainResult finish(ExperimentConfig config, RunDirectory run, ComputationGraph net,
                               List<RunListener.EpochSummary> history, long step, double testAccuracy,
                               List<RunListener> listeners) throws IOException {
        AtomicFiles.writePath(run.model(), tmp -> ModelSerializer.writeModel(net, tmp.toFile(), true));
        writeMetrics(config, run, history, step, testAccuracy);
        return new TrainResult(run, net, testAccuracy, List.copyOf(history), step);
    }

    private static void writeMetrics(ExperimentConfig config, RunDirectory run, List<RunListener.EpochSummary> history,
                                     long step, double testAccuracy) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", config.name());
        root.put("quantized", config.quantization().enabled());
        root.put("steps", step);
        root.put("testAccuracy", testAccuracy);
        ArrayNode epochs = root.putArray("epochs");
        for (RunListener.EpochSummary e : history) {
            ObjectNode n = epochs.addObject();
            n.put("epoch", e.epoch());
            n.put("step", e.step());
            n.put("meanLoss", e.meanLoss());
            n.put("testAccuracy", e.testAccuracy());
            if (!Double.isNaN(e.validationAccuracy())) {
                n.put("validationAccuracy", e.validationAccuracy());
            }
            n.put("trainSeconds", e.seconds());
        }
        AtomicFiles.write(run.metrics(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    /**
     * Creates the run folder and stores the effective config; with resume, checks that the stored
     * config matches (all but {@code training.epochs} may not change).
     */
    private static void prepareRunDirectory(ExperimentConfig config, RunDirectory run, boolean resume) throws IOException {
        boolean hasCheckpoints = Files.exists(run.checkpoints().resolve("LATEST"));
        if (resume) {
            if (!hasCheckpoints) {
                throw new IllegalStateException("--resume: " + run.checkpoints() + " holds no checkpoint to resume from");
            }
            ExperimentConfig stored = ExperimentConfigLoader.load(run.config());
            if (!withoutEpochs(stored).equals(withoutEpochs(config))) {
                throw new IllegalStateException("--resume: the config differs from the one the run was started with ("
                        + run.config() + "); only training.epochs may change when resuming");
            }
        } else if (hasCheckpoints) {
            throw new IllegalStateException(run.root() + " already holds a run with checkpoints: add --resume to continue it, "
                    + "or choose another name (--set name=...) or output.dir");
        }
        Files.createDirectories(run.root());
        ConfigWriter.write(config, run.config());
    }

    private static ExperimentConfig withoutEpochs(ExperimentConfig c) {
        TrainingConfig t = c.training();
        TrainingConfig t1 = new TrainingConfig(1, t.batchSize(), t.optimizer(), t.lrSchedule(), t.checkpointEverySteps(),
                t.logEverySteps(), t.evaluateEveryEpochs());
        return new ExperimentConfig(c.name(), c.seed(), c.dataset(), c.model(), c.quantization(), t1, c.output());
    }

    private static void log(Options o, String msg) {
        if (o.console() != null) {
            o.console().println(msg);
        }
    }
}
