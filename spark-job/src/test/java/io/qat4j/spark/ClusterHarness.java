package io.qat4j.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a cluster test class needs: the job jar, a {@link SparkInstallation} from Spark's classpath
 * file, a running two-worker {@link StandaloneCluster} (1 core and 2 GB each) under
 * {@code target/it/NAME} (emptied first), and {@code spark-submit} of the job jar to it. The locations come from
 * failsafe's system properties (spark-job's pom). A shutdown hook stops the cluster should the test
 * JVM be asked to exit before {@link #close()}.
 */
final class ClusterHarness implements AutoCloseable {

    private final Path dir;
    private final Path jobJar;
    private final SparkInstallation spark;
    private final StandaloneCluster cluster;

    private ClusterHarness(Path dir, Path jobJar, SparkInstallation spark, StandaloneCluster cluster) {
        this.dir = dir;
        this.jobJar = jobJar;
        this.spark = spark;
        this.cluster = cluster;
    }

    static ClusterHarness start(String name) throws Exception {
        Path itDir = Path.of(System.getProperty("qat4j.it.dir", "target/it")).toAbsolutePath();
        Path jobJar = Path.of(System.getProperty("qat4j.spark.jar", "target/qat4j-spark.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jobJar), "job jar missing (built in package): " + jobJar);
        Path classpath = Path.of(System.getProperty("qat4j.spark.classpath",
                "../spark-runtime/target/spark-classpath.txt")).toAbsolutePath();
        SparkInstallation spark = SparkInstallation.create(itDir.resolve("spark-home"), classpath);
        Path dir = itDir.resolve(name);
        deleteTree(dir);
        StandaloneCluster cluster = StandaloneCluster.start(spark, dir, 2, 1, "2g");
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        return new ClusterHarness(dir, jobJar, spark, cluster);
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

    @Override
    public void close() {
        cluster.close();
    }
}
