package io.qat4j.jobs.bench;

import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.executor.tensor.Tensor;
import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphBatch;
import io.qat4j.graph.layers.DegreeQuantMask;
import io.qat4j.graph.layers.GinVertex;
import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.graph.layers.GnnVertex;
import io.qat4j.graph.layers.GraphPoolVertex;
import io.qat4j.quant.export.Int8Exporter;
import io.qat4j.quant.layers.QuantDenseLayer;
import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.layers.QuantOutputLayer;
import io.qat4j.quant.layers.Schedules;
import io.qat4j.quant.spec.QuantSchedule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Inference of one batch of graphs by the GIN of Degree-Quant's REDDIT-BINARY setting (Tailor et
 * al., ICLR 2021; Xu et al., ICLR 2019: 5 GIN layers of 64 units, mean pooling, a dense layer of
 * 64 and the read-out): the int8 executor on its exported artifact against DL4J FP32 inference of
 * the same network (quantization off). The batch is {@code graphs} random graphs of about
 * {@code nodes} nodes and {@code edges} directed edges each (REDDIT-BINARY's means are about 430
 * and 995), with the one-dimensional normalised-degree feature; the network is trained for a few
 * Degree-Quant steps on it first, so that every quantizer has a range to export.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GinInferenceBenchmark {

    /** GIN layers. */
    static final int LAYERS = 5;
    /** Units of every layer. */
    static final int HIDDEN = 64;
    /** Training steps before export. */
    static final int CALIBRATION_STEPS = 3;

    /** Graphs per batch. */
    @Param("128")
    public int graphs;

    /** Nodes per graph (each graph draws between 3/4 and 5/4 of it). */
    @Param("430")
    public int nodes;

    /** Directed edges per graph (both directions of half as many undirected edges). */
    @Param("1000")
    public int edges;

    private Int8Executor executor;
    private ComputationGraph fp32;
    private INDArray[] networkInputs;
    private Map<String, Tensor> executorInputs;

    /** Builds, calibrates and exports the network, and draws the batch. */
    @Setup(Level.Trial)
    public void setUp() {
        GraphBatch b = randomBatch(graphs, nodes, edges, 20261130L);
        networkInputs = new INDArray[] {b.nodesArray(), b.edgesArray(), b.graphArray(), DegreeQuantMask.none(b.nodeCount())};
        GnnQuantSettings q = GnnQuantSettings.degreeQuant(8, new QuantSchedule(0, -1, CALIBRATION_STEPS));
        ComputationGraph net = network(q);
        for (int step = 0; step < CALIBRATION_STEPS; step++) {
            INDArray[] in = networkInputs.clone();
            in[3] = DegreeQuantMask.INT8.draw(b.inDegreeCdf(), step);
            net.fit(new MultiDataSet(in, new INDArray[] {b.labelsArray()}));
        }
        LoadedArtifact artifact = Int8Exporter.export(net, new int[] {1}, Provenance.EMPTY);
        try {
            executor = Int8Executor.of(artifact, "gin-benchmark");
        } catch (io.qat4j.executor.artifact.ArtifactFormatException e) {
            throw new IllegalStateException("the exported GIN does not load: " + e.getMessage(), e);
        }
        fp32 = Schedules.withSchedule(net, QuantSchedule.NEVER);
        executorInputs = new LinkedHashMap<>();
        for (String name : executor.inputs().keySet()) {
            executorInputs.put(name, switch (name) {
                case GraphInputs.NODES -> Tensor.int8(new int[] {b.nodeCount(), 1},
                        Int8Executor.quantizeInput(executor.inputs().get(name), b.nodesArray().dup('c').data().asFloat()));
                case GraphInputs.EDGES -> Tensor.int32(new int[] {b.edgeCount(), 2}, edgePairs(b));
                case GraphInputs.GRAPH -> Tensor.int32(new int[] {b.nodeCount()}, b.graphIds().clone());
                default -> throw new IllegalStateException("unexpected artifact input " + name);
            });
        }
    }

    /** @return one batch's int32 logits, so the work is not optimized away */
    @Benchmark
    public Tensor int8Executor() {
        return executor.run(executorInputs).values().iterator().next();
    }

    /** @return one batch's probabilities, so the work is not optimized away */
    @Benchmark
    public INDArray dl4jFp32() {
        return fp32.output(false, networkInputs)[0];
    }

    private static int[] edgePairs(GraphBatch b) {
        int[] p = new int[2 * b.edgeCount()];
        for (int k = 0; k < b.edgeCount(); k++) {
            p[2 * k] = b.src()[k];
            p[2 * k + 1] = b.dst()[k];
        }
        return p;
    }

    private static ComputationGraph network(GnnQuantSettings q) {
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(new Adam(0.005));
        ComputationGraphConfiguration.GraphBuilder g = global.graphBuilder().addInputs(GraphInputs.ORDER);
        String last = GraphInputs.NODES;
        long width = 1;
        for (int i = 0; i < LAYERS; i++) {
            g.addVertex("gin" + i, new GinVertex.Builder().nIn(width).nOut(HIDDEN).quant(q).build(), last, GraphInputs.EDGES,
                    GraphInputs.PROTECT);
            last = "gin" + i;
            width = HIDDEN;
        }
        g.addVertex("pool", new GraphPoolVertex.Builder().nIn(HIDDEN).pooling(GraphPoolVertex.Pooling.MEAN).quant(q).build(), last,
                GraphInputs.GRAPH);
        g.addLayer("dense", new QuantDenseLayer.Builder().nIn(HIDDEN).nOut(HIDDEN).activation(Activation.RELU)
                .quant(QuantLayerSettings.of(q.weights(), q.activations(), false, q.schedule())).build(), "pool");
        g.addLayer("out", new QuantOutputLayer.Builder().nIn(HIDDEN).nOut(2).activation(Activation.SOFTMAX)
                .lossFunction(LossFunctions.LossFunction.MCXENT)
                .quant(QuantLayerSettings.of(q.weights(), null, false, q.schedule())).build(), "dense");
        g.setOutputs("out").setInputTypes(GraphInputs.inputTypes(1));
        ComputationGraph net = new ComputationGraph(GnnVertex.inheritGlobalConfig(global, g).build());
        net.init();
        return net;
    }

    /**
     * @return {@code graphs} random undirected graphs (each edge in both directions, no loops or
     *     repeats) of about {@code nodes} nodes, labelled alternately, with the degree normalised by
     *     the batch's largest as feature (camlsys/degree-quant's {@code NormalizedDegree})
     */
    static GraphBatch randomBatch(int graphs, int nodes, int edges, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[][]> shapes = new ArrayList<>();
        int maxDegree = 1;
        for (int g = 0; g < graphs; g++) {
            int size = nodes * 3 / 4 + r.nextInt(nodes / 2 + 1);
            Set<Long> seen = new HashSet<>();
            List<int[]> e = new ArrayList<>();
            int[] degree = new int[size];
            for (int k = 0; k < edges / 2; k++) {
                int a = r.nextInt(size);
                int b = r.nextInt(size);
                if (a != b && seen.add((long) Math.min(a, b) * size + Math.max(a, b))) {
                    e.add(new int[] {a, b});
                    e.add(new int[] {b, a});
                    maxDegree = Math.max(maxDegree, Math.max(++degree[a], ++degree[b]));
                }
            }
            shapes.add(new int[][] {e.stream().mapToInt(x -> x[0]).toArray(), e.stream().mapToInt(x -> x[1]).toArray(), degree});
        }
        List<Graph> out = new ArrayList<>();
        for (int g = 0; g < graphs; g++) {
            int[][] sh = shapes.get(g);
            float[] f = new float[sh[2].length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) sh[2][i] / maxDegree;
            }
            out.add(Graph.forGraphClassification(f.length, 1, f, sh[0], sh[1], g % 2, 2));
        }
        return GraphBatch.of(out);
    }
}
