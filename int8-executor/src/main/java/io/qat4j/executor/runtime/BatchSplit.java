package io.qat4j.executor.runtime;

import io.qat4j.executor.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A batch run in parts, for graphs whose every op computes example by example
 * ({@link Int8Executor#withThreads}): the batch is cut along its leading dimension into one range
 * of consecutive examples per thread (nearly equal sizes), and each range into consecutive parts
 * of at most {@code maxPart} examples, run one after the other on that thread, so that a thread's
 * working set (its activations and reused arrays) stays bounded for any batch. The calling thread
 * runs the first range and a pool
 * of daemon threads shared by all executors the others; the outputs are joined in order. Every
 * example is computed exactly as in one run, so the result is the single-threaded one bit for bit.
 */
final class BatchSplit {

    /** Runs examples {@code from .. to - 1} on the calling thread. */
    @FunctionalInterface
    interface Part {
        Map<String, Tensor> run(int from, int to);
    }

    /** Daemon threads, created on demand and ended after 30 s idle. */
    private static final ExecutorService WORKERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "qat4j-executor");
                t.setDaemon(true);
                return t;
            });

    private BatchSplit() {
    }

    /**
     * @param batch examples, {@code >= 1}
     * @param threads ranges at most
     * @param maxPart examples per part at most, {@code >= 1}
     * @param part runs one part on the calling thread
     * @return the outputs of the whole batch
     */
    static Map<String, Tensor> run(int batch, int threads, int maxPart, Part part) {
        int ranges = Math.min(threads, batch);
        List<Future<List<Map<String, Tensor>>>> futures = new ArrayList<>(ranges - 1);
        List<Map<String, Tensor>> results = new ArrayList<>();
        try {
            for (int k = 1; k < ranges; k++) {
                int from = (int) ((long) batch * k / ranges);
                int to = (int) ((long) batch * (k + 1) / ranges);
                futures.add(WORKERS.submit(() -> runRange(from, to, maxPart, part)));
            }
            results.addAll(runRange(0, batch / ranges, maxPart, part));
            for (Future<List<Map<String, Tensor>>> f : futures) {
                results.addAll(f.get());
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running a split batch", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (RuntimeException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        if (results.size() == 1) {
            return results.get(0);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : results.get(0).keySet()) {
            List<Tensor> pieces = new ArrayList<>(results.size());
            results.forEach(r -> pieces.add(r.get(name)));
            out.put(name, Tensor.concat(pieces));
        }
        return out;
    }

    /** Examples {@code from .. to - 1} in consecutive parts of at most {@code maxPart}, of nearly equal sizes. */
    private static List<Map<String, Tensor>> runRange(int from, int to, int maxPart, Part part) {
        int parts = (to - from + maxPart - 1) / maxPart;
        List<Map<String, Tensor>> out = new ArrayList<>(parts);
        for (int k = 0; k < parts; k++) {
            out.add(part.run(from + (int) ((long) (to - from) * k / parts), from + (int) ((long) (to - from) * (k + 1) / parts)));
        }
        return out;
    }
}
