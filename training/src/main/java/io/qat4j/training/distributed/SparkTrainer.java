package io.qat4j.training.distributed;

import io.qat4j.training.config.DistributedConfig;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.data.TaskDataLoader;
import io.qat4j.training.train.RunFolderListener;
import io.qat4j.training.train.RunLifecycle;
import io.qat4j.training.train.RunOptions;
import io.qat4j.training.train.TrainResult;
import io.qat4j.training.train.Trainer;
import java.io.IOException;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Trains the network of an experiment config on Apache Spark: the {@link RunLifecycle} with a
 * {@link SparkStepRunner} (synchronous parameter averaging, McDonald et al., NAACL 2010), so the
 * run folder, checkpoints, {@code --resume}, listeners, export and report are the local trainer's.
 * This JVM is the Spark driver: it creates the {@link JavaSparkContext} for the run (application
 * name {@code qat4j <name>}, the master the caller resolved) and stops it when the run ends, on
 * every path. Everything else in the Spark conf is left to its defaults and to {@code spark-submit}'s
 * flags ({@code --conf}, {@code --executor-memory}, ...), which reach the driver as system
 * properties that {@link SparkConf} reads; the console progress bar is off, since the run prints
 * its own, and unless given otherwise a round's task results travel with the task status, its
 * broadcast is not compressed, and executors run with {@code OMP_NUM_THREADS} set to
 * {@code distributed.nd4jThreadsPerTask}.
 */
public final class SparkTrainer implements Trainer {

    /** The environment variable from which OpenMP, and with it ND4J's native code, takes its thread count. */
    static final String OMP_THREADS = "OMP_NUM_THREADS";

    private final RunLifecycle.DataSource dataSource;
    private final String master;
    private final DistributedConfig distributed;
    private final int batchSizePerWorker;

    /**
     * @param config the run's config
     * @param master the Spark master URL to run on
     * @param dataSource where the data comes from (tests substitute a subset)
     * @throws IllegalArgumentException when {@code distributed.workers} does not divide
     *     {@code training.batchSize} (possible only without a config master, under spark-submit)
     */
    public SparkTrainer(ExperimentConfig config, String master, RunLifecycle.DataSource dataSource) {
        this.dataSource = dataSource;
        this.master = master;
        this.distributed = config.distributed();
        int global = config.training().batchSize();
        this.batchSizePerWorker = distributed.batchSizePerWorker().orElseThrow(() -> new IllegalArgumentException(
                "distributed.workers (" + distributed.workers() + ") does not divide training.batchSize (" + global
                        + ") into equal shards for the Spark run on " + master + "; set distributed.workers to a divisor"
                        + " of training.batchSize"));
    }

    /**
     * @param config the run's config
     * @param master the Spark master URL to run on
     */
    public SparkTrainer(ExperimentConfig config, String master) {
        this(config, master, TaskDataLoader::load);
    }

    @Override
    public TrainResult train(ExperimentConfig config, RunOptions options) throws IOException {
        SparkConf conf = new SparkConf()
                .setAppName("qat4j " + config.name())
                .setMaster(master)
                .set("spark.ui.showConsoleProgress", "false")
                // a round's task result is one network state (5.5 MB for the flagship CNN with Adam): sent back
                // with the task's status rather than through the block manager (default limit 1 MB), and its
                // broadcast not compressed (float bits hardly compress); spark-submit's --conf still wins
                .setIfMissing("spark.task.maxDirectResultSize", "64m")
                .setIfMissing("spark.broadcast.compress", "false")
                // ND4J's native code (oneDNN, OpenMP) sizes its thread pools from OMP_NUM_THREADS when its JVM starts,
                // which Environment.setMaxThreads does not change afterwards: executors get it in their environment
                .setIfMissing("spark.executorEnv." + OMP_THREADS, String.valueOf(distributed.nd4jThreadsPerTask()));
        warnAboutInProcessThreads(options);
        JavaSparkContext sc = new JavaSparkContext(conf);
        try {
            SparkStepRunner runner = new SparkStepRunner(sc, distributed.workers(), distributed.nd4jThreadsPerTask(),
                    distributed.averagingSteps());
            // the mirror reads the Hadoop settings of the Spark conf (spark.hadoop.*, HADOOP_CONF_DIR)
            RunFolderListener mirror = config.distributed().outputUri()
                    .<RunFolderListener>map(uri -> new HadoopRunMirror(uri, config.name(), sc.hadoopConfiguration()))
                    .orElse(RunFolderListener.NONE);
            return new RunLifecycle(runner, dataSource, mirror).run(config, options);
        } finally {
            sc.stop();
        }
    }

    /**
     * Tasks of a local master run in this JVM, whose native thread count was fixed at its start:
     * says how to get the configured ND4J threads per task when the environment does not give them.
     */
    private void warnAboutInProcessThreads(RunOptions options) {
        String threads = String.valueOf(distributed.nd4jThreadsPerTask());
        String omp = System.getenv(OMP_THREADS);
        if (master.startsWith("local") && !threads.equals(omp) && options.console() != null) {
            options.console().println("note: the tasks of " + master + " run in this JVM, whose native ND4J threads"
                    + " follow " + OMP_THREADS + " at its start (" + (omp == null ? "unset: all cores" : omp) + "), not"
                    + " distributed.nd4jThreadsPerTask=" + threads + "; start it with " + OMP_THREADS + "=" + threads
                    + " so that the tasks do not oversubscribe the cores");
        }
    }

    @Override
    public String description() {
        int k = distributed.averagingSteps();
        int threads = distributed.nd4jThreadsPerTask();
        return String.format(Locale.ROOT, "training on Spark %s: %d workers x %d examples, averaging every %d step%s,"
                + " %d ND4J thread%s per task", master, distributed.workers(), batchSizePerWorker, k, k == 1 ? "" : "s",
                threads, threads == 1 ? "" : "s");
    }
}
