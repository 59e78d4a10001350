package io.qat4j.spark;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Spark installation made of Spark's own jars: a {@code SPARK_HOME} whose {@code jars/}
 * holds links to the jars of spark-core's runtime classpath (spark-runtime/target/spark-classpath.txt).
 *
 * <p>That is all a standalone worker needs to start executors and drivers: Spark's
 * {@code WorkerCommandBuilder} (via {@code CommandUtils.buildLocalCommand}) builds their command
 * with {@code AbstractCommandBuilder.buildClassPath}, which puts {@code SPARK_HOME/conf} (optional)
 * and {@code SPARK_HOME/jars/*} on the classpath ({@code findJarsDir} fails when {@code jars/} is
 * missing) and takes {@code java} from {@code JAVA_HOME} or the running JVM. The Scala version is
 * given by {@code SPARK_SCALA_VERSION}, as a binary distribution's {@code load-spark-env.sh} does.
 *
 * <p>Commands are built as the {@code spark-class} script builds them: by running Spark's
 * {@code org.apache.spark.launcher.Main} with the class and its arguments and executing the
 * NUL-separated command it prints (for {@code SparkSubmit} that includes the driver memory and the
 * {@code --add-opens} list Spark adds for Java 17).
 */
final class SparkInstallation {

    private final Path home;
    private final Path javaExecutable;

    private SparkInstallation(Path home) {
        this.home = home;
        this.javaExecutable = Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * @param home the folder to create as SPARK_HOME
     * @param classpathFile Spark's runtime classpath, entries separated by the path separator
     * @return the installation
     * @throws IOException when the folder cannot be written or a listed jar is missing
     */
    static SparkInstallation create(Path home, Path classpathFile) throws IOException {
        Path jars = home.resolve("jars");
        Files.createDirectories(jars);
        // links left by an earlier build against another Spark would put two Sparks on the classpath
        try (var old = Files.newDirectoryStream(jars)) {
            for (Path link : old) {
                Files.delete(link);
            }
        }
        String classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).strip();
        for (String entry : classpath.split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (!Files.isRegularFile(jar)) {
                throw new IOException("Spark classpath entry " + jar + " (from " + classpathFile + ") is not a file");
            }
            Path link = jars.resolve(jar.getFileName());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, jar);
        }
        return new SparkInstallation(home);
    }

    Path home() {
        return home;
    }

    /** @return the Scala binary version of Spark's jars, the build's {@code scala.binary.version} */
    private static String scalaBinaryVersion() {
        String v = System.getProperty("qat4j.scala.binary.version");
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property qat4j.scala.binary.version is not set (failsafe sets it from the pom)");
        }
        return v;
    }

    /** @return the environment every Spark JVM of the test gets: this SPARK_HOME, loopback only */
    Map<String, String> environment() {
        return Map.of("SPARK_HOME", home.toString(), "SPARK_SCALA_VERSION", scalaBinaryVersion(), "SPARK_LOCAL_IP", "127.0.0.1",
                "SPARK_CONF_DIR", home.resolve("conf").toString(), "JAVA_HOME", System.getProperty("java.home"));
    }

    /**
     * Builds the command line that {@code spark-class CLASS ARGS...} would run.
     *
     * @param mainClass e.g. {@code org.apache.spark.deploy.master.Master}
     * @param args its arguments
     * @return the command, program first
     * @throws IOException when Spark's launcher fails
     */
    List<String> command(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> launcher = new ArrayList<>(List.of(javaExecutable.toString(), "-Xmx128m", "-cp",
                home.resolve("jars") + "/*", "org.apache.spark.launcher.Main", mainClass));
        launcher.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(launcher);
        pb.environment().putAll(environment());
        Process p = pb.start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(p.getErrorStream(), err));
        errReader.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("Spark launcher did not finish in 60 s for " + mainClass);
        }
        errReader.join();
        if (p.exitValue() != 0) {
            throw new IOException("Spark launcher failed for " + mainClass + " (exit " + p.exitValue() + "): "
                    + err.toString(StandardCharsets.UTF_8));
        }
        List<String> command = new ArrayList<>();
        for (String part : new String(out, StandardCharsets.UTF_8).split("\0")) {
            // the launcher's output starts with a line break, which spark-class's read drops
            String arg = part.replaceFirst("^\\n+", "");
            if (!arg.isEmpty()) {
                command.add(arg);
            }
        }
        return command;
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        try {
            in.transferTo(to);
        } catch (IOException e) {
            to.writeBytes(("(stderr unreadable: " + e + ")").getBytes(StandardCharsets.UTF_8));
        }
    }
}
