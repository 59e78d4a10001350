package io.qat4j.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a cluster test class needs, as a JUnit extension ({@code @RegisterExtension static final
 * ClusterHarness harness = new ClusterHarness("NAME")}): before the class, the job jar, a
 * {@link SparkInstallation} from Spark's classpath file and a running two-worker
 * {@link StandaloneCluster} (1 core and 2 GB each) under {@code target/it/NAME} (emptied first);
 * {@code spark-submit} of the job jar to it; after the class, every JVM of the cluster stopped. The
 * locations come from failsafe's system properties (spark-job's pom). A shutdown hook stops the
 * cluster should the test JVM be asked to exit before that.
 */
final class ClusterHarness implements BeforeAllCallback, AfterAllCallback {

    private final String name;
    private Path dir;
    private Path jobJar;
    private SparkInstallation spark;
    private StandaloneCluster cluster;

    /** @param name the cluster's folder under {@code target/it} */
    ClusterHarness(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path itDir = Path.of(System.getProperty("qat4j.it.dir", "target/it")).toAbsolutePath();
        jobJar = Path.of(System.getProperty("qat4j.spark.jar", "target/qat4j-spark.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jobJar), "job jar missing (built in package): " + jobJar);
        Path classpath = Path.of(System.getProperty("qat4j.spark.classpath",
                "../spark-runtime/target/spark-classpath.txt")).toAbsolutePath();
        spark = SparkInstallation.create(itDir.resolve("spark-home"), classpath);
        dir = itDir.resolve(name);
        deleteTree(dir);
        cluster = StandaloneCluster.start(spark, dir, 2, 1, "2g");
        StandaloneCluster started = cluster;
        Runtime.getRuntime().addShutdownHook(new Thread(started::close));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
        }
    }

    Path dir() {
        return dir;
    }

    StandaloneCluster cluster() {
        return cluster;
    }

    /**
     * Starts {@code spark-submit --master MASTER [options] --class io.qat4j.jobs.Qat4j qat4j-spark.jar
     * ARGS} the way the script does (through Spark's launcher), as a JVM of the cluster's lifetime.
     *
     * @param name name of the JVM and its log
     * @param options spark-submit options before {@code --class}
     * @param qat4jArgs the qat4j command line
     * @return the submitting JVM (the driver, in client mode)
     */
    ChildJvm submit(String name, List<String> options, String... qat4jArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--master", cluster.masterUrl()));
        args.addAll(options);
        args.addAll(List.of("--conf", "spark.driver.host=127.0.0.1", "--class", "io.qat4j.jobs.Qat4j", jobJar.toString()));
        args.addAll(List.of(qat4jArgs));
        return cluster.launch(name, spark.command("org.apache.spark.deploy.SparkSubmit", args.toArray(String[]::new)));
    }

    /**
     * {@code spark-submit ... qat4j-spark.jar train CONFIG --set distributed.master=none --set
     * distributed.workers=2}: the config leaves the master to spark-submit.
     */
    ChildJvm submitTrain(String name, Path config) throws Exception {
        return submit(name, List.of("--driver-memory", "1g", "--executor-memory", "1g"), "train", config.toString(),
                "--set", "distributed.master=none", "--set", "distributed.workers=2");
    }

    /** Deletes a folder and everything in it (what an earlier run of the test left), if it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
