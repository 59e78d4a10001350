package io.qat4j.training.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.config.binding.YamlNode;
import io.qat4j.training.distributed.SparkMasters;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The schema of the {@code distributed} section, shared by every model family: its keys, their
 * binding with defaults and validation, and writing a {@link DistributedConfig} back.
 *
 * <p>Rules beyond the ranges: the master is {@value DistributedConfig#NO_SPARK} or a master URL in
 * one of the forms Spark's {@code SparkContext} and {@code spark-submit} accept (Spark 3.5
 * "Submitting Applications", "Master URLs"); under {@code spark-submit} (which sets the JVM system
 * property {@value io.qat4j.training.distributed.SparkMasters#SUBMIT_PROPERTY}) a config master other than
 * {@value DistributedConfig#NO_SPARK} must equal spark-submit's {@code --master}; the global
 * minibatch {@code workers * batchSizePerWorker} is {@code training.batchSize} (checked unless
 * the config names no master and no workers, where the local trainer never shards); {@code outputUri}
 * is an absolute URI with a scheme.
 */
final class DistributedSchema {

    static final List<String> KEYS = List.of("master", "workers", "batchSizePerWorker", "averagingSteps",
            "nd4jThreadsPerTask", "outputUri");

    /** Most workers, averaging steps and ND4J threads per task: far above any real cluster. */
    static final int MAX_COUNT = 1 << 16;

    private static final Pattern MASTER = Pattern.compile(
            "local(\\[([1-9][0-9]*|\\*)])?"
            + "|spark://[^\\s,:/]+:[0-9]{1,5}(,[^\\s,:/]+:[0-9]{1,5})*"
            + "|yarn"
            + "|k8s://\\S+");

    private DistributedSchema() {
    }

    /**
     * @param root the document
     * @param training the bound training section, null after a problem there (the cross-section
     *     rule is then skipped)
     * @return the section (all defaults when absent), or null when a problem was reported
     */
    static DistributedConfig bind(Section root, TrainingConfig training) {
        Section s = root.section("distributed", KEYS, false);
        if (s == null) {
            return null;
        }
        int before = s.problems().size();
        String master = master(s);
        Integer workers = s.intOr("workers", DistributedConfig.DEFAULT_WORKERS, 1, MAX_COUNT);
        YamlNode perWorkerNode = s.value("batchSizePerWorker");
        Integer perWorker = perWorkerNode == null ? null
                : s.intOr("batchSizePerWorker", 1, 1, TrainingConfig.MAX_BATCH_SIZE);
        Integer averagingSteps = s.intOr("averagingSteps", 1, 1, MAX_COUNT);
        Integer threads = s.intOr("nd4jThreadsPerTask", 1, 1, MAX_COUNT);
        Optional<URI> outputUri = outputUri(s);
        if (s.problems().size() > before || training == null) {
            return null;
        }
        int global = training.batchSize();
        OptionalInt batchSizePerWorker;
        if (perWorker != null) {
            if ((long) perWorker * workers != global) {
                s.problem(s.valueLocation("batchSizePerWorker"), "batchSizePerWorker", "times "
                        + s.path("workers") + " (" + workers + ") is the global minibatch, " + perWorker * (long) workers
                        + ", which must equal training.batchSize (" + global + "); change one of the three keys");
                return null;
            }
            batchSizePerWorker = OptionalInt.of(perWorker);
        } else if (global % workers == 0) {
            batchSizePerWorker = OptionalInt.of(global / workers);
        } else if (!DistributedConfig.NO_SPARK.equals(master) || s.value("workers") != null) {
            s.problem(s.valueLocation("workers"), "workers", workers + " workers do not divide training.batchSize ("
                    + global + ") into equal shards; choose a divisor for " + s.path("workers")
                    + " or set training.batchSize to a multiple of it");
            return null;
        } else {
            // no Spark named, no workers written: the local trainer never shards (under spark-submit the trainer
            // reports it)
            batchSizePerWorker = OptionalInt.empty();
        }
        return new DistributedConfig(master, workers, batchSizePerWorker, averagingSteps, threads, outputUri);
    }

    private static String master(Section s) {
        YamlNode n = s.value("master");
        String submitted = SparkMasters.submitted().orElse(null);
        if (n == null) {
            return DistributedConfig.NO_SPARK;
        }
        String master = s.reader().text(n, s.path("master"));
        if (master == null) {
            return null;
        }
        if (!master.equals(DistributedConfig.NO_SPARK) && !MASTER.matcher(master).matches()) {
            s.problem(n.location(), "master", "expected `none` (train without Spark) or a Spark master URL:"
                    + " local, local[N], local[*], spark://host:port[,host:port], yarn or k8s://https://host:port;"
                    + " got '" + master + "'");
            return null;
        }
        if (submitted != null && !master.equals(DistributedConfig.NO_SPARK) && !master.equals(submitted)) {
            s.problem(n.location(), "master", "is '" + master + "' but spark-submit runs this driver with --master "
                    + submitted + "; remove the key (or --set distributed.master=none) to use spark-submit's master,"
                    + " or submit with --master " + master);
            return null;
        }
        return master;
    }

    private static Optional<URI> outputUri(Section s) {
        YamlNode n = s.value("outputUri");
        if (n == null) {
            return Optional.empty();
        }
        String text = s.reader().text(n, s.path("outputUri"));
        if (text == null) {
            return null;
        }
        String expected = "; expected an absolute Hadoop FileSystem URI such as file:///data/runs,"
                + " hdfs://namenode:8020/runs or s3a://bucket/runs";
        try {
            URI uri = new URI(text);
            if (!uri.isAbsolute() || uri.isOpaque()) {
                s.problem(n.location(), "outputUri", "'" + text + "' has no scheme or no path" + expected);
                return null;
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            s.problem(n.location(), "outputUri", "'" + text + "' is not a URI (" + e.getReason() + " at index "
                    + e.getIndex() + ")" + expected);
            return null;
        }
    }

    /**
     * @param d a bound section
     * @param out the {@code distributed} mapping to fill, every default written out
     */
    static void write(DistributedConfig d, ObjectNode out) {
        out.put("master", d.master());
        // without a per-worker size (no Spark, the default workers not dividing the batch) neither key is written,
        // as neither was read
        if (d.batchSizePerWorker().isPresent()) {
            out.put("workers", d.workers());
            out.put("batchSizePerWorker", d.batchSizePerWorker().getAsInt());
        }
        out.put("averagingSteps", d.averagingSteps());
        out.put("nd4jThreadsPerTask", d.nd4jThreadsPerTask());
        d.outputUri().ifPresent(u -> out.put("outputUri", u.toString()));
    }
}
