package io.qat4j.graph.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.prep.BiasQuantizer;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.layers.impl.ActivationQuantization;
import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.math.FakeQuant;
import io.qat4j.quant.math.WeightFakeQuant;
import io.qat4j.quant.layers.OutputQuantizers;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpecs;
import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Degree-Quant and the straight-through estimators at the level of whole vertices, quantization on:
 * <ul>
 * <li>with every node protected, a Degree-Quant GAT computes, forward and backward, exactly what
 *     the FP32 vertex computes with the fake-quantized weights (weights are shared, so they stay
 *     quantized; nothing a node produces is); GIN keeps its messages, aggregate and output float
 *     and quantizes its MLP on every row (the reference's mask-unaware MLP);</li>
 * <li>at evaluation nothing is protected (the protect input is ignored) and no observer moves;</li>
 * <li>the clipped estimator of Degree-Quant zeroes every gradient when every output is clamped,
 *     where the plain estimator of QAT passes it;</li>
 * <li>pooling's estimator, by hand; the percentile observer of a vertex on known data.</li>
 * </ul>
 */
class DegreeQuantVertexTest {

    private static final int F = 6;
    private static final QuantSchedule ALWAYS = QuantSchedule.ALWAYS;

    /** One training forward and backward of a vertex of a network. */
    private record Run(INDArray out, INDArray dx, Gradient gradient) {
    }

    private static Run run(GraphVertex v, INDArray[] in, INDArray eps) {
        v.setInputs(in);
        INDArray out = v.doForward(true, LayerWorkspaceMgr.noWorkspaces()).dup();
        v.setEpsilon(eps);
        Pair<Gradient, INDArray[]> back = v.doBackward(false, LayerWorkspaceMgr.noWorkspaces());
        return new Run(out, back.getSecond()[0].dup(), back.getFirst());
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        assertEquals(0, expected.sub(actual).amaxNumber().doubleValue() / scale, 1e-5, what);
    }

    private static ComputationGraph net(GnnVertex v) {
        return GnnNets.init(GnnNets.nodeLevel(DataType.FLOAT, new NoOp(), F, 2, 8, v));
    }

    private static INDArray quantizedColumns(INDArray w) {
        return WeightFakeQuant.apply(w.transpose(), QuantSpecs.INT8_WEIGHT_PER_CHANNEL, false).values().transpose();
    }

    @Test
    void allProtectedGatComputesTheFp32LayerWithQuantizedWeights() {
        TestGraphs.Batch b = TestGraphs.random(3, 12, 20, F, 5);
        INDArray[] in = allProtected(b);
        Nd4j.getRandom().setSeed(3);
        INDArray eps = Nd4j.rand(DataType.FLOAT, b.numNodes(), 8).subi(0.5);

        // GAT: W := Q(W), att := Q(att) with one scale over all heads (per tensor, as dq/multi_quant.py)
        ComputationGraph dq = net(new GatVertex.Builder().nIn(F).heads(2, 4, true).quant(GnnQuantSettings.degreeQuant(8, ALWAYS)).build());
        ComputationGraph fp = net(new GatVertex.Builder().nIn(F).heads(2, 4, true).quant(GnnQuantSettings.fp32()).build());
        Map<String, INDArray> pd = dq.getVertex("conv0").paramTable(false);
        Map<String, INDArray> pf = fp.getVertex("conv0").paramTable(false);
        for (String k : pf.keySet()) {
            pf.get(k).assign(pd.get(k));
        }
        pf.get(GnnParams.WEIGHT).assign(quantizedColumns(pd.get(GnnParams.WEIGHT)));
        pf.get(GnnParams.ATTENTION).assign(WeightFakeQuant.apply(pd.get(GnnParams.ATTENTION), QuantSpecs.INT8_WEIGHT_PER_TENSOR,
                false).values());
        compare(run(dq.getVertex("conv0"), in, eps), run(fp.getVertex("conv0"), in, eps), "GAT");
    }

    /**
     * GIN's MLP is mask-unaware, as in the reference ({@code dq/multi_quant.py} GINConvMultiQuant):
     * with every node protected, the messages, the aggregate and the output stay float and their
     * observers see nothing, while the MLP's input and hidden quantizers observe and round every
     * row. Expected forward, written out: {@code h = Q_in((1 + eps) x + A x)},
     * {@code r = Q_hidden(relu(h Q(W) + b))}, {@code r2 = Q_hidden2(relu(r Q(W2) + b2))}, the batch
     * norm on the batch's statistics (biased variance).
     */
    @Test
    void allProtectedGinKeepsMessagesAggregateAndOutputFloatAndQuantizesItsMlpOnEveryRow() {
        TestGraphs.Batch b = TestGraphs.random(3, 12, 20, F, 5);
        INDArray[] in = allProtected(b);
        GnnQuantSettings q = GnnQuantSettings.degreeQuant(8, ALWAYS);
        ComputationGraph dq = net(new GinVertex.Builder().nIn(F).nOut(8).quant(q).build());
        GraphVertex v = dq.getVertex("conv0");
        Map<String, INDArray> pd = v.paramTable(false);
        pd.get(GnnParams.GIN_EPS).assign(0.3);
        Nd4j.getRandom().setSeed(3);
        pd.get(GnnParams.GAMMA).assign(Nd4j.rand(DataType.FLOAT, 1, 8).addi(0.5));
        pd.get(GnnParams.BETA).assign(Nd4j.rand(DataType.FLOAT, 1, 8).subi(0.5));
        v.setInputs(in);
        INDArray out = v.doForward(true, LayerWorkspaceMgr.noWorkspaces()).dup();

        for (String k : new String[] {GnnParams.MESSAGE_RANGE, GnnParams.AGGREGATE_RANGE, GnnParams.OUTPUT_RANGE}) {
            assertEquals(0f, pd.get(k).getFloat(2), k + " observed nothing: every row was protected");
        }
        INDArray x = in[0];
        INDArray a = MessagePassing.gatherScatterAdd(x, b.src(), b.dst(), null, b.numNodes());
        INDArray h = observedAndRounded(q, pd.get(GnnParams.INPUT_RANGE), x.mul(1.3).addi(a));
        INDArray z1 = h.mmul(quantizedColumns(pd.get(GnnParams.WEIGHT)))
                .addiRowVector(exportedBias(q, pd, GnnParams.WEIGHT, GnnParams.BIAS, GnnParams.INPUT_RANGE));
        INDArray r = observedAndRounded(q, pd.get(GnnParams.HIDDEN_RANGE), Transforms.relu(z1));
        INDArray z2 = r.mmul(quantizedColumns(pd.get(GnnParams.WEIGHT_2)))
                .addiRowVector(exportedBias(q, pd, GnnParams.WEIGHT_2, GnnParams.BIAS_2, GnnParams.HIDDEN_RANGE));
        INDArray r2 = observedAndRounded(q, pd.get(GnnParams.HIDDEN_2_RANGE), Transforms.relu(z2));
        INDArray std = Transforms.sqrt(r2.var(false, 0).addi(1e-5));
        INDArray expected = r2.subRowVector(r2.mean(0)).diviRowVector(std).muliRowVector(pd.get(GnnParams.GAMMA))
                .addiRowVector(pd.get(GnnParams.BETA));
        assertClose(expected, out, "GIN output");
    }

    /**
     * @return the bias the exporter writes, {@code BiasQuantizer}'s int32 in units of
     *     {@code S_in S_w[c]} (from {@code FoldedWeights}' weight scales), as real values
     */
    private static INDArray exportedBias(GnnQuantSettings q, Map<String, INDArray> p, String weightKey, String biasKey,
                                         String inputKey) {
        FoldedWeights fw = FoldedWeights.of(p.get(weightKey).transpose(), q.weights(), p.get(biasKey));
        double sIn = (float) ActivationQuantization.params(q.activations(), p.get(inputKey)).scale();
        int[] codes = BiasQuantizer.quantize(fw.bias(), sIn, fw.scales());
        float[] real = new float[codes.length];
        for (int c = 0; c < codes.length; c++) {
            real[c] = (float) (codes[c] * sIn * fw.scales()[c]);
        }
        return Nd4j.createFromArray(real).reshape(1, codes.length);
    }

    /** @return the vertex inputs (nodes, edges, protect) of a batch with every node protected */
    private static INDArray[] allProtected(TestGraphs.Batch b) {
        int[] all = new int[b.numNodes()];
        Arrays.setAll(all, i -> i);
        INDArray[] protectAll = b.inputs(all);
        return new INDArray[] {protectAll[0], protectAll[1], protectAll[3]};
    }

    /** @return {@code x} rounded with the range its observer took from it (exactly one batch seen) */
    private static INDArray observedAndRounded(GnnQuantSettings q, INDArray state, INDArray x) {
        assertEquals(1f, state.getFloat(2), "the MLP's quantizer observed the one batch, protected rows included");
        AffineQuantParams p = ActivationQuantization.params(q.activations(), state);
        return FakeQuant.apply(x, (float) p.scale(), p.zeroPoint(), p.range().qMin(), p.range().qMax());
    }

    private static void compare(Run dq, Run fp, String what) {
        assertClose(fp.out(), dq.out(), what + " output");
        assertClose(fp.dx(), dq.dx(), what + " input gradient");
        for (Map.Entry<String, INDArray> e : fp.gradient().gradientForVariable().entrySet()) {
            assertClose(e.getValue(), dq.gradient().getGradientFor(e.getKey()), what + " gradient of " + e.getKey());
        }
    }

    @Test
    void evaluationProtectsNothingAndObservesNothing() {
        TestGraphs.Batch b = TestGraphs.random(3, 12, 20, F, 6);
        ComputationGraph net = net(new GcnVertex.Builder().nIn(F).nOut(8).quant(GnnQuantSettings.degreeQuant(8, ALWAYS)).build());
        GraphVertex v = net.getVertex("conv0");
        int[] all = new int[b.numNodes()];
        Arrays.setAll(all, i -> i);
        INDArray[] none = b.inputs();
        v.setInputs(none[0], none[1], none[3]);
        INDArray trained = v.doForward(true, LayerWorkspaceMgr.noWorkspaces()).dup(); // observers see one batch
        INDArray state = v.params().dup();
        v.setInputs(none[0], none[1], none[3]);
        INDArray unprotected = v.doForward(false, LayerWorkspaceMgr.noWorkspaces()).dup();
        INDArray[] protect = b.inputs(all);
        v.setInputs(protect[0], protect[1], protect[3]);
        INDArray allProtected = v.doForward(false, LayerWorkspaceMgr.noWorkspaces()).dup();
        assertEquals(unprotected, allProtected, "evaluation ignores the protect input");
        assertEquals(state, v.params(), "evaluation moves no observer");
        v.setInputs(protect[0], protect[1], protect[3]);
        assertNotEquals(allProtected, v.doForward(true, LayerWorkspaceMgr.noWorkspaces()), "training protects");
        assertTrue(trained.length() > 0);
    }

    @Test
    void theClippedEstimatorStopsTheGradientOfClampedOutputsAndThePlainOneDoesNot() {
        TestGraphs.Batch b = TestGraphs.random(2, 10, 15, F, 8);
        INDArray[] all = b.inputs();
        INDArray[] in = {all[0], all[1], all[3]};
        INDArray eps = Nd4j.rand(DataType.FLOAT, b.numNodes(), 8).addi(0.1);
        QuantSchedule observeOnce = new QuantSchedule(0, 1, -1);
        for (boolean gin : new boolean[] {true, false}) {
            for (GnnQuantSettings q : new GnnQuantSettings[] {GnnQuantSettings.degreeQuant(8, observeOnce),
                GnnQuantSettings.qat(8, observeOnce)}) {
                GnnVertex conf = gin ? new GinVertex.Builder().nIn(F).nOut(8).quant(q).build()
                        : new GatVertex.Builder().nIn(F).heads(2, 4, true).quant(q).build();
                ComputationGraph net = net(conf);
                GraphVertex v = net.getVertex("conv0");
                if (!gin) {
                    // GAT's output has no ReLU: a bias far outside the range clamps every output, even
                    // those whose quantized aggregate is 0
                    v.paramTable(false).get(GnnParams.BIAS).assign(10);
                }
                run(v, in, eps); // step 0: every observer takes the batch's range
                net.getConfiguration().setIterationCount(1); // from step 1 the ranges are frozen
                INDArray outRange = v.paramTable(false).get(GnnParams.OUTPUT_RANGE);
                outRange.assign(Nd4j.createFromArray(-1e-7f, 1e-7f, 1f)); // every output clamps
                Run r = run(v, in, eps);
                String what = (gin ? "GIN " : "GAT ") + q.mode();
                // GIN: every output code clamped, or zero after the ReLU (whose derivative stops it)
                double zeros = gin ? r.out().eq(0).castTo(DataType.FLOAT).meanNumber().doubleValue() : 0;
                assertEquals(1.0, OutputQuantizers.clippedFraction(v) + zeros, 1e-6, what + ": every output clamped");
                double dx = r.dx().amaxNumber().doubleValue();
                double dw = r.gradient().getGradientFor(GnnParams.WEIGHT).amaxNumber().doubleValue();
                if (q.mode() == GnnQuantMode.DEGREE_QUANT) {
                    assertEquals(0.0, dx, what + ": the clipped STE passes nothing");
                    assertEquals(0.0, dw, what);
                } else {
                    assertTrue(dx > 1e-3 && dw > 1e-3, what + ": the plain STE passes the gradient: " + dx + ", " + dw);
                }
            }
        }
    }

    /**
     * GIN's message observer weighs a node by its out-degree, as the reference's per-edge
     * {@code message_low} does: a star of one hub (features 100) and 300 leaves (features in
     * {@code [0, 1)}) has the hub on half of its 600 edge rows but on one of 301 node rows, so the
     * 4-bit Degree-Quant percentile (1% / 99%) keeps the hub in the message range (max 100), where
     * node rows would clip it below 1.
     */
    @Test
    void ginMessageObserverWeighsANodeByItsOutDegree() {
        int leaves = 300;
        int n = leaves + 1;
        INDArray x = Nd4j.rand(DataType.FLOAT, n, F);
        x.getRow(0).assign(100);
        int[] src = new int[2 * leaves];
        int[] dst = new int[2 * leaves];
        for (int k = 0; k < leaves; k++) {
            src[2 * k] = 0;
            dst[2 * k] = k + 1;
            src[2 * k + 1] = k + 1;
            dst[2 * k + 1] = 0;
        }
        TestGraphs.Batch b = new TestGraphs.Batch(n, x, src, dst, new int[n]);
        ComputationGraph net = net(new GinVertex.Builder().nIn(F).nOut(8).quant(GnnQuantSettings.degreeQuant(4, ALWAYS)).build());
        GraphVertex v = net.getVertex("conv0");
        INDArray[] in = b.inputs();
        v.setInputs(in[0], in[1], in[3]);
        v.doForward(true, LayerWorkspaceMgr.noWorkspaces());
        INDArray range = v.paramTable(false).get(GnnParams.MESSAGE_RANGE);
        assertEquals(100f, range.getFloat(RangeObserver.MAX), "the hub's messages are half the edge rows");
    }

    @Test
    void poolingEstimatorByHand() {
        TestGraphs.Batch b = TestGraphs.small(DataType.FLOAT, 8, 9);
        GraphPoolVertex conf = new GraphPoolVertex.Builder().nIn(8).pooling(GraphPoolVertex.Pooling.SUM)
                .quant(GnnQuantSettings.degreeQuant(8, new QuantSchedule(0, 0, -1))).build();
        ComputationGraph net = GnnNets.init(GnnNets.graphLevel(DataType.FLOAT, new NoOp(), 8, 2, 1, conf));
        GraphVertex v = net.getVertex("pool");
        v.paramTable(false).get(GnnParams.OUTPUT_RANGE).assign(Nd4j.createFromArray(-0.5f, 0.5f, 1f));
        INDArray eps = Nd4j.rand(DataType.FLOAT, 2, 8);
        Run r = run(v, new INDArray[] {b.features(), b.graph()}, eps);
        AffineQuantParams p = AffineQuantParams.asymmetric(-0.5, 0.5, GnnQuantSettings.degreeQuant(8, ALWAYS).activations().range());
        int passed = 0;
        for (int g = 0; g < 2; g++) {
            for (int c = 0; c < 8; c++) {
                double sum = 0;
                for (int i = 0; i < b.numNodes(); i++) {
                    sum += b.graphIds()[i] == g ? b.features().getDouble(i, c) : 0;
                }
                assertEquals(p.dequantize(p.quantize(sum)), r.out().getDouble(g, c), 1e-6);
                double t = (float) sum / (float) p.scale();
                long code = (long) (Math.signum(t) * Math.floor(Math.abs(t) + 0.5)) + p.zeroPoint();
                boolean in = code >= -128 && code <= 127;
                passed += in ? 1 : 0;
                for (int i = 0; i < b.numNodes(); i++) {
                    if (b.graphIds()[i] == g) {
                        assertEquals(in ? eps.getDouble(g, c) : 0, r.dx().getDouble(i, c), 0, "node " + i + " channel " + c);
                    }
                }
            }
        }
        assertTrue(passed > 0 && passed < 16, "some pooled values clamp, some do not: " + passed);
    }

    @Test
    void aVertexPercentileObserverOnKnownData() {
        TestGraphs.Batch b = TestGraphs.random(300, 3, 2, 40, 10); // 300 graphs x 40 channels = 12,000 pooled values
        GraphPoolVertex conf = new GraphPoolVertex.Builder().nIn(40).pooling(GraphPoolVertex.Pooling.MEAN)
                .quant(GnnQuantSettings.degreeQuant(8, ALWAYS)).build();
        ComputationGraph net = GnnNets.init(GnnNets.graphLevel(DataType.FLOAT, new NoOp(), 40, 2, 1, conf));
        GraphVertex v = net.getVertex("pool");
        v.setInputs(b.features(), b.graph());
        v.doForward(true, LayerWorkspaceMgr.noWorkspaces());
        float[] pooled = new float[300 * 40];
        for (int g = 0; g < 300; g++) {
            for (int c = 0; c < 40; c++) {
                float s = 0;
                for (int k = 0; k < 3; k++) {
                    s += b.features().getFloat(g * 3 + k, c);
                }
                pooled[g * 40 + c] = s / 3;
            }
        }
        Arrays.sort(pooled);
        int lo = (int) Math.round(0.001 * (pooled.length - 1));
        int hi = (int) Math.round(0.999 * (pooled.length - 1));
        INDArray state = v.paramTable(false).get(GnnParams.OUTPUT_RANGE);
        assertEquals(pooled[lo], state.getFloat(0), 1e-6f);
        assertEquals(pooled[hi], state.getFloat(1), 1e-6f);
        assertEquals(1f, state.getFloat(2));
        assertArrayEquals(new long[] {3}, state.shape());
    }
}
