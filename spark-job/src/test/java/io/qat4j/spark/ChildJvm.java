package io.qat4j.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A JVM that a test started as a child process, its standard output and error going to one log
 * file. It is stopped by its own process id: {@link #close()} destroys the process and every
 * descendant it started (executors, drivers) and forces them when they do not exit in time, so a
 * test that ends in any way, timeouts included, leaves no process behind.
 */
final class ChildJvm implements AutoCloseable {

    private static final Duration GRACE = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * @param name what the JVM is, for messages (e.g. {@code worker-1})
     * @param command the full command line, program first
     * @param env variables added to this JVM's environment
     * @param log file that receives standard output and error
     * @return the started JVM
     * @throws IOException when the process cannot be started
     */
    static ChildJvm start(String name, List<String> command, Map<String, String> env, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        // the command heads the log, so that a failure can be reproduced by hand
        Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return new ChildJvm(name, pb.start(), log);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** @return the log so far (the file is small: one JVM of a short test) */
    String output() throws IOException {
        return Files.readString(log, StandardCharsets.ISO_8859_1);
    }

    /**
     * Waits until the log holds a line that matches, failing early when the process exits.
     *
     * @param what the awaited event, for the error message
     * @param line the line test
     * @param timeout how long to wait
     * @return the first matching line
     * @throws IOException on reading the log, or when the JVM exits or the time runs out first
     */
    String awaitLine(String what, Predicate<String> line, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String l : output().split("\n")) {
                if (line.test(l)) {
                    return l;
                }
            }
            if (!process.isAlive()) {
                throw new IOException(name + " exited (code " + process.exitValue() + ") before: " + what + "\n" + tail());
            }
            if (System.nanoTime() > end) {
                throw new IOException(name + " did not reach within " + timeout + ": " + what + "\n" + tail());
            }
            Thread.sleep(200);
        }
    }

    /**
     * @param timeout how long to wait
     * @return the exit code
     * @throws IOException when the JVM is still running after the timeout (it is then stopped)
     */
    int awaitExit(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IOException(name + " still running after " + timeout + "; stopped\n" + tail());
        }
        return process.exitValue();
    }

    /** @return the last 60 lines of the log, headed by the JVM's name and log path */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return "---- last lines of " + name + " (pid " + pid() + ", " + log + ") ----\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "---- " + name + ": log " + log + " unreadable: " + e;
        }
    }

    /**
     * Suspends the JVM and its descendants (SIGSTOP): they hold their state and answer nothing
     * until {@link #resume()} or {@link #kill()}.
     */
    void suspend() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a {@link #suspend() suspended} JVM and its descendants run on (SIGCONT). */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-" + signal, Long.toString(process.pid())));
        process.descendants().forEach(p -> command.add(Long.toString(p.pid())));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " of " + name + " failed: " + out);
        }
    }

    /** Kills the JVM and its descendants at once (SIGKILL), as a crashed machine would. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the JVM and its descendants: SIGTERM, then SIGKILL for what is left after a grace period. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        long end = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle p : concat(descendants, process.toHandle())) {
            try {
                p.onExit().get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        try {
            process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<ProcessHandle> concat(List<ProcessHandle> list, ProcessHandle last) {
        return Stream.concat(list.stream(), Stream.of(last)).toList();
    }
}
