package io.qat4j.graph.layers.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.executor.tensor.Tensor;
import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.layers.DegreeQuantMask;
import io.qat4j.graph.layers.GatVertex;
import io.qat4j.graph.layers.GnnExportTest;
import io.qat4j.graph.layers.GnnParams;
import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.graph.layers.TestGraphs;
import io.qat4j.quant.export.Int8Exporter;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Graph attention in the fake-quantized forward pass against the integer model: on the executor's
 * own feature codes, {@link IntegerAttention} gives the executor's traced logits
 * ({@code attention_logits}), coefficients ({@code edge_softmax}) and messages
 * ({@code weighted_gather}) code for code (its parameters are the exporter's), while the float
 * softmax of the same logits is a code or more away on some edges; and a training forward pass
 * of {@link GatVertexImpl} takes those coefficients (multiples of {@code 2^-k}) on every target
 * whose incoming edges are all on the grid, the float softmax on the others.
 */
class IntegerAttentionTest {

    private static final int F = GnnExportTest.F;
    private static final int HIDDEN = GnnExportTest.HIDDEN;
    private static final int K = GatVertex.ATTENTION_FRACTION_BITS;

    private static ComputationGraph trainedGat(GnnExportTest.Mode mode, int bits, TestGraphs.Batch b) {
        GnnQuantSettings q = GnnExportTest.quant(mode, bits);
        ComputationGraph net = GnnExportTest.network(q, null, GnnExportTest.gat(q, F, 2, HIDDEN / 2, true, Activation.RELU),
                GnnExportTest.gat(q, HIDDEN, 2, HIDDEN, false, Activation.IDENTITY));
        GnnExportTest.train(net, b, false, mode == GnnExportTest.Mode.DEGREE_QUANT, 13);
        return net;
    }

    private static AffineQuantParams[] params(GatVertexImpl v) {
        AffineQuantParams[] p = v.integerModelParams(GnnParams.FEATURE_RANGE, GnnParams.LOGIT_RANGE, GnnParams.MESSAGE_RANGE);
        assertNotNull(p, "the trained vertex quantizes with observers that have seen data");
        return p;
    }

    @ParameterizedTest(name = "{0} at {1} bits")
    @CsvSource({"QAT, 8", "QAT, 4", "DEGREE_QUANT, 8", "DEGREE_QUANT, 4"})
    void onTheFeatureCodesTheAttentionIsTheExecutors(GnnExportTest.Mode mode, int bits) throws Exception {
        TestGraphs.Batch b = TestGraphs.random(4, 12, 30, F, 60 + bits);
        ComputationGraph net = trainedGat(mode, bits, b);
        LoadedArtifact artifact = Int8Exporter.export(net, new int[] {F}, Provenance.EMPTY);
        Int8Executor ex = Int8Executor.of(artifact, "test");
        Map<String, Tensor> trace = ex.traceAll(GnnExportTest.executorInputs(ex, b));
        int n = b.numNodes();
        GraphInputs.Edges edges = new GraphInputs.Edges(b.src(), b.dst()).withSelfLoops(n);
        int floatSoftmaxOff = 0;
        for (String conv : new String[] {"conv0", "conv1"}) {
            GatVertexImpl v = (GatVertexImpl) net.getVertex(conv);
            AffineQuantParams[] p = params(v);
            byte[] f = trace.get(conv + "/features").bytes();
            float[] fv = new float[f.length];
            for (int k = 0; k < f.length; k++) {
                fv[k] = (f[k] - p[0].zeroPoint()) * (float) p[0].scale(); // as the fake quantization dequantizes
            }
            IntegerAttention a = new IntegerAttention(fv, n, v.exportableAttention().orElseThrow(), edges.src(), edges.dst(), null,
                    p[0], p[1], p[2], conv);
            byte[] logits = trace.get(conv + "/logits").bytes();
            assertArrayEquals(logits, a.logitCodes(), conv + ": logits");
            short[] alpha = trace.get(conv + "/attention").shorts();
            int[] expected = new int[alpha.length];
            for (int k = 0; k < alpha.length; k++) {
                expected[k] = alpha[k];
            }
            assertArrayEquals(expected, a.coefficientCodes(), conv + ": coefficients");
            assertArrayEquals(trace.get(conv + "/messages").bytes(), a.messageCodes(), conv + ": messages");
            floatSoftmaxOff += floatSoftmaxDifferences(logits, p[1], edges.dst(), n, expected);
        }
        assertTrue(floatSoftmaxOff > 0, "the float softmax of the same logits should be a code away somewhere");
    }

    /** Edges and heads where the float softmax of {@code LeakyReLU} of the dequantized logits, rounded to {@code 2^-k}, is not the integer code. */
    private static int floatSoftmaxDifferences(byte[] logits, AffineQuantParams p, int[] dst, int n, int[] codes) {
        int heads = logits.length / dst.length;
        double[] y = new double[logits.length];
        double[] max = new double[n * heads];
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int k = 0; k < logits.length; k++) {
            double v = (logits[k] - p.zeroPoint()) * p.scale();
            y[k] = v > 0 ? v : GatVertex.NEGATIVE_SLOPE * v;
            max[dst[k / heads] * heads + k % heads] = Math.max(max[dst[k / heads] * heads + k % heads], y[k]);
        }
        double[] sum = new double[n * heads];
        for (int k = 0; k < y.length; k++) {
            y[k] = Math.exp(y[k] - max[dst[k / heads] * heads + k % heads]);
            sum[dst[k / heads] * heads + k % heads] += y[k];
        }
        int off = 0;
        for (int k = 0; k < y.length; k++) {
            if (Math.round(Math.scalb(y[k] / sum[dst[k / heads] * heads + k % heads], K)) != codes[k]) {
                off++;
            }
        }
        return off;
    }

    @ParameterizedTest(name = "{0} at {1} bits")
    @CsvSource({"QAT, 8", "DEGREE_QUANT, 4"})
    void aTrainingPassTakesTheIntegerCoefficientsWhereTheLogitsAreOnTheGrid(GnnExportTest.Mode mode, int bits) {
        TestGraphs.Batch b = TestGraphs.random(4, 12, 30, F, 70 + bits);
        ComputationGraph net = trainedGat(mode, bits, b);
        boolean dq = mode == GnnExportTest.Mode.DEGREE_QUANT;
        INDArray protect = dq ? DegreeQuantMask.INT4.draw(b.inDegreeCdf(), 3L) : DegreeQuantMask.none(b.numNodes());
        GatVertexImpl v = (GatVertexImpl) net.getVertex("conv0");
        v.setInputs(new INDArray[] {b.features(), b.edges(), protect});
        v.doForward(true, LayerWorkspaceMgr.noWorkspaces());
        double[] alpha = v.pass.alpha();
        int n = b.numNodes();
        GraphInputs.Edges edges = new GraphInputs.Edges(b.src(), b.dst()).withSelfLoops(n);
        boolean[] exact = new boolean[n];
        for (int i = 0; i < n; i++) {
            exact[i] = protect.getDouble(i, 0) == 0;
        }
        for (int e = 0; e < edges.src().length; e++) {
            if (protect.getDouble(edges.src()[e], 0) != 0) {
                exact[edges.dst()[e]] = false;
            }
        }
        int heads = alpha.length / edges.src().length;
        int[] exactEdges = new int[2];
        int offGridFloat = 0;
        double[] codeSum = new double[n * heads];
        int[] inDegree = new int[n];
        for (int e = 0; e < edges.src().length; e++) {
            int t = edges.dst()[e];
            inDegree[t]++;
            for (int h = 0; h < heads; h++) {
                double code = Math.scalb(alpha[e * heads + h], K);
                if (exact[t]) {
                    assertEquals(Math.rint(code), code, 0, "edge " + e + " head " + h + " into an on-grid target: a code of 2^-" + K);
                    codeSum[t * heads + h] += code;
                } else if (code != Math.rint(code)) {
                    offGridFloat++;
                }
            }
            exactEdges[exact[t] ? 0 : 1]++;
        }
        for (int i = 0; i < n; i++) {
            for (int h = 0; h < heads && exact[i]; h++) {
                // the integer coefficients of one target sum to 2^k within half a code per edge
                assertTrue(Math.abs(codeSum[i * heads + h] - (1 << K)) <= inDegree[i] / 2.0, "node " + i + " head " + h + ": " + codeSum[i * heads + h]);
            }
        }
        assertTrue(exactEdges[0] > 0, "no edge into an on-grid target");
        if (dq) {
            assertTrue(exactEdges[1] > 0, "no edge into a target with a protected in-neighbour");
            assertTrue(offGridFloat > 0, "targets with protected in-neighbours keep the float softmax");
        }
    }
}
