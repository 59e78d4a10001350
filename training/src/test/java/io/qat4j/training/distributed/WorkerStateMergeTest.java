package io.qat4j.training.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.export.Int8Exporter;
import io.qat4j.quant.layers.QuantParams;
import io.qat4j.quant.layers.QuantizedLayer;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.ObserverKind;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.model.NetworkBuilder;
import io.qat4j.training.train.LocalTrainerTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The merge of data-parallel worker copies on real networks of the local trainer's CNN family
 * ({@code LocalTrainerTest.config}: folded batch norm, 4-bit weights, quantization from step 4):
 * copies trained on different data, merged, checked rule by rule against a computation from the
 * individual copies' parameter tables, then broadcast.
 */
class WorkerStateMergeTest {

    private static final Path OUT = Path.of("target", "merge-test-runs");
    /** Replaces the max-pool layer with a residual block, so that a quantized add vertex (a non-layer vertex) holds observer state. */
    private static final String RESIDUAL = "model.layers[1]={type: residual, filters: 4, stride: 1}";

    private static ExperimentConfig config(String observer, String... extra) {
        List<String> sets = new ArrayList<>(List.of("quantization.activations.observer=" + observer));
        sets.addAll(List.of(extra));
        return LocalTrainerTest.config(OUT, "merge-" + observer, sets.toArray(String[]::new));
    }

    private static List<ComputationGraph> copies(ExperimentConfig config, int n) {
        List<ComputationGraph> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new NetworkBuilder(config, 6).build());
        }
        return out;
    }

    /** Trains a copy {@code steps} steps on random images and labels drawn from {@code seed}. */
    private static void train(ComputationGraph net, long seed, int steps) {
        for (int s = 0; s < steps; s++) {
            Nd4j.getRandom().setSeed(seed * 1000 + s);
            INDArray x = Nd4j.rand(DataType.FLOAT, 16, 1, 28, 28).muli(1 + seed);
            INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, 10);
            for (int i = 0; i < 16; i++) {
                labels.putScalar(i, (int) ((seed * 7 + i * 3 + s) % 10), 1.0);
            }
            net.fit(new DataSet(x, labels));
        }
    }

    /** @return every parameter of every vertex as floats, by {@code vertex/key}, copied */
    private static Map<String, float[]> tables(ComputationGraph net) {
        Map<String, float[]> out = new HashMap<>();
        for (GraphVertex v : net.getVertices()) {
            Map<String, INDArray> t = v.paramTable(false);
            if (t != null) {
                t.forEach((k, a) -> out.put(v.getVertexName() + "/" + k, a.dup().reshape(a.length()).toFloatVector()));
            }
        }
        return out;
    }

    /** @return {@code vertex/key} of each observer state, with its observer kind, from the layer contract */
    private static Map<String, ObserverKind> observers(ComputationGraph net) {
        Map<String, ObserverKind> out = new HashMap<>();
        for (GraphVertex v : net.getVertices()) {
            QuantizedLayer.of(v).flatMap(QuantizedLayer::outputQuantizer).ifPresent(
                    q -> out.put(v.getVertexName() + "/" + q.stateParam(), q.spec().observer().kind()));
        }
        return out;
    }

    private static float[] updater(ComputationGraph net) {
        return net.getUpdater().getStateViewArray().dup().reshape(-1).toFloatVector();
    }

    private static float mean(List<float[]> values, int i) {
        double sum = 0;
        for (float[] v : values) {
            sum += v[i];
        }
        return (float) (sum / values.size());
    }

    private static void assertBitIdentical(ComputationGraph a, ComputationGraph b, String what) {
        assertArrayEquals(a.params().toFloatVector(), b.params().toFloatVector(), what + ": parameters");
        assertArrayEquals(updater(a), updater(b), what + ": updater state");
        assertEquals(a.getIterationCount(), b.getIterationCount(), what + ": iteration count");
        assertEquals(a.getEpochCount(), b.getEpochCount(), what + ": epoch count");
    }

    @ParameterizedTest(name = "{0} observers, {1} workers {2}")
    @CsvSource({"minmax, 2, ''", "minmax, 3, ''", "ema, 2, ''", "ema, 3, residual", "percentile, 2, ''",
            "percentile, 3, residual"})
    void mergeFollowsEachRuleElementByElementAndLeavesEveryWorkerIdentical(String observer, int n, String variant) {
        ExperimentConfig config = variant.isEmpty() ? config(observer) : config(observer, RESIDUAL);
        List<ComputationGraph> workers = copies(config, n);
        for (int w = 0; w < n; w++) {
            train(workers.get(w), w + 1, 5);
        }
        List<Map<String, float[]>> before = workers.stream().map(WorkerStateMergeTest::tables).toList();
        List<float[]> updaters = workers.stream().map(WorkerStateMergeTest::updater).toList();
        Map<String, ObserverKind> observers = observers(workers.get(0));
        // input, L0_conv, L2_dense (the logits stay float); the residual block adds its convolutions and its add
        assertEquals(variant.isEmpty() ? 3 : 6, observers.size(), observers.toString());
        assertTrue(observers.values().stream().allMatch(k -> k == config.quantization().activations().observer()));

        WorkerStateMerge.MergedState merged = WorkerStateMerge.merge(workers);
        for (ComputationGraph w : workers) {
            merged.applyTo(w);
        }
        Map<String, float[]> after = tables(workers.get(0));
        int differingObservers = 0;
        int differingRunningStats = 0;
        int differingMinima = 0;
        for (Map.Entry<String, float[]> e : after.entrySet()) {
            String key = e.getKey();
            List<float[]> perWorker = before.stream().map(t -> t.get(key)).toList();
            float[] got = e.getValue();
            ObserverKind kind = observers.get(key);
            if (kind != null) {
                float[] expected = new float[3];
                expected[RangeObserver.COUNT] = perWorker.stream().map(s -> s[RangeObserver.COUNT]).reduce(0f, Math::max);
                for (int i : new int[] {RangeObserver.MIN, RangeObserver.MAX}) {
                    expected[i] = kind == ObserverKind.EMA_MIN_MAX ? mean(perWorker, i)
                            : perWorker.stream().map(s -> s[i]).reduce(i == RangeObserver.MIN ? Math::min : Math::max).get();
                }
                assertArrayEquals(expected, got, key);
                assertEquals(5f, got[RangeObserver.COUNT], key + ": batches seen, the steps of the round");
                differingObservers += perWorker.stream().anyMatch(s -> !Arrays.equals(s, perWorker.get(0))) ? 1 : 0;
                differingMinima += perWorker.stream().anyMatch(s -> s[RangeObserver.MIN] != perWorker.get(0)[RangeObserver.MIN]) ? 1 : 0;
            } else {
                for (int i = 0; i < got.length; i++) {
                    assertEquals(mean(perWorker, i), got[i], key + "[" + i + "]: the mean over workers");
                }
                if (key.endsWith("/" + QuantParams.RUNNING_MEAN) || key.endsWith("/" + QuantParams.RUNNING_VAR)) {
                    differingRunningStats += perWorker.stream().anyMatch(s -> !Arrays.equals(s, perWorker.get(0))) ? 1 : 0;
                }
            }
        }
        assertEquals(observers.size(), differingObservers, "every observer's state differed between the workers");
        assertTrue(differingMinima >= 1, "some observed minimum differed between the workers (the input's)");
        assertTrue(differingRunningStats >= 2, "batch-norm running statistics differed between the workers");
        float[] mergedUpdater = updater(workers.get(0));
        assertTrue(mergedUpdater.length > 0);
        for (int i = 0; i < mergedUpdater.length; i++) {
            assertEquals(mean(updaters, i), mergedUpdater[i], "updater state [" + i + "]");
        }
        for (int w = 1; w < n; w++) {
            assertBitIdentical(workers.get(0), workers.get(w), "worker " + w + " after the broadcast");
        }
        assertEquals(5, workers.get(0).getIterationCount());
    }

    @Test
    void mergingIdenticalCopiesIsTheIdentityBitForBit() {
        List<ComputationGraph> same = copies(config("ema"), 4);
        same.forEach(w -> train(w, 1, 5)); // the same data and dropout masks
        ComputationGraph trained = same.get(3);
        same = same.subList(0, 3);
        assertBitIdentical(trained, same.get(2), "copies trained alike");
        WorkerStateMerge.MergedState merged = WorkerStateMerge.merge(same);
        assertArrayEquals(trained.params().toFloatVector(), merged.params().toFloatVector());
        assertArrayEquals(updater(trained), merged.updaterState().toFloatVector());
        ComputationGraph target = same.get(1);
        merged.applyTo(target);
        assertBitIdentical(trained, target, "after applying the merge of identical copies");
    }

    @ParameterizedTest
    @CsvSource({"ema", "minmax"})
    void anUninitialisedObserverDoesNotPullTheMergedRangeToZero(String observer) {
        List<ComputationGraph> workers = copies(config(observer), 2);
        train(workers.get(0), 1, 3);
        train(workers.get(1), 2, 3);
        // worker 1's first convolution never saw data (e.g. its partition skipped that branch)
        workers.get(1).getLayer("L0_conv").getParam(QuantParams.OUTPUT_RANGE).assign(0);
        float[] seen = workers.get(0).getLayer("L0_conv").getParam(QuantParams.OUTPUT_RANGE).dup().toFloatVector();
        assertTrue(seen[RangeObserver.MIN] < 0 || seen[RangeObserver.MAX] > 0);
        WorkerStateMerge.merge(workers).applyTo(workers.get(1));
        assertArrayEquals(seen, workers.get(1).getLayer("L0_conv").getParam(QuantParams.OUTPUT_RANGE).toFloatVector());

        // no copy has seen data: the observers stay uninitialised, the parameters unchanged
        List<ComputationGraph> fresh = copies(config(observer), 2);
        float[] initial = fresh.get(0).params().toFloatVector();
        WorkerStateMerge.MergedState merged = WorkerStateMerge.merge(fresh);
        assertArrayEquals(initial, merged.params().toFloatVector());
        merged.applyTo(fresh.get(1));
        assertArrayEquals(new float[3], fresh.get(1).getLayer("L0_conv").getParam(QuantParams.OUTPUT_RANGE).toFloatVector());
    }

    @Test
    void mismatchedIterationCountsOrConfigurationsFailNamingWhatDiffers() {
        List<ComputationGraph> workers = copies(config("ema"), 2);
        train(workers.get(0), 1, 3);
        train(workers.get(1), 2, 2);
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class, () -> WorkerStateMerge.merge(workers));
        assertTrue(steps.getMessage().contains("worker 0: iteration 3") && steps.getMessage().contains("worker 1: iteration 2"),
                steps.getMessage());

        ComputationGraph wider = new NetworkBuilder(config("ema", "model.layers[2].units=16"), 6).build();
        ComputationGraph base = copies(config("ema"), 1).get(0);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> WorkerStateMerge.merge(List.of(base, wider)));
        assertTrue(shape.getMessage().contains("worker 1's network configuration differs") && shape.getMessage().contains("L2")
                && shape.getMessage().contains("16"), shape.getMessage());

        ComputationGraph minMax = new NetworkBuilder(config("minmax"), 6).build();
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> WorkerStateMerge.merge(List.of(base, minMax)));
        assertTrue(kind.getMessage().contains("MIN_MAX"), kind.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WorkerStateMerge.merge(List.of()));
    }

    @Test
    void aMergedNetworkKeepsTrainingAndExportsWithTheMergedRanges() {
        List<ComputationGraph> workers = copies(config("ema"), 2);
        train(workers.get(0), 1, 5);
        train(workers.get(1), 2, 5);
        ComputationGraph net = workers.get(0);
        WorkerStateMerge.merge(workers).applyTo(net);

        LoadedArtifact artifact = Int8Exporter.export(net, new int[] {1, 28, 28}, Provenance.EMPTY);
        int checked = 0;
        for (GraphVertex v : net.getVertices()) {
            Optional<QuantizedLayer.OutputQuantizer> q = QuantizedLayer.of(v).flatMap(QuantizedLayer::outputQuantizer);
            if (q.isEmpty()) {
                continue;
            }
            INDArray state = v.paramTable(false).get(q.get().stateParam());
            AffineQuantParams expected = AffineQuantParams.asymmetric(state.getDouble(RangeObserver.MIN),
                    state.getDouble(RangeObserver.MAX), q.get().spec().range());
            String name = v.getLayer() != null && v.getInputVertices()[0].getVertexIndex() == 0 ? "input" : v.getVertexName();
            Optional<TensorInfo> tensor = artifact.model().tensors().stream().filter(t -> t.name().equals(name)).findFirst();
            if (tensor.isPresent()) {
                assertEquals(expected.scale(), tensor.get().quant().scale(0), name);
                assertEquals(expected.zeroPoint(), tensor.get().quant().zeroPoint(0), name);
                checked++;
            }
        }
        assertTrue(checked >= 3, "activation tensors checked against the merged ranges: " + checked);

        train(net, 3, 3);
        assertEquals(8, net.getIterationCount());
        assertFalse(Double.isNaN(net.score()) || Double.isInfinite(net.score()), "loss " + net.score());
        assertNotEquals(0.0, net.score());
    }
}
