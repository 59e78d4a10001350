package io.qat4j.training.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigProblem;
import io.qat4j.training.distributed.SparkMasters;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code distributed} section: defaults, ranges, the cross-section rule, master URLs, the URI, round trips. */
class DistributedConfigTest {

    /** A minimal config with batch 64 (line 10) and the given {@code distributed} lines from line 11. */
    private static String yaml(String... distributed) {
        return String.join("\n",
                "name: d",                                            // 1
                "dataset: {name: fashion-mnist}",                     // 2
                "model:",                                             // 3
                "  input: {channels: 1, height: 28, width: 28}",      // 4
                "  layers:",                                          // 5
                "    - {type: conv2d, filters: 4, kernel: 5}",        // 6
                "    - {type: maxpool, kernel: 2}",                   // 7
                "    - {type: output, classes: 10}",                  // 8
                "training:",                                          // 9
                "  batchSize: 64",                                    // 10
                distributed.length == 0 ? "" : "distributed:\n" + String.join("\n", distributed)) + "\n";
    }

    private static DistributedConfig load(String yaml, String... overrides) {
        return ExperimentConfigLoader.parse(yaml, "d.yaml", List.of(overrides)).distributed();
    }

    /** Asserts one problem at {@code path} on {@code line} whose message holds {@code fragment}. */
    private static void rejected(String yaml, String path, int line, String fragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        assertEquals(1, e.problems().size(), e.getMessage());
        ConfigProblem p = e.problems().get(0);
        assertEquals(path, p.path(), e.getMessage());
        assertEquals(line, p.location().line(), e.getMessage());
        assertTrue(p.message().contains(fragment), () -> "expected '" + fragment + "' in " + e.getMessage());
        assertTrue(e.getMessage().contains("d.yaml:" + line + ":"), e.getMessage());
    }

    @Test
    void everyKeyHasItsDefaultWithoutTheSection() {
        DistributedConfig d = load(yaml());
        assertEquals(new DistributedConfig("none", 2, OptionalInt.of(32), 1, 1, Optional.empty()), d);
        assertEquals(d, load(yaml("  master: none")));
        assertTrue(!d.namesSparkMaster());
    }

    @Test
    void everyKeyIsBound() {
        DistributedConfig d = load(yaml("  master: 'spark://10.0.0.1:7077,10.0.0.2:7077'", "  workers: 4",
                "  batchSizePerWorker: 16", "  averagingSteps: 3", "  nd4jThreadsPerTask: 2",
                "  outputUri: hdfs://nn:8020/runs"));
        assertEquals(new DistributedConfig("spark://10.0.0.1:7077,10.0.0.2:7077", 4, OptionalInt.of(16), 3, 2,
                Optional.of(URI.create("hdfs://nn:8020/runs"))), d);
        assertTrue(d.namesSparkMaster());
        assertEquals(OptionalInt.of(8), load(yaml("  workers: 8")).batchSizePerWorker());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "local", "local[1]", "local[16]", "local[*]", "spark://host:7077",
        "spark://a:7077,b:7078", "yarn", "k8s://https://10.0.0.1:6443"})
    void masterUrlsSparkAcceptsAreAccepted(String master) {
        assertEquals(master, load(yaml(), "distributed.master=" + master).master());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local[0]", "local[x]", "spark://host", "spark://:7077", "mesos://h:5050", "yarm",
        "k8s://", "LOCAL"})
    void otherMastersAreRejectedWithKeyAndLine(String master) {
        rejected(yaml("  master: '" + master + "'"), "distributed.master", 12, "expected `none` (train without Spark)"
                + " or a Spark master URL");
    }

    @Test
    void countsOutOfRangeAreRejectedWithKeyAndLine() {
        rejected(yaml("  workers: 0"), "distributed.workers", 12, "must be between 1 and 65536, got 0");
        rejected(yaml("  batchSizePerWorker: 0"), "distributed.batchSizePerWorker", 12, "must be between 1 and 65536");
        rejected(yaml("  averagingSteps: 0"), "distributed.averagingSteps", 12, "must be between 1 and 65536");
        rejected(yaml("  nd4jThreadsPerTask: -1"), "distributed.nd4jThreadsPerTask", 12, "must be between 1 and 65536");
        rejected(yaml("  workers: two"), "distributed.workers", 12, "");
    }

    @Test
    void theGlobalMinibatchMustBeTheTrainingBatch() {
        rejected(yaml("  workers: 3"), "distributed.workers", 12, "3 workers do not divide training.batchSize (64)");
        rejected(yaml("  workers: 2", "  batchSizePerWorker: 16"), "distributed.batchSizePerWorker", 13,
                "times distributed.workers (2) is the global minibatch, 32, which must equal training.batchSize (64)");
        // without Spark the local trainer does not shard: an odd batch loads, with no per-worker size
        DistributedConfig odd = load(yaml().replace("batchSize: 64", "batchSize: 63"));
        assertEquals(OptionalInt.empty(), odd.batchSizePerWorker());
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(yaml().replace("batchSize: 64", "batchSize: 63"), "distributed.master=local[2]"));
        assertTrue(e.getMessage().contains("2 workers do not divide training.batchSize (63)"), e.getMessage());
    }

    @Test
    void outputUriMustBeAbsoluteWithAScheme() {
        assertEquals(Optional.of(URI.create("file:///tmp/runs")), load(yaml("  outputUri: file:///tmp/runs")).outputUri());
        assertEquals(Optional.of(URI.create("s3a://bucket/runs")), load(yaml("  outputUri: s3a://bucket/runs")).outputUri());
        rejected(yaml("  outputUri: /tmp/runs"), "distributed.outputUri", 12, "'/tmp/runs' has no scheme or no path");
        rejected(yaml("  outputUri: 'mailto:a@b'"), "distributed.outputUri", 12, "has no scheme or no path");
        rejected(yaml("  outputUri: 'hdfs://nn:8020/a b'"), "distributed.outputUri", 12, "is not a URI (Illegal character");
    }

    @Test
    void underSparkSubmitAConfigMasterMustBeSparkSubmits() {
        String before = System.getProperty(SparkMasters.SUBMIT_PROPERTY);
        System.setProperty(SparkMasters.SUBMIT_PROPERTY, "spark://127.0.0.1:7077");
        try {
            rejected(yaml("  master: 'local[2]'"), "distributed.master", 12,
                    "is 'local[2]' but spark-submit runs this driver with --master spark://127.0.0.1:7077");
            assertEquals("none", load(yaml()).master());
            assertEquals("spark://127.0.0.1:7077", load(yaml("  master: 'spark://127.0.0.1:7077'")).master());
        } finally {
            if (before == null) {
                System.clearProperty(SparkMasters.SUBMIT_PROPERTY);
            } else {
                System.setProperty(SparkMasters.SUBMIT_PROPERTY, before);
            }
        }
    }

    @Test
    void unknownKeysAreNamed() {
        rejected(yaml("  worker: 2"), "distributed.worker", 12, "unknown key `worker` under `distributed`");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  master: 'local[*]'\n  workers: 4\n  averagingSteps: 5\n  nd4jThreadsPerTask: 3",
        "  master: yarn\n  batchSizePerWorker: 32\n  outputUri: 'abfs://c@acct.dfs.core.windows.net/runs'"})
    void theSectionRoundTripsThroughToYaml(String section) {
        ExperimentConfig c = ExperimentConfigLoader.parse(section.isEmpty() ? yaml() : yaml(section), "d.yaml");
        String written = c.toYaml();
        assertEquals(c, ExperimentConfigLoader.parse(written, "written.yaml"));
        assertTrue(written.contains("distributed:\n  master: "), written);
        ExperimentConfig odd = ExperimentConfigLoader.parse(yaml().replace("batchSize: 64", "batchSize: 63"), "d.yaml");
        assertEquals(odd, ExperimentConfigLoader.parse(odd.toYaml(), "written.yaml"));
    }
}
