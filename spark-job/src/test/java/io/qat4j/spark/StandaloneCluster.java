package io.qat4j.spark;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Spark standalone cluster on this machine: one master and N workers, each a separate JVM started
 * from a {@link SparkInstallation} and bound to 127.0.0.1, on free ports chosen here. This is what
 * Spark's {@code sbin/start-master.sh} and {@code sbin/start-worker.sh} start, without the scripts:
 * {@code spark-class org.apache.spark.deploy.master.Master --host 127.0.0.1 --port P --webui-port W}
 * and {@code spark-class org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores C --memory M
 * --work-dir DIR spark://127.0.0.1:P}.
 *
 * <p>{@link #close()} stops every JVM it started by its process id (workers first, with the
 * executors and drivers they started), whatever state the cluster is in.
 */
final class StandaloneCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final SparkInstallation spark;
    private final Path dir;
    private final int port;
    private final List<ChildJvm> jvms = new ArrayList<>();
    private final List<ChildJvm> workers = new ArrayList<>();
    private final List<Integer> workerPorts = new ArrayList<>();

    private StandaloneCluster(SparkInstallation spark, Path dir, int port) {
        this.spark = spark;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts the master and the workers and waits until every worker is registered.
     *
     * @param spark the Spark installation
     * @param dir folder for logs and the workers' work directories
     * @param workers number of workers
     * @param coresPerWorker cores each worker offers
     * @param memoryPerWorker memory each worker offers, Spark syntax ({@code 2g})
     * @return the running cluster; on failure everything started is stopped before the exception
     * @throws IOException when a JVM cannot start or a worker does not register in time
     */
    static StandaloneCluster start(SparkInstallation spark, Path dir, int workers, int coresPerWorker,
            String memoryPerWorker) throws IOException, InterruptedException {
        StandaloneCluster cluster = new StandaloneCluster(spark, dir, freePort());
        try {
            ChildJvm master = cluster.launch("master", spark.command("org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", Integer.toString(cluster.port),
                    "--webui-port", Integer.toString(freePort())));
            master.awaitLine("leadership", l -> l.contains("I have been elected leader"), START_TIMEOUT);
            for (int i = 1; i <= workers; i++) {
                Path work = Files.createDirectories(dir.resolve("worker-" + i));
                int workerPort = freePort();
                cluster.workerPorts.add(workerPort);
                ChildJvm worker = cluster.launch("worker-" + i, spark.command("org.apache.spark.deploy.worker.Worker",
                        "--host", "127.0.0.1", "--port", Integer.toString(workerPort),
                        "--webui-port", Integer.toString(freePort()), "--cores", Integer.toString(coresPerWorker),
                        "--memory", memoryPerWorker, "--work-dir", work.toString(), cluster.masterUrl()));
                cluster.workers.add(worker);
            }
            for (ChildJvm worker : cluster.workers) {
                worker.awaitLine("registration with the master", l -> l.contains("Successfully registered with master"),
                        START_TIMEOUT);
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** @return {@code spark://127.0.0.1:PORT} */
    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    /** @return the worker JVMs, in start order */
    List<ChildJvm> workers() {
        return List.copyOf(workers);
    }

    /** @return each worker's {@code host:port} (what the driver log names an executor's worker by), in start order */
    List<String> workerHostPorts() {
        return workerPorts.stream().map(p -> "127.0.0.1:" + p).toList();
    }

    /**
     * Starts a JVM that belongs to the cluster's lifetime (it is stopped by {@link #close()}).
     *
     * @param name name of the JVM and its log file
     * @param command the command line
     * @return the started JVM
     * @throws IOException when it cannot start
     */
    ChildJvm launch(String name, List<String> command) throws IOException {
        ChildJvm jvm = ChildJvm.start(name, command, spark.environment(), dir.resolve(name + ".log"));
        jvms.add(jvm);
        return jvm;
    }

    /** @return the tail of every JVM's log, for a failure message */
    String tails() {
        StringBuilder sb = new StringBuilder();
        for (ChildJvm jvm : jvms) {
            sb.append(jvm.tail()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (int i = jvms.size() - 1; i >= 0; i--) {
            jvms.get(i).close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
