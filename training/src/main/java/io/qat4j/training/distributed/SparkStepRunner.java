package io.qat4j.training.distributed;

import io.qat4j.quant.layers.InputScales;
import io.qat4j.training.data.TrainingBatch;
import io.qat4j.training.train.StepRunner;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Optimizer steps as rounds of synchronous parameter averaging on Apache Spark (McDonald et al.,
 * NAACL 2010; the scheme of DL4J's {@code ParameterAveragingTrainingMaster}, rebuilt on Spark's
 * core API): each of the round's k global minibatches (the averaging period) is split into N
 * shards, one per worker, by the batch itself ({@link TrainingBatch#shards}: contiguous rows of
 * images, whole graphs); the driver broadcasts its network's state
 * ({@link NetworkBytes}: parameters, updater state, iteration and epoch counts, raw) with its
 * configuration (JSON); each Spark task loads the state into a network of that configuration
 * from its JVM's {@code NetworkPool}, runs DL4J's {@code fit} on its shards of the k minibatches
 * in order (each shard's {@link TrainingBatch#forStep} drawn from the global step's seed) and
 * returns its state; the driver loads each returned state into one of its worker
 * copies (built once per run), merges the copies with {@link WorkerStateMerge} (parameters and
 * updater state averaged, quantizer state by the observers' rules) and applies the merged state
 * to its own network, which the next round broadcasts, so every worker starts every round from
 * the same state bit for bit. No network is serialised, zipped or built during a round once the
 * pools hold one per concurrent task. The
 * {@link io.qat4j.training.train.RunLifecycle} cuts rounds at checkpoint steps, so checkpoints
 * hold merged state. With k = 1 and equal shards, plain SGD and no batch norm or dropout, a round
 * is one full-batch SGD step in exact arithmetic (the loss is the mean over examples). A batch
 * that cannot be split (a single full graph) fails the round with the batch's reason unless the
 * run has one worker.
 *
 * <p>The round is a plain {@code mapPartitions} job, not a barrier stage: the tasks never talk to
 * each other (the driver merges), so gang scheduling buys nothing, while a plain stage keeps
 * Spark's per-task retry when an executor is lost (a barrier stage reruns all its tasks on any
 * failure). A retried task recomputes the same result, since it starts from the broadcast state
 * and seeds ND4J from each step's seed and its shard index ({@link #shardSeed}).
 *
 * <p>Each task sets ND4J's own limits to {@code nd4jThreadsPerTask} threads (libnd4j's op loops
 * and master threads, and the BLAS library's threads, which ND4J's settings do not reach); in
 * local mode the tasks share the driver's JVM, so the driver sets them for the duration of the
 * round and restores them after. The OpenMP pools of oneDNN, which do most of a convolution's
 * work, are sized from {@code OMP_NUM_THREADS} when a JVM starts and ignore these settings:
 * {@link SparkTrainer} puts it into the executors' environment and asks for it on a local
 * master's JVM.
 */
public final class SparkStepRunner implements StepRunner {

    /**
     * One worker's result of a round.
     *
     * @param shard the shard index
     * @param examples examples of its shard of each step
     * @param losses its loss of each step
     * @param startDigest {@link NetworkBytes#stateDigest} of the state it loaded, null unless a
     *     round observer asked for it
     * @param state its state after the round
     */
    record WorkerResult(int shard, long[] examples, double[] losses, String startDigest, NetworkBytes state)
            implements Serializable {
    }

    /**
     * What one round did, for tests and diagnostics; only made when a round observer is
     * registered ({@link #onRound}), since the digests and copies cost time.
     *
     * @param index the round, from 0
     * @param steps the local steps of the round, k (fewer at an epoch end, checkpoint or step limit)
     * @param broadcastDigest the {@link NetworkBytes#stateDigest} of the driver's network as broadcast
     * @param startDigests each worker's {@link NetworkBytes#stateDigest} of the state it loaded
     *     from the broadcast, before its local steps, in shard order
     * @param workers each worker's copy after its local steps, in shard order (the observer's own)
     * @param merged the merged state the driver applied to its network
     * @param mergedDigest the digest of the driver's network after it applied the merged state
     */
    public record Round(int index, int steps, String broadcastDigest, List<String> startDigests,
            List<ComputationGraph> workers, WorkerStateMerge.MergedState merged, String mergedDigest) {
    }

    /** The executor id of tasks that run in the driver's JVM (Spark's {@code SparkContext.DRIVER_IDENTIFIER}, not public API). */
    private static final String DRIVER_EXECUTOR_ID = "driver";

    private final JavaSparkContext sc;
    private final int workers;
    private final int nd4jThreadsPerTask;
    private final int averagingSteps;
    private Consumer<Round> roundObserver;
    private int rounds;
    /** The network that {@link #configurationJson} and {@link #copies} belong to. */
    private ComputationGraph copiesOf;
    private String configurationJson;
    /** The driver's worker copies: each round loads one returned state into each, then merges them. */
    private final List<ComputationGraph> copies = new ArrayList<>();

    /**
     * @param sc the Spark context to run rounds on; its owner stops it (in a {@code finally}), the
     *     runner holds nothing else
     * @param workers N, the number of shards (Spark tasks) per round
     * @param nd4jThreadsPerTask ND4J threads in each task
     * @param averagingSteps k, the local steps of each worker between two averaging rounds
     */
    public SparkStepRunner(JavaSparkContext sc, int workers, int nd4jThreadsPerTask, int averagingSteps) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        if (nd4jThreadsPerTask < 1) {
            throw new IllegalArgumentException("ND4J threads per task must be at least 1, got " + nd4jThreadsPerTask);
        }
        if (averagingSteps < 1) {
            throw new IllegalArgumentException("averaging steps must be at least 1, got " + averagingSteps);
        }
        this.sc = sc;
        this.workers = workers;
        this.nd4jThreadsPerTask = nd4jThreadsPerTask;
        this.averagingSteps = averagingSteps;
    }

    /** @param observer called after every round, once the driver's network holds the merged state */
    public void onRound(Consumer<Round> observer) {
        this.roundObserver = observer;
    }

    @Override
    public int stepsPerRound() {
        return averagingSteps;
    }

    @Override
    public double[] fit(ComputationGraph net, List<TrainingBatch> batches, long[] stepSeeds) {
        int steps = batches.size();
        if (steps < 1 || steps > averagingSteps || stepSeeds.length != steps) {
            throw new IllegalArgumentException("a round takes 1 to " + averagingSteps + " minibatches with one seed each, got "
                    + steps + " minibatches and " + stepSeeds.length + " seeds");
        }
        int n = workers;
        for (TrainingBatch b : batches) {
            n = Math.min(n, b.examples());
        }
        List<List<TrainingBatch>> split = new ArrayList<>(steps);
        for (TrainingBatch b : batches) {
            List<TrainingBatch> s = b.shards(n);
            if (s.size() != n) {
                throw new IllegalStateException(b.getClass().getSimpleName() + " split into " + s.size() + " shards for " + n
                        + " workers");
            }
            split.add(s);
        }
        // partition s holds shard s of every step, in step order: parallelize cuts the list into n equal slices
        List<TrainingBatch> shards = new ArrayList<>(n * steps);
        for (int s = 0; s < n; s++) {
            for (List<TrainingBatch> stepShards : split) {
                shards.add(stepShards.get(s));
            }
        }
        if (net != copiesOf) {
            copiesOf = net;
            configurationJson = WorkerStateMerge.configurationWithoutCounts(net);
            copies.clear();
        }
        while (copies.size() < n) {
            copies.add(net.clone());
        }
        boolean observed = roundObserver != null;
        String broadcastDigest = observed ? NetworkBytes.stateDigest(net) : null;
        Broadcast<NetworkBytes> state = sc.broadcast(NetworkBytes.of(net));
        List<WorkerResult> results;
        // in local mode the tasks run in this JVM: limit ND4J here for the round, then restore it
        Environment env = Nd4j.getEnvironment();
        int maxThreads = env.maxThreads();
        int maxMasterThreads = env.maxMasterThreads();
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        try {
            if (sc.isLocal()) {
                limitNd4jThreads(nd4jThreadsPerTask);
            }
            int threads = nd4jThreadsPerTask;
            long[] seeds = stepSeeds.clone();
            String configuration = configurationJson;
            results = sc.parallelize(shards, n)
                    .mapPartitionsWithIndex((shard, it) -> runTask(configuration, state.value(), shard, it, seeds,
                            threads, observed), true)
                    .collect();
        } finally {
            state.destroy();
            if (sc.isLocal()) {
                env.setMaxThreads(maxThreads);
                env.setMaxMasterThreads(maxMasterThreads);
                Nd4j.factory().blas().setMaxThreads(blasThreads);
            }
        }
        if (results.size() != n) {
            throw new IllegalStateException("round " + rounds + " returned " + results.size() + " worker states for " + n
                    + " shards");
        }
        List<ComputationGraph> loaded = copies.subList(0, n);
        List<String> digests = new ArrayList<>(n);
        double[] lossSums = new double[steps];
        for (int s = 0; s < n; s++) {
            WorkerResult r = results.get(s);
            if (r.shard() != s) {
                throw new IllegalStateException("round " + rounds + ": worker result " + s + " is shard " + r.shard()
                        + "; the merge needs shard order");
            }
            r.state().applyTo(loaded.get(s));
            digests.add(r.startDigest());
            for (int i = 0; i < steps; i++) {
                lossSums[i] += r.losses()[i] * r.examples()[i];
            }
        }
        // the copies are the driver's clones of its network: one configuration by construction
        WorkerStateMerge.MergedState merged = WorkerStateMerge.mergeCopies(loaded);
        merged.applyTo(net);
        if (observed) {
            List<ComputationGraph> workerCopies = new ArrayList<>(n);
            for (ComputationGraph c : loaded) {
                workerCopies.add(c.clone());
            }
            roundObserver.accept(new Round(rounds, steps, broadcastDigest, digests, workerCopies, merged,
                    NetworkBytes.stateDigest(net)));
        }
        rounds++;
        double[] losses = new double[steps];
        for (int i = 0; i < steps; i++) {
            losses[i] = lossSums[i] / batches.get(i).examples();
        }
        return losses;
    }

    /**
     * @param stepSeed the seed of a step
     * @param shard a shard index
     * @return the seed of that shard's step: distinct shards draw distinct dropout masks, and a
     *     retried task draws the same ones again
     */
    static long shardSeed(long stepSeed, int shard) {
        return stepSeed + 0x632BE59BD9B4E019L * (shard + 1L);
    }

    /**
     * The body of one Spark task: load the broadcast state into a pooled network of the round's
     * configuration, fit the shard's steps in order (each with its per-step inputs drawn from the
     * global step's seed, and ND4J seeded for the shard), return the network's state and the
     * network to the pool (a task that throws keeps its network out of the pool).
     */
    private static Iterator<WorkerResult> runTask(String configuration, NetworkBytes state, int shard,
            Iterator<TrainingBatch> data, long[] stepSeeds, int threads, boolean digest) {
        if (!DRIVER_EXECUTOR_ID.equals(SparkEnv.get().executorId())) {
            limitNd4jThreads(threads);
        }
        ComputationGraph net = NetworkPool.take(configuration);
        state.applyTo(net);
        InputScales.bind(net);
        String startDigest = digest ? NetworkBytes.stateDigest(net) : null;
        int steps = stepSeeds.length;
        long[] examples = new long[steps];
        double[] losses = new double[steps];
        for (int i = 0; i < steps; i++) {
            if (!data.hasNext()) {
                throw new IllegalStateException("task " + shard + " received " + i + " shards for " + steps + " steps");
            }
            TrainingBatch batch = data.next();
            MultiDataSet step = batch.forStep(stepSeeds[i]);
            Nd4j.getRandom().setSeed(shardSeed(stepSeeds[i], shard));
            net.fit(step);
            examples[i] = batch.examples();
            losses[i] = net.score();
        }
        if (data.hasNext()) {
            throw new IllegalStateException("task " + shard + " received more shards than the round's " + steps + " steps");
        }
        WorkerResult result = new WorkerResult(shard, examples, losses, startDigest, NetworkBytes.of(net));
        NetworkPool.give(configuration, net);
        return List.of(result).iterator();
    }

    private static void limitNd4jThreads(int threads) {
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /**
     * Drops the driver's worker copies and, in local mode, the networks the tasks kept in this
     * JVM; executors drop theirs when the application ends. The Spark context is the caller's.
     */
    @Override
    public void close() {
        copies.clear();
        copiesOf = null;
        if (sc.isLocal()) {
            NetworkPool.clear();
        }
    }
}
