package io.qat4j.graph.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.executor.tensor.Tensor;
import io.qat4j.graph.GraphInputs;
import io.qat4j.quant.export.Int8Exporter;
import io.qat4j.quant.export.LayerAgreement;
import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.layers.QuantOutputLayer;
import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.spec.QuantSchedule;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The int8 export of graph vertices ({@link GnnVertex#exportTo}) run on the executor against the
 * fake-quantized DL4J network it came from, on small random graphs, node- and graph-level, in QAT
 * and Degree-Quant modes and with each pooling.
 *
 * <p>The bound. Every quantizer of the fake-quantized vertex is the output quantization of one
 * executor op, which rounds the same real value: the executor from its exact integer accumulator,
 * the network from a float32 computation of it. The two roundings differ only where that value lies
 * within float32 error of a rounding boundary, and then by one code; so every vertex output is
 * within one code (one output LSB) of the network's. The read-out's logits
 * {@code z_c = sum_k W_ck h_k + b_c} then differ by at most {@code S_h sum_k |W_ck|}
 * ({@code W} the dequantized weights): wherever the network's top logit leads the second by more
 * than twice that, both predict the same class, and the test requires it there. Most batches have
 * features on a grid (so every input quantizer finds it); GIN on float features off any grid
 * (REDDIT-BINARY's standardised degree) is tested too: its self term {@code (1 + eps) x} reads
 * the {@code Q_msg} codes of {@code x} in the network as in the artifact.
 */
public class GnnExportTest {

    public static final int F = 5;
    public static final int HIDDEN = 8;
    private static final int CLASSES = 3;
    private static final int STEPS = 30;

    public enum Mode { QAT, DEGREE_QUANT }

    private static GnnQuantSettings quant(Mode mode) {
        return quant(mode, 8);
    }

    private static GnnQuantSettings fourBits(Mode mode) {
        return quant(mode, 4);
    }

    public static GnnQuantSettings quant(Mode mode, int bits) {
        QuantSchedule s = new QuantSchedule(0, -1, 15);
        return mode == Mode.QAT ? GnnQuantSettings.qat(bits, s) : GnnQuantSettings.degreeQuant(bits, s);
    }

    /**
     * A batch whose node features are codes of the grid {@code S = 1/64, Z = 0} spanning all 256 codes,
     * each extreme on a twentieth of the values, so that every input quantizer (min/max, EMA or
     * percentile) finds that grid.
     */
    static TestGraphs.Batch onGrid(int graphs, int nodesPerGraph, int edgesPerGraph, long seed) {
        TestGraphs.Batch b = TestGraphs.random(graphs, nodesPerGraph, edgesPerGraph, F, seed);
        INDArray x = Nd4j.zeros(DataType.FLOAT, b.numNodes(), F);
        SplittableRandom r = new SplittableRandom(seed + 1);
        for (int i = 0; i < b.numNodes(); i++) {
            for (int c = 0; c < F; c++) {
                int u = r.nextInt(20);
                int q = u == 0 ? -128 : u == 1 ? 127 : r.nextInt(256) - 128;
                x.putScalar(i, c, q / 64.0);
            }
        }
        return new TestGraphs.Batch(b.numNodes(), x, b.src(), b.dst(), b.graphIds());
    }

    /**
     * A batch of float features off any quantization grid: column 0 the standardised in-degree
     * (REDDIT-BINARY's only feature, {@code (d - mean) / std}), the others uniform in
     * {@code [-0.5, 0.5)}.
     */
    static TestGraphs.Batch offGrid(int graphs, int nodesPerGraph, int edgesPerGraph, long seed) {
        TestGraphs.Batch b = TestGraphs.random(graphs, nodesPerGraph, edgesPerGraph, F, seed);
        double[] degree = new double[b.numNodes()];
        for (int t : b.dst()) {
            degree[t]++;
        }
        double mean = java.util.Arrays.stream(degree).average().orElseThrow();
        double std = Math.sqrt(java.util.Arrays.stream(degree).map(d -> (d - mean) * (d - mean)).average().orElseThrow());
        INDArray x = b.features().dup();
        for (int i = 0; i < b.numNodes(); i++) {
            x.putScalar(i, 0, (degree[i] - mean) / std);
        }
        return new TestGraphs.Batch(b.numNodes(), x, b.src(), b.dst(), b.graphIds());
    }

    /** Node-level (no pool) or graph-level network of the given vertices, with a quantized read-out. */
    public static ComputationGraph network(GnnQuantSettings q, GraphPoolVertex pool, GnnVertex... convs) {
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(new Adam(0.02));
        ComputationGraphConfiguration.GraphBuilder g = global.graphBuilder().addInputs(GraphInputs.ORDER);
        String last = GraphInputs.NODES;
        for (int i = 0; i < convs.length; i++) {
            g.addVertex("conv" + i, convs[i], last, GraphInputs.EDGES, GraphInputs.PROTECT);
            last = "conv" + i;
        }
        if (pool != null) {
            g.addVertex("pool", pool, last, GraphInputs.GRAPH);
            last = "pool";
        }
        g.addLayer("out", new QuantOutputLayer.Builder().nIn(HIDDEN).nOut(CLASSES).activation(Activation.SOFTMAX)
                .lossFunction(LossFunctions.LossFunction.MCXENT)
                .quant(QuantLayerSettings.of(q.weights(), null, false, q.schedule())).build(), last);
        g.setOutputs("out").setInputTypes(GraphInputs.inputTypes(F)).allowDisconnected(pool == null);
        ComputationGraph net = new ComputationGraph(GnnVertex.inheritGlobalConfig(global, g).build());
        net.init();
        return net;
    }

    static GcnVertex gcn(GnnQuantSettings q, long nIn, Activation a) {
        return new GcnVertex.Builder().nIn(nIn).nOut(HIDDEN).activation(a).quant(q).build();
    }

    static GinVertex gin(GnnQuantSettings q, long nIn) {
        return new GinVertex.Builder().nIn(nIn).nOut(HIDDEN).quant(q).build();
    }

    public static GatVertex gat(GnnQuantSettings q, long nIn, int heads, long channels, boolean concat, Activation a) {
        return new GatVertex.Builder().nIn(nIn).heads(heads, channels, concat).activation(a).quant(q).build();
    }

    /** Trains on random labels so that every observer sees data and the weights move. */
    public static void train(ComputationGraph net, TestGraphs.Batch b, boolean graphLevel, boolean degreeQuant, long seed) {
        int rows = graphLevel ? b.numGraphs() : b.numNodes();
        INDArray labels = Nd4j.zeros(DataType.FLOAT, rows, CLASSES);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < rows; i++) {
            labels.putScalar(i, r.nextInt(CLASSES), 1);
        }
        double[] cdf = b.inDegreeCdf();
        for (int step = 0; step < STEPS; step++) {
            INDArray protect = degreeQuant ? DegreeQuantMask.INT8.draw(cdf, 100L + step) : DegreeQuantMask.none(b.numNodes());
            net.fit(TestGraphs.dataSet(b.inputs(protect), labels, null));
        }
    }

    /** The executor's inputs of a batch: node features quantized at the boundary, edges and graph ids as integers. */
    public static Map<String, Tensor> executorInputs(Int8Executor ex, TestGraphs.Batch b) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Map.Entry<String, TensorInfo> e : ex.inputs().entrySet()) {
            switch (e.getKey()) {
                case GraphInputs.NODES -> in.put(e.getKey(), Tensor.int8(new int[] {b.numNodes(), F},
                        Int8Executor.quantizeInput(e.getValue(), b.features().dup('c').data().asFloat())));
                case GraphInputs.EDGES -> {
                    int[] edges = new int[2 * b.src().length];
                    for (int k = 0; k < b.src().length; k++) {
                        edges[2 * k] = b.src()[k];
                        edges[2 * k + 1] = b.dst()[k];
                    }
                    in.put(e.getKey(), Tensor.int32(new int[] {b.src().length, 2}, edges));
                }
                case GraphInputs.GRAPH -> in.put(e.getKey(), Tensor.int32(new int[] {b.numNodes()}, b.graphIds().clone()));
                default -> throw new AssertionError("unexpected artifact input " + e.getKey());
            }
        }
        return in;
    }

    /**
     * Runs the artifact on a batch and checks it against the network within the bound derived op by
     * op ({@link ExportDisagreementBound}) for every vertex output's codes; then, from the code
     * differences {@code d} of the read-out's input (so bounded), the logits differ by at most
     * {@code S_h max_c sum_k |W_ck| d} plus half a unit of the int32 bias, and the prediction must be the
     * same wherever the network's
     * logit margin exceeds twice that.
     *
     * @return rows whose prediction the bound decides
     */
    static int assertAgrees(ComputationGraph net, LoadedArtifact artifact, Int8Executor ex, TestGraphs.Batch b, String what) {
        int[] inDegree = new int[b.numNodes()];
        for (int t : b.dst()) {
            inDegree[t]++;
        }
        int[] graphSize = new int[b.numGraphs()];
        for (int g : b.graphIds()) {
            graphSize[g]++;
        }
        ExportDisagreementBound bound = new ExportDisagreementBound(artifact, java.util.Arrays.stream(inDegree).max().orElse(0),
                java.util.Arrays.stream(graphSize).max().orElse(0));
        INDArray[] networkInputs = b.inputs();
        Map<String, Tensor> in = executorInputs(ex, b);
        List<LayerAgreement> layers = LayerAgreement.compare(net, ex, in, networkInputs);
        assertFalse(layers.isEmpty(), what + ": no vertex output compared");
        int readOutInput = 0;
        for (LayerAgreement l : layers) {
            assertTrue(l.maxDifference() <= bound.codes(l.layer()), what + ": " + l + ", bound " + bound.codes(l.layer()));
            readOutInput = l.maxDifference(); // the last compared tensor is the read-out's input
        }
        double logitBound = bound.logits(readOutInput);
        INDArray probs = net.output(false, networkInputs)[0];
        Tensor logits = ex.run(in).values().iterator().next();
        QuantInfo scales = ex.outputs().values().iterator().next().quant();
        int rows = (int) probs.size(0);
        assertEquals(rows, logits.leading(), what + ": rows of the executor's output");
        int[] acc = logits.ints();
        int decided = 0;
        for (int i = 0; i < rows; i++) {
            int fq = 0;
            int q = 0;
            for (int c = 1; c < CLASSES; c++) {
                fq = probs.getDouble(i, c) > probs.getDouble(i, fq) ? c : fq;
                q = acc[i * CLASSES + c] * scales.scale(c) > acc[i * CLASSES + q] * scales.scale(q) ? c : q;
            }
            double margin = Double.POSITIVE_INFINITY;
            for (int c = 0; c < CLASSES; c++) {
                if (c != fq) {
                    margin = Math.min(margin, Math.log(probs.getDouble(i, fq)) - Math.log(probs.getDouble(i, c)));
                }
            }
            // 1e-4: float32 softmax and logarithm of the network's probabilities
            if (margin > 2 * logitBound + 1e-4) {
                decided++;
                assertEquals(fq, q, what + ": row " + i + " (margin " + margin + ", bound " + logitBound + ")");
            }
        }
        return decided;
    }

    static int exportAndCompare(ComputationGraph net, TestGraphs.Batch b, String what) throws Exception {
        LoadedArtifact a = Int8Exporter.export(net, new int[] {F}, Provenance.EMPTY);
        return assertAgrees(net, a, Int8Executor.of(a, "test"), b, what);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void gcnNodeLevelAgreesWithTheFakeQuantizedNetwork(Mode mode) throws Exception {
        GnnQuantSettings q = quant(mode);
        TestGraphs.Batch b = TestGraphs.random(4, 12, 20, F, 31);
        ComputationGraph net = network(q, null, gcn(q, F, Activation.RELU), gcn(q, HIDDEN, Activation.IDENTITY));
        train(net, b, false, mode == Mode.DEGREE_QUANT, 5);
        LoadedArtifact a = Int8Exporter.export(net, new int[] {F}, Provenance.EMPTY);
        Int8Executor ex = Int8Executor.of(a, "test");
        assertEquals(List.of(GraphInputs.NODES, GraphInputs.EDGES), List.copyOf(ex.inputs().keySet()));
        int decided = assertAgrees(net, a, ex, b, "GCN " + mode);
        assertTrue(decided > 0, "no row decided by the bound");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void ginNodeLevelAgreesWithTheFakeQuantizedNetwork(Mode mode) throws Exception {
        TestGraphs.Batch b = onGrid(4, 12, 20, 41);
        int decided = exportAndCompare(twoGinLayers(mode, b, 6), b, "GIN " + mode);
        assertTrue(decided > 0, "no row decided by the bound");
    }

    private static ComputationGraph twoGinLayers(Mode mode, TestGraphs.Batch b, long seed) {
        GnnQuantSettings q = quant(mode);
        ComputationGraph net = network(q, null, gin(q, F), gin(q, HIDDEN));
        train(net, b, false, mode == Mode.DEGREE_QUANT, seed);
        return net;
    }

    /**
     * GIN at 4 bits (weights and activations, 4-bit weights packed in the artifact) on float
     * features off any grid, both modes: every vertex output within its derived code bound. The
     * read-out's margin bound ({@code S_h sum |W|} per code) is too wide at 4 bits to decide the
     * rows of this small random network, so predictions are not compared here.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void ginAtFourBitsOnFloatFeaturesAgreesWithTheFakeQuantizedNetwork(Mode mode) throws Exception {
        TestGraphs.Batch b = offGrid(4, 12, 20, 53);
        GnnQuantSettings q = fourBits(mode);
        ComputationGraph net = network(q, null, gin(q, F), gin(q, HIDDEN));
        train(net, b, false, mode == Mode.DEGREE_QUANT, 13);
        exportAndCompare(net, b, "GIN 4 bits " + mode);
    }

    /**
     * Mixed precision, the first GIN layer at 8 bits and the second at 4 ({@link GnnQuantSettings#withBits}),
     * on float features off any grid, both modes: each layer exports its own widths (8-bit and packed
     * 4-bit weights in one artifact, the 8-bit output requantized to the 4-bit layer's messages) and
     * every vertex output lies within its derived code bound.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void ginWithAnEightBitFirstLayerInAFourBitNetworkAgreesWithTheFakeQuantizedNetwork(Mode mode) throws Exception {
        TestGraphs.Batch b = offGrid(4, 12, 20, 59);
        GnnQuantSettings q = fourBits(mode);
        ComputationGraph net = network(q, null, gin(q.withBits(8), F), gin(q, HIDDEN));
        train(net, b, false, mode == Mode.DEGREE_QUANT, 17);
        LoadedArtifact a = Int8Exporter.export(net, new int[] {F}, Provenance.EMPTY);
        assertAgrees(net, a, Int8Executor.of(a, "test"), b, "GIN 8+4 bits " + mode);
        assertEquals(Set.of(8), widths(a, "conv0/", true), "the first layer's weights");
        assertEquals(Set.of(8), widths(a, "conv0/", false), "the first layer's activations");
        assertEquals(Set.of(4), widths(a, "conv1/", true), "the second layer's weights");
        assertEquals(Set.of(4), widths(a, "conv1/", false), "the second layer's activations");
    }

    /** @return the bit widths of a vertex's INT8-typed (or packed INT4) constants or activations */
    private static Set<Integer> widths(LoadedArtifact a, String vertexPrefix, boolean constants) {
        return a.model().tensors().stream()
                .filter(t -> t.name().startsWith(vertexPrefix) && t.isConstant() == constants)
                .filter(t -> t.type() == ElementType.INT8 || t.type() == ElementType.INT4_PACKED)
                .map(TensorInfo::bits).collect(java.util.stream.Collectors.toSet());
    }

    /**
     * GIN's self term {@code (1 + eps) x} with {@code eps} trained from {@code -3} (so
     * {@code 1 + eps < 0}, which REDDIT-BINARY's QAT-INT4 runs reach): the artifact subtracts with
     * {@code add} version 2 and agrees within the bound; then with {@code eps = -1} in the first
     * layer (the self term vanishes) and the second still negative.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void ginWithANegativeOrZeroSelfTermWeightAgreesWithTheFakeQuantizedNetwork(Mode mode) throws Exception {
        TestGraphs.Batch b = onGrid(4, 12, 20, 47);
        GnnQuantSettings q = quant(mode);
        ComputationGraph net = network(q, null, gin(q, F), gin(q, HIDDEN));
        for (String conv : List.of("conv0", "conv1")) {
            net.getVertex(conv).paramTable(false).get(GnnParams.GIN_EPS).assign(-3);
        }
        train(net, b, false, mode == Mode.DEGREE_QUANT, 12);
        for (String conv : List.of("conv0", "conv1")) {
            double eps = net.getVertex(conv).paramTable(false).get(GnnParams.GIN_EPS).getDouble(0);
            assertTrue(1 + eps < 0, conv + ": 1 + eps = " + (1 + eps) + " after training");
        }
        LoadedArtifact negative = Int8Exporter.export(net, new int[] {F}, Provenance.EMPTY);
        assertEquals(2, negative.model().ops().stream().filter(o -> o.opType().equals(AddOp.NAME) && o.opVersion() == AddOp.SIGNED_VERSION)
                .count(), "both self terms subtract");
        assertTrue(assertAgrees(net, negative, Int8Executor.of(negative, "test"), b, "GIN, 1 + eps < 0, " + mode) > 0,
                "no row decided by the bound");

        net.getVertex("conv0").paramTable(false).get(GnnParams.GIN_EPS).assign(-1);
        LoadedArtifact zero = Int8Exporter.export(net, new int[] {F}, Provenance.EMPTY);
        assertTrue(assertAgrees(net, zero, Int8Executor.of(zero, "test"), b, "GIN, 1 + eps = 0, " + mode) > 0,
                "no row decided by the bound");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void ginOnFloatFeaturesOffTheGridAgreesWithTheFakeQuantizedNetwork(Mode mode) throws Exception {
        TestGraphs.Batch b = offGrid(4, 12, 20, 43);
        ComputationGraph net = twoGinLayers(mode, b, 9);
        LoadedArtifact a = Int8Exporter.export(net, new int[] {F}, Provenance.EMPTY);
        Int8Executor ex = Int8Executor.of(a, "test");
        int decided = assertAgrees(net, a, ex, b, "GIN on float features " + mode);
        assertTrue(decided > 0, "no row decided by the bound");
        // the vertex reads x only through Q_msg(x) (the artifact's input quantization): fed those values, it computes the same
        TensorInfo in = ex.inputs().get(GraphInputs.NODES);
        byte[] codes = Int8Executor.quantizeInput(in, b.features().dup('c').data().asFloat());
        float scale = (float) in.quant().scale(0);
        INDArray onGrid = Nd4j.zeros(DataType.FLOAT, b.numNodes(), F);
        for (int i = 0; i < codes.length; i++) {
            onGrid.putScalar(i / F, i % F, (codes[i] - in.quant().zeroPoint(0)) * scale);
        }
        assertTrue(onGrid.sub(b.features()).amaxNumber().doubleValue() > 0, "the features are off the grid");
        TestGraphs.Batch quantized = new TestGraphs.Batch(b.numNodes(), onGrid, b.src(), b.dst(), b.graphIds());
        assertEquals(net.output(false, b.inputs())[0], net.output(false, quantized.inputs())[0],
                "GIN on float features " + mode + ": the output depends on x beyond Q_msg(x)");
    }

    /**
     * Two GAT layers, two heads each, concatenated then averaged: the integer attention (scores,
     * {@code attention_logits}, {@code leaky_relu}, {@code edge_softmax}, {@code weighted_gather})
     * within the bound that carries {@code edge_softmax}'s documented error against the float
     * softmax ({@link ExportDisagreementBound}).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void gatNodeLevelConcatAndMeanAgreeWithTheFakeQuantizedNetwork(Mode mode) throws Exception {
        GnnQuantSettings q = quant(mode);
        TestGraphs.Batch b = TestGraphs.random(4, 12, 20, F, 37);
        ComputationGraph net = network(q, null, gat(q, F, 2, HIDDEN / 2, true, Activation.RELU),
                gat(q, HIDDEN, 2, HIDDEN, false, Activation.IDENTITY));
        train(net, b, false, mode == Mode.DEGREE_QUANT, 10);
        for (String conv : new String[] {"conv0", "conv1"}) {
            double[] scales = ((io.qat4j.graph.layers.impl.GatVertexImpl) net.getVertex(conv)).exportableAttention().orElseThrow().scales();
            assertEquals(1, java.util.Arrays.stream(scales).distinct().count(), conv + ": one attention scale over all heads");
        }
        int decided = exportAndCompare(net, b, "GAT " + mode);
        assertTrue(decided > 0, "no row decided by the bound");
    }

    /** One GAT layer on the network input, heads concatenated and averaged, in both modes. */
    @Test
    void oneGatLayerConcatenatedOrAveragedAgreesInBothModes() throws Exception {
        for (Mode mode : Mode.values()) {
            for (boolean concat : new boolean[] {true, false}) {
                GnnQuantSettings q = quant(mode);
                TestGraphs.Batch b = TestGraphs.random(4, 12, 20, F, 39);
                ComputationGraph net = network(q, null, gat(q, F, 4, concat ? HIDDEN / 4 : HIDDEN, concat, Activation.RELU));
                train(net, b, false, mode == Mode.DEGREE_QUANT, 11);
                String what = "GAT " + mode + (concat ? " concatenated" : " averaged");
                assertTrue(exportAndCompare(net, b, what) > 0, what + ": no row decided by the bound");
            }
        }
    }

    /**
     * One head averaged is the head itself: exported as the concatenated head, {@code bias_requantize}
     * with its fine bias unit (a {@code fully_connected} mean would round the bias to the aggregate's
     * own unit); several heads averaged as a {@code fully_connected} of int8 weights whose int32
     * bias unit is {@code S_aggr / (64 H)}.
     */
    @Test
    void averagedHeadsExportWithAFineBias() throws Exception {
        for (int heads : new int[] {1, 4}) {
            GnnQuantSettings q = fourBits(Mode.QAT);
            TestGraphs.Batch b = TestGraphs.random(4, 12, 20, F, 43);
            ComputationGraph net = network(q, null, gat(q, F, heads, HIDDEN, false, Activation.RELU));
            train(net, b, false, false, 12);
            LoadedArtifact a = Int8Exporter.export(net, new int[] {F}, Provenance.EMPTY);
            io.qat4j.executor.artifact.OpNode last = a.model().ops().stream().filter(o -> o.name().equals("conv0")).findFirst().orElseThrow();
            if (heads == 1) {
                assertEquals(io.qat4j.executor.op.BiasRequantizeOp.NAME, last.opType(), "one head averaged");
            } else {
                assertEquals(io.qat4j.executor.op.FullyConnectedOp.NAME, last.opType(), heads + " heads averaged");
                TensorInfo bias = tensor(a, last.input(2));
                TensorInfo aggregate = tensor(a, last.input(0));
                assertEquals(aggregate.quant().scale(0) / (heads * 64), bias.quant().scale(0), 1e-9 * bias.quant().scale(0),
                        "the int32 bias unit of the mean");
                assertEquals(ElementType.INT8, tensor(a, last.input(1)).type(), "the mean's weights");
            }
            assertTrue(assertAgrees(net, a, Int8Executor.of(a, "test"), b, heads + " heads averaged") > 0, "no row decided");
        }
    }

    private static TensorInfo tensor(LoadedArtifact a, int id) {
        return a.model().tensors().stream().filter(t -> t.id() == id).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(GraphPoolVertex.Pooling.class)
    void graphLevelPoolingAgreesInBothModes(GraphPoolVertex.Pooling pooling) throws Exception {
        for (Mode mode : Mode.values()) {
            GnnQuantSettings q = quant(mode);
            TestGraphs.Batch b = onGrid(12, 8, 12, 51);
            GraphPoolVertex pool = new GraphPoolVertex.Builder().nIn(HIDDEN).pooling(pooling).quant(q).build();
            ComputationGraph net = network(q, pool, gin(q, F), gcn(q, HIDDEN, Activation.RELU));
            train(net, b, true, mode == Mode.DEGREE_QUANT, 7);
            LoadedArtifact a = Int8Exporter.export(net, new int[] {F}, Provenance.EMPTY);
            Int8Executor ex = Int8Executor.of(a, "test");
            assertEquals(List.of(GraphInputs.NODES, GraphInputs.EDGES, GraphInputs.GRAPH), List.copyOf(ex.inputs().keySet()));
            assertAgrees(net, a, ex, b, pooling + " " + mode);
        }
    }

    /** One artifact, written, read back and run on batches of different node, edge and graph counts. */
    @Test
    void aGraphArtifactRoundTripsAndRunsOnBatchesOfDifferentSizes(@TempDir Path dir) throws Exception {
        GnnQuantSettings q = quant(Mode.DEGREE_QUANT);
        TestGraphs.Batch train = onGrid(12, 8, 12, 61);
        GraphPoolVertex pool = new GraphPoolVertex.Builder().nIn(HIDDEN).pooling(GraphPoolVertex.Pooling.MEAN).quant(q).build();
        ComputationGraph net = network(q, pool, gcn(q, F, Activation.RELU), gin(q, HIDDEN));
        train(net, train, true, true, 8);
        LoadedArtifact a = Int8Exporter.export(net, new int[] {F}, Provenance.EMPTY);
        Path file = dir.resolve("gnn.qat4j");
        ArtifactWriter.write(a, file);
        LoadedArtifact back = ArtifactReader.read(file);
        assertEquals(a.model(), back.model());
        assertArrayEquals(ArtifactWriter.toBytes(a), ArtifactWriter.toBytes(back));
        Int8Executor ex = Int8Executor.load(file);
        int[][] sizes = {{3, 5, 4}, {20, 12, 30}, {1, 30, 60}};
        for (int[] s : sizes) {
            TestGraphs.Batch b = onGrid(s[0], s[1], s[2], 70 + s[0]);
            assertAgrees(net, back, ex, b, s[0] + " graphs of " + s[1] + " nodes");
        }
    }

    @Test
    void anFp32VertexRefusesNamingItself() {
        GnnQuantSettings q = quant(Mode.QAT);
        ComputationGraph net = network(q, null, gcn(GnnQuantSettings.fp32(), F, Activation.RELU));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Int8Exporter.export(net, new int[] {F}, Provenance.EMPTY));
        assertTrue(e.getMessage().contains("GcnVertex 'conv0'") && e.getMessage().contains("FP32"), e.getMessage());
    }

    @Test
    void aVertexWhoseQuantizersNeverSawDataRefusesNamingTheQuantizer() {
        GnnQuantSettings q = quant(Mode.QAT);
        ComputationGraph net = network(q, null, gcn(q, F, Activation.RELU));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Int8Exporter.export(net, new int[] {F}, Provenance.EMPTY));
        assertTrue(e.getMessage().contains("conv0") && e.getMessage().contains("never observed"), e.getMessage());
    }
}
