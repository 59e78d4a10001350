package io.qat4j.executor.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Int8Executor#withThreads}: a convolutional network (the fixture model, every op per
 * example) splits its batch across threads and returns the single-threaded bytes for every batch
 * size and thread count, including more threads than examples; a graph network (gather and
 * scatter mix nodes) never splits and runs as before; {@link Tensor#slice} and
 * {@link Tensor#concat} are inverse.
 */
class ExecutorThreadsTest {

    @Test
    void aSplitBatchGivesTheSingleThreadedResultForEveryBatchAndThreadCount() throws Exception {
        LoadedArtifact a = FixtureModel.v2();
        Int8Executor one = Int8Executor.of(a, "fixture").withThreads(1);
        assertFalse(one.splitsBatches());
        int size = one.inputSize();
        Random r = new Random(5);
        for (int threads : new int[] {2, 3, 4, 7}) {
            Int8Executor many = one.withThreads(threads);
            assertTrue(many.splitsBatches(), "the fixture's ops are all per example");
            assertEquals(threads, many.threads());
            for (int batch : new int[] {1, 2, 3, 5, 8, 13}) {
                byte[] q = new byte[batch * size];
                r.nextBytes(q);
                Int8Executor.Output expected = one.runQuantized(q, batch);
                Int8Executor.Output actual = many.runQuantized(q, batch);
                assertArrayEquals(expected.accumulators(), actual.accumulators(), threads + " threads, batch " + batch);
                assertArrayEquals(expected.predictions(), actual.predictions());
            }
        }
        assertSame(one, one.withThreads(1));
        assertThrows(IllegalArgumentException.class, () -> one.withThreads(0));
    }

    /**
     * A batch run in parts of a few examples (one after the other on a thread, in ranges across threads) gives
     * the bytes of one whole-batch run, from codes and from floats (each part quantizes its own examples), for
     * parts that divide the batch and parts that do not (two part sizes alternate in the reused arrays).
     */
    @Test
    void aBatchInPartsGivesTheWholeBatchResult() throws Exception {
        LoadedArtifact a = FixtureModel.v2();
        Int8Executor whole = Int8Executor.of(a, "fixture").withThreads(1);
        int size = whole.inputSize();
        Random r = new Random(6);
        for (int threads : new int[] {1, 2, 3}) {
            for (int part : new int[] {1, 2, 3, 5}) {
                Int8Executor parts = whole.withThreads(threads).withExamplesPerPart(part);
                for (int batch : new int[] {1, 2, 7, 12, 13, 12}) {
                    float[] x = new float[batch * size];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (r.nextGaussian() * 2);
                    }
                    byte[] q = whole.quantizeInput(x);
                    Int8Executor.Output expected = whole.runQuantized(q, batch);
                    String what = threads + " threads, parts of " + part + ", batch " + batch;
                    assertArrayEquals(expected.accumulators(), parts.runQuantized(q, batch).accumulators(), what);
                    Int8Executor.Output fromFloats = parts.run(x, batch);
                    assertArrayEquals(expected.accumulators(), fromFloats.accumulators(), what + ", from floats");
                    assertArrayEquals(expected.logits(), fromFloats.logits(), what);
                    assertArrayEquals(expected.predictions(), fromFloats.predictions(), what);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> whole.withThreads(2).run(new float[size * 3 - 1], 3));
    }

    /**
     * Runs reuse, per thread, the arrays of the tensors no caller keeps: a sequence of runs with
     * varying batches (arrays reallocated when the size changes) gives the trace's fresh results,
     * and a graph output an earlier run returned is not touched by later runs, on one thread and
     * with the batch split over two.
     */
    @Test
    void reusedArraysNeverChangeWhatACallerHolds() throws Exception {
        LoadedArtifact a = FixtureModel.v2();
        ModelArtifact m = a.model();
        int pooled = m.ops().stream().filter(op -> op.opType().equals("max_pool2d")).findFirst().orElseThrow().output(0);
        int logits = m.graphOutputs()[0];
        LoadedArtifact twoOutputs = new LoadedArtifact(new ModelArtifact(m.formatVersion(), m.provenance(), m.tensors(), m.ops(),
                m.graphInputs(), new int[] {pooled, logits}), a.blobs());
        for (int threads : new int[] {1, 2}) {
            Int8Executor ex = Int8Executor.of(twoOutputs, "fixture").withThreads(threads);
            String in = ex.inputs().keySet().iterator().next();
            String pooledName = m.tensor(pooled).orElseThrow().name();
            int[] exampleShape = ex.inputs().get(in).shape();
            int size = ex.inputs().get(in).elementCount();
            Random r = new Random(9);
            Map<String, Tensor> held = null;
            byte[] heldCopy = null;
            for (int batch : new int[] {4, 4, 7, 1, 7, 4}) {
                byte[] q = new byte[batch * size];
                r.nextBytes(q);
                Map<String, Tensor> inputs = Map.of(in, Tensor.int8(Tensor.withLeading(batch, exampleShape), q));
                Map<String, Tensor> got = ex.run(inputs);
                Map<String, Tensor> fresh = ex.traceAll(inputs);
                assertArrayEquals(fresh.get(pooledName).bytes(), got.get(pooledName).bytes(), threads + " threads, batch " + batch);
                assertArrayEquals(fresh.get(m.tensor(logits).orElseThrow().name()).ints(),
                        got.get(m.tensor(logits).orElseThrow().name()).ints());
                if (held != null) {
                    assertArrayEquals(heldCopy, held.get(pooledName).bytes(), "an output of an earlier run is unchanged");
                }
                held = got;
                heldCopy = got.get(pooledName).bytes().clone();
            }
        }
    }

    @Test
    void loadingUsesTheAvailableProcessors() throws Exception {
        assertEquals(Runtime.getRuntime().availableProcessors(), Int8Executor.of(FixtureModel.v2(), "fixture").threads());
    }

    @Test
    void aGraphNetworkDoesNotSplit() throws Exception {
        Int8Executor ex = Int8Executor.of(GraphModel.chain(), "graph").withThreads(3);
        assertFalse(ex.splitsBatches(), "graph ops index nodes and edges across the leading dimension");
    }

    @Test
    void sliceAndConcatAreInverse() {
        int[] v = new int[5 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 7 - 20;
        }
        Tensor t = Tensor.int32(new int[] {5, 3}, v);
        Tensor joined = Tensor.concat(List.of(t.slice(0, 2), t.slice(2, 2), t.slice(2, 5)));
        assertArrayEquals(new int[] {5, 3}, joined.shape());
        assertArrayEquals(v, joined.ints());
        assertArrayEquals(new int[] {0, 3}, t.slice(4, 4).shape());
        assertThrows(IndexOutOfBoundsException.class, () -> t.slice(3, 6));
        assertThrows(IllegalArgumentException.class, () -> Tensor.concat(List.of(t, Tensor.int32(new int[] {1, 2}, new int[2]))));
        byte[] b = {1, 2, 3, 4};
        assertArrayEquals(new byte[] {3, 4}, Tensor.int8(new int[] {2, 2}, b).slice(1, 2).bytes());
    }
}
