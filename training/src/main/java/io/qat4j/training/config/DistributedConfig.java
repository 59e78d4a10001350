package io.qat4j.training.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code distributed} section (optional, all keys optional): whether and how a run trains on
 * Apache Spark by synchronous parameter averaging (McDonald et al., NAACL 2010; the scheme of
 * DL4J's {@code ParameterAveragingTrainingMaster}): every averaging round, each of {@code workers}
 * Spark tasks fits its shard of {@code averagingSteps} consecutive global minibatches, then the
 * driver merges the copies ({@code io.qat4j.training.distributed.WorkerStateMerge}).
 *
 * @param master {@value #NO_SPARK} (the local trainer, no Spark; under {@code spark-submit} the
 *     run uses spark-submit's master) or a Spark master URL: {@code local}, {@code local[N]},
 *     {@code local[*]}, {@code spark://host:port[,host:port]}, {@code yarn}, {@code k8s://...}
 * @param workers shards (Spark tasks) per averaging round, {@code >= 1} (default 2)
 * @param batchSizePerWorker examples of each shard; {@code workers * batchSizePerWorker} is the
 *     global minibatch and equals {@code training.batchSize} (default
 *     {@code training.batchSize / workers}); empty only when the master is {@value #NO_SPARK}, {@code workers}
 *     is not written and its default does not divide {@code training.batchSize}
 * @param averagingSteps local steps per worker between two averaging rounds, k {@code >= 1}
 *     (default 1)
 * @param nd4jThreadsPerTask ND4J threads in each Spark task, {@code >= 1} (default 1)
 * @param outputUri a Hadoop FileSystem URI to mirror the run folder to ({@code <outputUri>/<name>}),
 *     absolute with a scheme; empty: no mirror
 */
public record DistributedConfig(String master, int workers, OptionalInt batchSizePerWorker, int averagingSteps,
        int nd4jThreadsPerTask, Optional<URI> outputUri) {

    /** The {@code master} value of a run without Spark (the default). */
    public static final String NO_SPARK = "none";

    /** Default {@code workers}. */
    public static final int DEFAULT_WORKERS = 2;

    /** Checks that all components are present. */
    public DistributedConfig {
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(batchSizePerWorker, "batchSizePerWorker");
        Objects.requireNonNull(outputUri, "outputUri");
    }

    /**
     * @param training the run's training section
     * @return all defaults for that training section: no Spark, 2 workers of half the minibatch
     *     (when it is even), averaging every step, one ND4J thread per task, no mirror
     */
    public static DistributedConfig defaults(TrainingConfig training) {
        int b = training.batchSize();
        return new DistributedConfig(NO_SPARK, DEFAULT_WORKERS,
                b % DEFAULT_WORKERS == 0 ? OptionalInt.of(b / DEFAULT_WORKERS) : OptionalInt.empty(), 1, 1,
                Optional.empty());
    }

    /** @return whether the config names a Spark master (rather than {@value #NO_SPARK}) */
    public boolean namesSparkMaster() {
        return !NO_SPARK.equals(master);
    }
}
