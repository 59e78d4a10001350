package io.qat4j.training.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.layers.GcnVertex;
import io.qat4j.graph.layers.GinVertex;
import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.graph.layers.GnnVertex;
import io.qat4j.quant.layers.QuantizedLayer;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSchedule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Graph layers keep several observers each (messages, aggregates, GCN coefficients, the output),
 * declared by {@link QuantizedLayer#activationQuantizers()}: the Spark merge must treat every one of
 * them as observer state (Degree-Quant's percentile ranges: minimum of minima, maximum of maxima),
 * not average them like weights.
 */
class GraphLayerStateMergeTest {

    private static final int NODES = 14;
    private static final int FEATURES = 5;
    private static final int CLASSES = 3;

    @Test
    void everyObserverOfAGraphLayerIsMergedByItsRule() {
        List<ComputationGraph> workers = List.of(network(), network());
        for (int w = 0; w < workers.size(); w++) {
            Random random = new Random(100 + w);
            for (int step = 0; step < 3; step++) {
                workers.get(w).fit(batch(random));
            }
        }
        Map<String, Integer> declared = new HashMap<>();
        for (GraphVertex v : workers.get(0).getVertices()) {
            QuantizedLayer.of(v).ifPresent(q -> q.activationQuantizers()
                    .forEach(a -> declared.put(v.getVertexName() + "/" + a.stateParam(), 1)));
        }
        List<ParameterSlices.Slice> observed = ParameterSlices.of(workers.get(0)).stream()
                .filter(s -> s.observer().isPresent()).toList();
        assertEquals(declared.keySet(), observed.stream().map(ParameterSlices.Slice::name)
                .collect(java.util.stream.Collectors.toSet()), "observer slices are the declared quantizers' states");
        long gcnObservers = declared.keySet().stream().filter(k -> k.startsWith("gcn/")).count();
        assertTrue(gcnObservers > 1, "a GCN layer observes more than its output: " + declared.keySet());

        List<Map<String, float[]>> before = new ArrayList<>();
        for (ComputationGraph w : workers) {
            before.add(states(w, observed));
        }
        int differing = 0;
        for (ParameterSlices.Slice s : observed) {
            differing += before.get(0).get(s.name())[RangeObserver.MIN] != before.get(1).get(s.name())[RangeObserver.MIN]
                    || before.get(0).get(s.name())[RangeObserver.MAX] != before.get(1).get(s.name())[RangeObserver.MAX] ? 1 : 0;
        }
        assertTrue(differing >= observed.size() / 2, "workers saw different data: " + differing + " of " + observed.size());

        WorkerStateMerge.MergedState merged = WorkerStateMerge.merge(workers);
        workers.forEach(merged::applyTo);
        for (ParameterSlices.Slice s : observed) {
            float[] a = before.get(0).get(s.name());
            float[] b = before.get(1).get(s.name());
            float[] expected = {Math.min(a[RangeObserver.MIN], b[RangeObserver.MIN]),
                    Math.max(a[RangeObserver.MAX], b[RangeObserver.MAX]),
                    Math.max(a[RangeObserver.COUNT], b[RangeObserver.COUNT])};
            for (ComputationGraph w : workers) {
                assertArrayEquals(expected, states(w, List.of(s)).get(s.name()), s.name());
            }
        }
    }

    /** Degree-Quant INT8 from the first step: GCN then GIN on the nodes, a softmax per node. */
    private static ComputationGraph network() {
        GnnQuantSettings dq = GnnQuantSettings.degreeQuant(8, QuantSchedule.ALWAYS);
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(new Adam(0.01));
        ComputationGraphConfiguration.GraphBuilder g = global.graphBuilder().addInputs(GraphInputs.ORDER);
        GnnVertex gcn = new GcnVertex.Builder().nIn(FEATURES).nOut(8).activation(Activation.RELU).quant(dq).build();
        GnnVertex gin = new GinVertex.Builder().nIn(8).nOut(8).quant(dq).build();
        g.addVertex("gcn", gcn, GraphInputs.NODES, GraphInputs.EDGES, GraphInputs.PROTECT);
        g.addVertex("gin", gin, "gcn", GraphInputs.EDGES, GraphInputs.PROTECT);
        g.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(CLASSES)
                .activation(Activation.SOFTMAX).build(), "gin");
        g.setOutputs("out").setInputTypes(GraphInputs.inputTypes(FEATURES)).allowDisconnected(true);
        ComputationGraph net = new ComputationGraph(GnnVertex.inheritGlobalConfig(global, g).build());
        net.init();
        return net;
    }

    /** A random undirected graph without self-loops, random features and labels, a random protective mask. */
    private static MultiDataSet batch(Random random) {
        List<float[]> edges = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            for (int j = i + 1; j < NODES; j++) {
                if (random.nextInt(4) == 0) {
                    edges.add(new float[] {i, j});
                    edges.add(new float[] {j, i});
                }
            }
        }
        float[][] e = edges.toArray(float[][]::new);
        float[][] x = new float[NODES][FEATURES];
        float[][] y = new float[NODES][CLASSES];
        float[][] protect = new float[NODES][1];
        for (int i = 0; i < NODES; i++) {
            for (int f = 0; f < FEATURES; f++) {
                x[i][f] = (float) (random.nextGaussian() * (1 + random.nextInt(3)));
            }
            y[i][random.nextInt(CLASSES)] = 1;
            protect[i][0] = random.nextInt(5) == 0 ? 1 : 0;
        }
        return new MultiDataSet(new org.nd4j.linalg.api.ndarray.INDArray[] {Nd4j.create(x), Nd4j.create(e),
                Nd4j.zeros(DataType.FLOAT, NODES, 1), Nd4j.create(protect)},
                new org.nd4j.linalg.api.ndarray.INDArray[] {Nd4j.create(y)});
    }

    private static Map<String, float[]> states(ComputationGraph net, List<ParameterSlices.Slice> slices) {
        float[] flat = net.params().toFloatVector();
        Map<String, float[]> out = new HashMap<>();
        for (ParameterSlices.Slice s : slices) {
            out.put(s.name(), java.util.Arrays.copyOfRange(flat, s.offset(), s.offset() + s.length()));
        }
        return out;
    }
}
