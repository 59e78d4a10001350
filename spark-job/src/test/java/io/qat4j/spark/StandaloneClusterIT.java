package io.qat4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * qat4j-spark.jar on a real Spark standalone cluster: a master and two workers, each its own JVM on
 * 127.0.0.1 (see {@link StandaloneCluster}), and jobs submitted through
 * {@code org.apache.spark.deploy.SparkSubmit} exactly as
 * {@code spark-submit --master spark://127.0.0.1:P --class io.qat4j.jobs.Qat4j qat4j-spark.jar ...}
 * runs them. Every JVM is stopped by its pid after the class, also on failure or timeout; logs are
 * under {@code target/it/} and their tails are printed when a step fails.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StandaloneClusterIT {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension
    static final ClusterHarness harness = new ClusterHarness("cluster-inspect");

    @Test
    void jobJarRunsUnderSparkSubmitInClientMode() throws Exception {
        Path artifact = fixtureArtifact();
        ChildJvm submit = harness.submit("submit-inspect-client", List.of("--deploy-mode", "client"), "inspect",
                artifact.toString());
        int code = submit.awaitExit(JOB_TIMEOUT);
        String out = submit.output();
        assertEquals(0, code, () -> "spark-submit failed\n" + submit.tail());
        assertInspected(out, submit.tail());
    }

    @Test
    void workerStartsTheDriverFromTheMinimalSparkHome() throws Exception {
        Path artifact = fixtureArtifact();
        ChildJvm submit = harness.submit("submit-inspect-cluster", List.of("--deploy-mode", "cluster"), "inspect",
                artifact.toString());
        assertEquals(0, submit.awaitExit(JOB_TIMEOUT), () -> "spark-submit failed\n" + submit.tail());
        String driverId = submit.awaitLine("driver id", l -> l.contains("Driver successfully submitted as"),
                Duration.ZERO).replaceAll(".*submitted as (\\S+).*", "$1");
        Path stdout = awaitDriverFinished(driverId);
        assertInspected(Files.readString(stdout), harness.cluster().tails());
    }

    private static Path fixtureArtifact() {
        Path artifact = Path.of(System.getProperty("qat4j.fixture.artifact",
                "../int8-executor/src/test/resources/artifacts/v2-small.qat4j")).toAbsolutePath();
        assertTrue(Files.isRegularFile(artifact), "fixture artifact missing: " + artifact);
        return artifact;
    }

    /** {@code inspect} found every op definition through the merged ServiceLoader files and the executor loaded it. */
    private static void assertInspected(String out, String context) {
        assertTrue(out.contains("op definitions:"), () -> "no inspect output\n" + context);
        assertFalse(out.contains("unknown to this qat4j"), () -> "op definitions missing from the jar's services\n" + out);
        assertTrue(out.contains("executor: loads"), () -> "artifact did not load\n" + out);
    }

    /** The driver a worker started in cluster mode writes {@code WORKDIR/DRIVER_ID/stdout}; waits for its exit. */
    private static Path awaitDriverFinished(String driverId) throws IOException, InterruptedException {
        long end = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            for (ChildJvm worker : harness.cluster().workers()) {
                String log = worker.output();
                if (log.contains("Driver " + driverId + " exited successfully")) {
                    try (Stream<Path> found = Files.find(harness.dir(), 3,
                            (p, a) -> p.getFileName().toString().equals("stdout") && p.getParent().getFileName().toString().equals(driverId))) {
                        return found.findFirst().orElseThrow(() -> new IOException("no stdout of " + driverId));
                    }
                }
                if (log.contains("Driver " + driverId + " failed") || log.contains("Driver " + driverId + " exited with failure")) {
                    throw new IOException("driver " + driverId + " failed\n" + harness.cluster().tails());
                }
            }
            Thread.sleep(300);
        }
        throw new IOException("driver " + driverId + " did not finish in " + JOB_TIMEOUT + "\n" + harness.cluster().tails());
    }
}
