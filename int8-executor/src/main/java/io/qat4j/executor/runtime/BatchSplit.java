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
import java.util.function.Function;

/**
 * A batch run in parts on several threads, for graphs whose every op computes example by example
 * ({@link Int8Executor#withThreads}): the inputs are cut along their leading dimension into
 * consecutive parts of nearly equal size, the calling thread runs the first and a pool of daemon
 * threads shared by all executors the others, and each output is joined in order. Every example
 * is then computed exactly as in one run, so the result is the single-threaded one bit for bit.
 */
final class BatchSplit {

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
     * @param inputs named inputs, each with leading dimension {@code batch}
     * @param batch examples, {@code >= 1}
     * @param threads parts at most
     * @param runPart runs one part on the calling thread
     * @return the outputs of the whole batch
     */
    static Map<String, Tensor> run(Map<String, Tensor> inputs, int batch, int threads,
                                   Function<Map<String, Tensor>, Map<String, Tensor>> runPart) {
        int parts = Math.min(threads, batch);
        List<Map<String, Tensor>> split = new ArrayList<>(parts);
        for (int k = 0; k < parts; k++) {
            int from = (int) ((long) batch * k / parts);
            int to = (int) ((long) batch * (k + 1) / parts);
            Map<String, Tensor> part = new LinkedHashMap<>();
            inputs.forEach((name, t) -> part.put(name, t.slice(from, to)));
            split.add(part);
        }
        List<Future<Map<String, Tensor>>> futures = new ArrayList<>(parts - 1);
        for (int k = 1; k < parts; k++) {
            Map<String, Tensor> part = split.get(k);
            futures.add(WORKERS.submit(() -> runPart.apply(part)));
        }
        List<Map<String, Tensor>> results = new ArrayList<>(parts);
        try {
            results.add(runPart.apply(split.get(0)));
            for (Future<Map<String, Tensor>> f : futures) {
                results.add(f.get());
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
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : results.get(0).keySet()) {
            List<Tensor> pieces = new ArrayList<>(parts);
            results.forEach(r -> pieces.add(r.get(name)));
            out.put(name, Tensor.concat(pieces));
        }
        return out;
    }
}
