package io.qat4j.graph.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import io.qat4j.quant.spec.QuantSchedule;
import java.util.Map;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * {@link GcnVertex} with quantization on, forward and straight-through backward, against an
 * independent reference written edge by edge in plain double arithmetic from the formulas of
 * Kipf and Welling and Degree-Quant's {@code GCNConvMultiQuant}: every tensor fake-quantized by a
 * frozen range set by hand (narrow enough that each quantizer clamps some values), the plain STE
 * of QAT (gradient 1 through every quantizer) and the clipped STE of Degree-Quant (gradient 0 where
 * the unclamped code leaves the range), protected nodes (and the messages leaving them) untouched.
 * In DOUBLE both sides round the same real numbers, so they agree to rounding error.
 */
class GcnReferenceTest extends DoublePrecisionTest {

    private static final int F = 3;
    private static final int H = 4;
    private static final QuantSchedule FROZEN = new QuantSchedule(0, 0, -1);
    private static final QuantRange Q8 = QuantRange.of(8, true, false);
    /** Hand-set ranges per observer, each clamping some of its values. */
    private static final Map<String, double[]> RANGES = Map.of(
            GnnParams.INPUT_RANGE, new double[] {-0.6, 0.7},
            GnnParams.FEATURE_RANGE, new double[] {-0.5, 0.4},
            GnnParams.NORM_RANGE, new double[] {0, 0.45},
            GnnParams.MESSAGE_RANGE, new double[] {-0.2, 0.15},
            GnnParams.AGGREGATE_RANGE, new double[] {-0.3, 0.35},
            GnnParams.OUTPUT_RANGE, new double[] {-0.1, 0.25});

    /** A fake-quantized value and whether its unclamped code was in range. */
    private record Fq(double value, boolean inRange) {
    }

    private static Fq fq(String key, double v) {
        double[] r = RANGES.get(key);
        AffineQuantParams p = AffineQuantParams.asymmetric(r[0], r[1], Q8);
        double t = v / p.scale();
        long code = (long) (Math.signum(t) * Math.floor(Math.abs(t) + 0.5)) + p.zeroPoint();
        boolean in = code >= Q8.qMin() && code <= Q8.qMax();
        code = Math.max(Q8.qMin(), Math.min(Q8.qMax(), code));
        return new Fq(p.scale() * (code - p.zeroPoint()), in);
    }

    /** Per-column symmetric 8-bit weights, narrow range. */
    private static double[][] quantizeColumns(double[][] w) {
        double[][] out = new double[w.length][w[0].length];
        for (int c = 0; c < w[0].length; c++) {
            double m = 0;
            for (double[] row : w) {
                m = Math.max(m, Math.abs(row[c]));
            }
            double s = m / 127;
            for (int i = 0; i < w.length; i++) {
                double t = w[i][c] / s;
                out[i][c] = s * Math.max(-127, Math.min(127, Math.signum(t) * Math.floor(Math.abs(t) + 0.5)));
            }
        }
        return out;
    }

    @Test
    void qatAndDegreeQuantMatchTheEdgeByEdgeReference() {
        for (GnnQuantMode mode : new GnnQuantMode[] {GnnQuantMode.QAT, GnnQuantMode.DEGREE_QUANT}) {
            GnnQuantSettings q = mode == GnnQuantMode.QAT ? GnnQuantSettings.qat(8, FROZEN) : GnnQuantSettings.degreeQuant(8, FROZEN);
            ComputationGraph net = GnnNets.init(GnnNets.nodeLevel(DataType.DOUBLE, new NoOp(), F, 2, 3,
                    new GcnVertex.Builder().nIn(F).nOut(H).activation(Activation.RELU).quant(q).build()));
            GraphVertex v = net.getVertex("conv0");
            for (Map.Entry<String, double[]> e : RANGES.entrySet()) {
                v.paramTable(false).get(e.getKey()).assign(Nd4j.createFromArray(e.getValue()[0], e.getValue()[1], 1.0));
            }
            v.paramTable(false).get(GnnParams.BIAS).assign(Nd4j.createFromArray(0.05, -0.05, 0.1, 0.0));
            TestGraphs.Batch b = TestGraphs.small(DataType.DOUBLE, F, 4);
            b.features().muli(1.3);
            int[] protectedNodes = {1, 5};
            INDArray[] in = b.inputs(protectedNodes);
            v.setInputs(in[0], in[1], in[3]);
            INDArray out = v.doForward(true, LayerWorkspaceMgr.noWorkspaces());
            INDArray eps = Nd4j.rand(DataType.DOUBLE, b.numNodes(), H).subi(0.5);
            v.setEpsilon(eps);
            Pair<Gradient, INDArray[]> back = v.doBackward(false, LayerWorkspaceMgr.noWorkspaces());

            boolean dq = mode == GnnQuantMode.DEGREE_QUANT;
            boolean[] prot = new boolean[b.numNodes()];
            if (dq) {
                for (int i : protectedNodes) {
                    prot[i] = true;
                }
            }
            Reference ref = new Reference(b, prot, dq, v.paramTable(false).get(GnnParams.WEIGHT).toDoubleMatrix(),
                    v.paramTable(false).get(GnnParams.BIAS).toDoubleVector(), eps.toDoubleMatrix());
            assertClose(ref.out, out, mode + " output");
            assertClose(ref.dx, back.getSecond()[0], mode + " input gradient");
            assertClose(ref.dW, back.getFirst().getGradientFor(GnnParams.WEIGHT), mode + " weight gradient");
            assertClose(new double[][] {ref.db}, back.getFirst().getGradientFor(GnnParams.BIAS).reshape(1, H), mode + " bias gradient");
            assertTrue(ref.clamped > 10, mode + ": the ranges clamp " + ref.clamped + " values");
        }
    }

    private static void assertClose(double[][] expected, INDArray actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[0].length; j++) {
                assertEquals(expected[i][j], actual.getDouble(i, j), 1e-12, what + " [" + i + ", " + j + "]");
            }
        }
    }

    /** The reference forward and backward, edge by edge. */
    private static final class Reference {
        final double[][] out;
        final double[][] dx;
        final double[][] dW;
        final double[] db;
        int clamped;

        Reference(TestGraphs.Batch b, boolean[] prot, boolean clipped, double[][] w, double[] bias, double[][] eps) {
            int n = b.numNodes();
            double[][] x = b.features().toDoubleMatrix();
            // self-loops and degrees
            int e0 = b.src().length;
            int[] src = new int[e0 + n];
            int[] dst = new int[e0 + n];
            for (int e = 0; e < e0; e++) {
                src[e] = b.src()[e];
                dst[e] = b.dst()[e];
            }
            for (int i = 0; i < n; i++) {
                src[e0 + i] = i;
                dst[e0 + i] = i;
            }
            double[] deg = new double[n];
            for (int t : dst) {
                deg[t]++;
            }
            double[][] wq = quantizeColumns(w);
            // forward, keeping each quantizer's gradient factor (1 where it passes)
            double[][] xq = new double[n][F];
            double[][] gIn = new double[n][F];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < F; k++) {
                    Fq r = quant(GnnParams.INPUT_RANGE, x[i][k], prot[i]);
                    xq[i][k] = r.value;
                    gIn[i][k] = factor(r, clipped);
                }
            }
            double[][] f = new double[n][H];
            double[][] gFeat = new double[n][H];
            for (int i = 0; i < n; i++) {
                for (int h = 0; h < H; h++) {
                    double s = 0;
                    for (int k = 0; k < F; k++) {
                        s += xq[i][k] * wq[k][h];
                    }
                    Fq r = quant(GnnParams.FEATURE_RANGE, s, prot[i]);
                    f[i][h] = r.value;
                    gFeat[i][h] = factor(r, clipped);
                }
            }
            double[] norm = new double[src.length];
            double[][] gMsg = new double[src.length][H];
            double[][] agg = new double[n][H];
            for (int e = 0; e < src.length; e++) {
                norm[e] = quant(GnnParams.NORM_RANGE, 1 / Math.sqrt(deg[src[e]] * deg[dst[e]]), false).value;
                for (int h = 0; h < H; h++) {
                    Fq r = quant(GnnParams.MESSAGE_RANGE, norm[e] * f[src[e]][h], prot[src[e]]);
                    gMsg[e][h] = factor(r, clipped);
                    agg[dst[e]][h] += r.value;
                }
            }
            out = new double[n][H];
            double[][] gAgg = new double[n][H];
            double[][] gOut = new double[n][H];
            for (int i = 0; i < n; i++) {
                for (int h = 0; h < H; h++) {
                    Fq a = quant(GnnParams.AGGREGATE_RANGE, agg[i][h], prot[i]);
                    gAgg[i][h] = factor(a, clipped);
                    double pre = a.value + bias[h];
                    Fq o = quant(GnnParams.OUTPUT_RANGE, Math.max(0, pre), prot[i]);
                    out[i][h] = o.value;
                    gOut[i][h] = factor(o, clipped) * (pre > 0 ? 1 : 0);
                }
            }
            // backward
            db = new double[H];
            double[][] gA = new double[n][H];
            for (int i = 0; i < n; i++) {
                for (int h = 0; h < H; h++) {
                    double g = eps[i][h] * gOut[i][h];
                    db[h] += g;
                    gA[i][h] = g * gAgg[i][h];
                }
            }
            double[][] gF = new double[n][H];
            for (int e = 0; e < src.length; e++) {
                for (int h = 0; h < H; h++) {
                    gF[src[e]][h] += norm[e] * gMsg[e][h] * gA[dst[e]][h];
                }
            }
            dW = new double[F][H];
            dx = new double[n][F];
            for (int i = 0; i < n; i++) {
                for (int h = 0; h < H; h++) {
                    double g = gF[i][h] * gFeat[i][h];
                    for (int k = 0; k < F; k++) {
                        dW[k][h] += xq[i][k] * g;
                        dx[i][k] += g * wq[k][h] * gIn[i][k];
                    }
                }
            }
        }

        private Fq quant(String key, double v, boolean protectedRow) {
            if (protectedRow) {
                return new Fq(v, true);
            }
            Fq r = fq(key, v);
            clamped += r.inRange ? 0 : 1;
            return r;
        }

        private static double factor(Fq r, boolean clipped) {
            return !clipped || r.inRange ? 1 : 0;
        }
    }
}
