package io.qat4j.executor.runtime;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.InputDataException;
import io.qat4j.executor.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The contract every mutated artifact is held to (issue 8, Found 1): it is read, loaded with the
 * standard op registry and run on a small batch of random inputs, through the general API and,
 * for a classifier graph, through the classifier API; or it is rejected with an
 * {@link ArtifactFormatException} whose message names its location and never says "byte offset
 * -1". Graph ops check their structure inputs on every run (node indices, graph ids: data the
 * artifact cannot constrain), so a mutant whose graph makes the generated structure invalid (a
 * size input with fewer rows than the indices refer to) may also end in an
 * {@link InputDataException} that names the op; the generated INT32 inputs are valid indices and
 * graph ids for {@value #BATCH} nodes, so the unmutated seeds always run. Anything else (another
 * exception, an error such as {@link OutOfMemoryError}, more than {@link #LIMIT_MILLIS} ms) is a
 * failure. Counts outcomes, the slowest mutant and the largest heap
 * in use after a mutant ran, for the figures README reports.
 */
public final class MutantRunner implements AutoCloseable {

    /** The time one mutant may take, read, load and run together. */
    public static final long LIMIT_MILLIS = 5_000;
    /** The batch each loaded mutant runs. */
    static final int BATCH = 2;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mutant-runner");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private static volatile long largestHeapInUse;
    private long slowestNanos;
    private String slowest = "";
    private int count;

    private final Map<String, String> failures = new TreeMap<>();

    /**
     * Reads, loads and runs one mutant; a mutant that breaks the contract is recorded as a failure
     * (the first one of each kind, with its description), see {@link #failures()}.
     *
     * @param mutant the artifact's bytes
     * @param description how the mutant was made, for the failure message
     */
    public void check(byte[] mutant, String description) {
        try {
            checkOrThrow(mutant, description);
        } catch (AssertionError e) {
            Throwable c = e;
            while (c.getCause() != null && c instanceof AssertionError) {
                c = c.getCause();
            }
            StackTraceElement[] at = c.getStackTrace();
            String kind = c instanceof ArtifactFormatException f ? "unlocated or wrapped " + f.field().replaceAll("\\[\\d+]", "[]")
                    : c.getClass().getSimpleName() + (at.length > 0 ? " at " + at[0] : "");
            failures.putIfAbsent(kind, e.getMessage());
            outcomes.merge("FAILED: " + kind, 1, Integer::sum);
            count++;
        }
    }

    /** @return the first failure of each kind, by kind; empty when every mutant kept the contract */
    public Map<String, String> failures() {
        return failures;
    }

    private void checkOrThrow(byte[] mutant, String description) {
        long start = System.nanoTime();
        Future<String> f = worker.submit(() -> outcome(mutant));
        String outcome;
        try {
            outcome = f.get(LIMIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("took more than " + LIMIT_MILLIS + " ms: " + description);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause() + ": " + description, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + description, e);
        }
        long nanos = System.nanoTime() - start;
        if (nanos > slowestNanos) {
            slowestNanos = nanos;
            slowest = description;
        }
        count++;
        outcomes.merge(outcome, 1, Integer::sum);
    }

    private static String outcome(byte[] mutant) {
        LoadedArtifact a;
        try {
            a = ArtifactReader.read(mutant);
        } catch (ArtifactFormatException e) {
            located(e);
            return "rejected by the reader";
        }
        Int8Executor ex;
        try {
            ex = Int8Executor.of(a, "mutant.qat4j");
        } catch (ArtifactFormatException e) {
            located(e);
            return "rejected at load: " + e.field().replaceAll("\\[\\d+]", "[]").replaceAll("(?s)attributes\\..*", "attributes.*");
        }
        Random r = new Random(mutant.length);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        ex.inputs().forEach((name, t) -> inputs.put(name, random(t, r)));
        Map<String, Tensor> outputs;
        try {
            outputs = ex.run(inputs);
        } catch (InputDataException e) {
            if (!e.getMessage().matches("[a-z_0-9]+ '.*': .*")) {
                throw new AssertionError("a run-time data error that does not name its op: " + e.getMessage(), e);
            }
            return "loaded, input data rejected at run";
        }
        String outcome = "loaded and ran";
        if (a.model().graphInputs().length == 1 && isClassifier(ex)) {
            float[] x = new float[BATCH * ex.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            ex.run(x, BATCH);
            outcome = "loaded and ran (classifier)";
        }
        // sampled while the executor and its outputs are still reachable
        largestHeapInUse = Math.max(largestHeapInUse, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        return outputs.isEmpty() ? "ran without outputs" : outcome;
    }

    private static boolean isClassifier(Int8Executor ex) {
        try {
            ex.classes();
            return true;
        } catch (IllegalStateException notOne) {
            return false;
        }
    }

    private static void located(ArtifactFormatException e) {
        String m = e.getMessage();
        if (e.field() == null || e.field().isEmpty() || m.contains("offset -1") || !(m.contains("byte offset") || m.contains("at load"))) {
            throw new AssertionError("an artifact error without a location: " + m, e);
        }
        if (e.getCause() instanceof RuntimeException || m.contains("(unexpected ")) {
            throw new AssertionError("a safety net caught " + e.getCause() + ": " + m, e);
        }
    }

    private static Tensor random(TensorInfo t, Random r) {
        int[] shape = Tensor.withLeading(BATCH, t.shape());
        int n = BATCH * t.elementCount();
        long lo = t.type().minValue(t.bits());
        long hi = t.type().maxValue(t.bits());
        if (t.type() == ElementType.INT32) {
            // graph structure: node indices and graph ids, valid for a batch of BATCH nodes (start at 0, rise by 0 or 1, below BATCH)
            int[] v = new int[n];
            for (int i = 1; i < n; i++) {
                v[i] = Math.min(BATCH - 1, v[i - 1] + r.nextInt(2));
            }
            return Tensor.int32(shape, v);
        }
        if (t.type() == ElementType.INT16) {
            short[] v = new short[n];
            for (int i = 0; i < n; i++) {
                v[i] = (short) (lo + r.nextInt((int) (hi - lo + 1)));
            }
            return Tensor.int16(shape, v);
        }
        byte[] v = new byte[n];
        if (hi - lo == 255) {
            r.nextBytes(v); // all 256 codes, uniform: a mutant's input of 2^23 codes takes milliseconds, not the mutant's time budget
        } else {
            for (int i = 0; i < n; i++) {
                v[i] = (byte) (lo + r.nextInt((int) (hi - lo + 1)));
            }
        }
        return t.type() == ElementType.UINT8 ? Tensor.uint8(shape, v) : Tensor.int8(shape, v);
    }

    /**
     * @param perBuild the fuzz test's own count
     * @return the number of mutants a fuzz test runs: {@code -Dqat4j.fuzz.count} when positive, else {@code perBuild}
     */
    public static int count(int perBuild) {
        int n = Integer.getInteger("qat4j.fuzz.count", 0);
        return n > 0 ? n : perBuild;
    }

    /** @return mutants checked */
    public int count() {
        return count;
    }

    /** @return mutants by outcome */
    public Map<String, Integer> outcomes() {
        return outcomes;
    }

    /** @return the figures: counts by outcome, the slowest mutant, the peak heap */
    public String report(String title) {
        StringBuilder sb = new StringBuilder(String.format("%s: %d mutants%n", title, count));
        outcomes.forEach((k, v) -> sb.append(String.format("  %8d  %s%n", v, k)));
        sb.append(String.format("  slowest mutant %.1f ms (%s)%n", slowestNanos / 1e6, slowest));
        sb.append(String.format("  largest heap in use after a mutant ran %.1f MiB, max heap %.1f MiB%n", largestHeapInUse / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576.0));
        return sb.toString();
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
