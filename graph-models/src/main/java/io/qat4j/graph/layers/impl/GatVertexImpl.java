package io.qat4j.graph.layers.impl;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.layers.GatVertex;
import io.qat4j.graph.layers.GnnParams;
import io.qat4j.graph.layers.MessagePassing;
import io.qat4j.quant.layers.impl.ActivationQuantization;
import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.math.FakeQuant;
import io.qat4j.quant.math.WeightFakeQuant;
import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.quant.spec.SteMode;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Implementation of {@link GatVertex}. Forward over the edges plus one self-loop per node, heads
 * {@code k}, {@code Q} the quantizers (identity in FP32 mode and on protected rows):
 * <pre>
 *   f = Q_feat(Q_in(x) Q_w(W));  a = Q_w(att);  s_i = a_k[:C] . f_i,k;  t_j = a_k[C:] . f_j,k
 *   l_e = Q_logit(s_dst + t_src);  alpha_e = softmax_{e' into dst}(LeakyReLU(l_e)) (dropped out in training)
 *   m_e = Q_msg(alpha_e f_src,k);  h_i = Q_aggr(sum_{e into i} m_e);  out = Q_out(act(heads(h) + b))
 * </pre>
 * Where the pass quantizes, the logits, coefficients and messages of every target whose incoming
 * edges are all on the grid are the integer model's ({@link IntegerAttention}: {@code edge_softmax}
 * in place of the float softmax, its gradient through the float softmax's Jacobian at those
 * coefficients). The attention runs in flat loops over Java arrays (per-node scores first, so the
 * logits cost {@code O(E * heads)}, not {@code O(E * heads * C)}). Backward: the usual chain, with the softmax
 * gradient {@code g_l = alpha (g_alpha - sum_{e' into dst} alpha g_alpha)} per target and head, the
 * LeakyReLU slope where {@code l <= 0}, and the score gradients scattered back to the targets and
 * sources that produced them.
 */
public class GatVertexImpl extends GnnVertexImpl<GatVertex, GatVertexImpl.Pass> {

    /** What the backward pass needs from a training forward pass. */
    record Pass(GraphInputs.Edges edges, int numNodes, Transform transform, double[] f, double[] att,
                INDArray attMask, double[] logits, double[] logitMask, double[] alpha, double[] keep, INDArray msgMask,
                INDArray aggrMask, INDArray preActivation, INDArray outMask) {
    }

    /** Created by {@link GatVertex}'s {@code instantiate}, with the arguments of {@link GnnVertexImpl}'s constructor. */
    public GatVertexImpl(ComputationGraph graph, String name, int vertexIndex, GatVertex config, INDArray paramsView,
                         boolean initializeParams, DataType dataType) {
        super(graph, name, vertexIndex, config, paramsView, initializeParams, dataType);
    }

    @Override
    protected void initializeParams(Map<String, INDArray> views) {
        long hc = config.getHeads() * config.getChannels();
        glorotUniform(views.get(GnnParams.WEIGHT), config.getNIn(), hc);
        glorotUniform(views.get(GnnParams.ATTENTION), config.getHeads(), 2 * config.getChannels());
        views.get(GnnParams.BIAS).assign(0);
    }

    private IActivation activation() {
        return config.getActivation().getActivationFunction();
    }

    /**
     * The attention vectors' spec: the weight spec with one scale over all heads (per tensor), as
     * camlsys/degree-quant's {@code dq/multi_quant.py} quantizes the attention vector as one tensor;
     * the integer logits of every head then share the accumulator scale {@code S_f S_a} that
     * {@code attention_logits} requantizes with one multiplier.
     */
    private QuantSpec attentionSpec() {
        return config.getQuant().weights().withGranularity(Granularity.PER_TENSOR);
    }

    /** The attention vectors, fake-quantized with {@link #attentionSpec()} (one row per head, one scale). */
    private FakeQuant.Masked attention() {
        INDArray att = param(GnnParams.ATTENTION);
        if (!config.getQuant().quantized() || !config.getQuant().schedule().quantizing(step())) {
            return new FakeQuant.Masked(att, null);
        }
        return WeightFakeQuant.apply(att, attentionSpec(), attentionSpec().ste() == SteMode.CLIPPED);
    }

    @Override
    protected INDArray forward(boolean training) {
        INDArray x = nodes();
        int n = (int) x.size(0);
        int heads = config.getHeads();
        int c = (int) config.getChannels();
        GraphInputs.Edges edges = GraphInputs.edges(inputs[1], n, where()).withSelfLoops(n);
        int e = edges.count();
        boolean[] protectedNodes = protectedNodes(training);
        boolean[] protectedEdges = RowMaskedQuantization.ofSources(protectedNodes, edges.src());

        Transform t = transform(x, protectedNodes, training);
        ActivationQuantization.Result f = t.features();
        FakeQuant.Masked att = attention();
        double[] fv = HeapArrays.doubles(f.values());
        double[] av = HeapArrays.doubles(att.values());
        double[] target = new double[n * heads];
        double[] source = new double[n * heads];
        scores(fv, av, n, heads, c, target, source);
        double[] logits = new double[e * heads];
        for (int k = 0; k < e; k++) {
            for (int h = 0; h < heads; h++) {
                logits[k * heads + h] = target[edges.dst()[k] * heads + h] + source[edges.src()[k] * heads + h];
            }
        }
        ActivationQuantization.Result l = quantize(GnnParams.LOGIT_RANGE, HeapArrays.matrix(logits, e, heads, dataType),
                protectedEdges, training);
        double[] lq = HeapArrays.doubles(l.values());
        IntegerAttention exact = integerAttention(f.values(), n, edges, protectedNodes);
        // the float softmax only where some target keeps it (the integer path overwrites the rest)
        double[] alpha = exact != null && exact.everyEdge() ? new double[e * heads] : softmax(lq, edges.dst(), n, heads);
        if (exact != null) {
            exact.overwrite(lq, alpha);
        }
        double[] keep = training && config.getAttentionDropout() > 0 ? dropout(alpha) : null;
        double[] messages = new double[e * heads * c];
        for (int k = 0; k < e; k++) {
            int s = edges.src()[k] * heads * c;
            for (int h = 0; h < heads; h++) {
                double a = alpha[k * heads + h] * (keep == null ? 1 : keep[k * heads + h]);
                for (int j = 0; j < c; j++) {
                    messages[(k * heads + h) * c + j] = a * fv[s + h * c + j];
                }
            }
        }
        ActivationQuantization.Result m = quantize(GnnParams.MESSAGE_RANGE,
                HeapArrays.matrix(messages, e, (long) heads * c, dataType), protectedEdges, training);
        INDArray mq = exact == null || keep != null ? m.values() : exact.messages(m.values());
        ActivationQuantization.Result a = quantizeAggregate(mq, null, edges.dst(), protectedEdges, protectedNodes, training);
        INDArray combined = config.isConcat() ? a.values() : a.values().reshape(n, heads, c).mean(1);
        INDArray pre = combined.addRowVector(param(GnnParams.BIAS));
        ActivationQuantization.Result out = quantize(GnnParams.OUTPUT_RANGE, activation().getActivation(pre.dup(), training),
                protectedNodes, training);
        if (training) {
            pass = new Pass(edges, n, t, fv, av, att.mask(), lq,
                    l.gradMask() == null ? null : HeapArrays.doubles(l.gradMask()), alpha, keep, m.gradMask(),
                    a.gradMask(), pre, out.gradMask());
        }
        return out.values();
    }

    /**
     * @return the integer model's logits, coefficients and messages ({@link IntegerAttention}) when
     *     the pass quantizes with observers that have seen data (FLOAT networks), else null
     */
    private IntegerAttention integerAttention(INDArray features, int n, GraphInputs.Edges edges, boolean[] protectedNodes) {
        AffineQuantParams[] p = integerModelParams(GnnParams.FEATURE_RANGE, GnnParams.LOGIT_RANGE, GnnParams.MESSAGE_RANGE);
        if (p == null) {
            return null; // else a FLOAT network: the features are FLOAT
        }
        return new IntegerAttention(HeapArrays.floats(features), n, exportableAttention().orElseThrow(), edges.src(), edges.dst(),
                protectedNodes, p[0], p[1], p[2], where());
    }

    /** Per node and head: {@code target = a[:C] . f}, {@code source = a[C:] . f}. */
    private static void scores(double[] f, double[] att, int n, int heads, int c, double[] target, double[] source) {
        for (int i = 0; i < n; i++) {
            for (int h = 0; h < heads; h++) {
                double t = 0;
                double s = 0;
                int fo = (i * heads + h) * c;
                int ao = h * 2 * c;
                for (int j = 0; j < c; j++) {
                    t += att[ao + j] * f[fo + j];
                    s += att[ao + c + j] * f[fo + j];
                }
                target[i * heads + h] = t;
                source[i * heads + h] = s;
            }
        }
    }

    /** Softmax of {@code LeakyReLU(logits)} over the edges into each node, per head (max subtracted). */
    private static double[] softmax(double[] logits, int[] dst, int n, int heads) {
        double[] max = new double[n * heads];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        double[] y = new double[logits.length];
        for (int k = 0; k < dst.length; k++) {
            for (int h = 0; h < heads; h++) {
                double v = logits[k * heads + h];
                y[k * heads + h] = v > 0 ? v : GatVertex.NEGATIVE_SLOPE * v;
                max[dst[k] * heads + h] = Math.max(max[dst[k] * heads + h], y[k * heads + h]);
            }
        }
        double[] sum = new double[n * heads];
        for (int k = 0; k < dst.length; k++) {
            for (int h = 0; h < heads; h++) {
                y[k * heads + h] = Math.exp(y[k * heads + h] - max[dst[k] * heads + h]);
                sum[dst[k] * heads + h] += y[k * heads + h];
            }
        }
        for (int k = 0; k < dst.length; k++) {
            for (int h = 0; h < heads; h++) {
                y[k * heads + h] /= sum[dst[k] * heads + h];
            }
        }
        return y;
    }

    /** Inverted dropout factors {@code keep / (1 - p)} from ND4J's generator, which DL4J seeds. */
    private double[] dropout(double[] alpha) {
        double p = config.getAttentionDropout();
        double[] keep = new double[alpha.length];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = Nd4j.getRandom().nextDouble() < p ? 0 : 1 / (1 - p);
        }
        return keep;
    }

    @Override
    protected INDArray[] backward(INDArray epsilon, Map<String, INDArray> gradientViews) {
        Pass p = requirePass();
        int n = p.numNodes();
        int heads = config.getHeads();
        int c = (int) config.getChannels();
        int[] src = p.edges().src();
        int[] dst = p.edges().dst();
        INDArray gPre = activation().backprop(p.preActivation().dup(), masked(epsilon, p.outMask())).getFirst();
        gradientViews.get(GnnParams.BIAS).assign(gPre.sum(0));
        INDArray gAggregate = config.isConcat() ? gPre
                : Nd4j.tile(gPre.div(heads).reshape(n, 1, c), 1, heads, 1).reshape(n, (long) heads * c);
        double[] gm = HeapArrays.doubles(masked(MessagePassing.gatherRows(masked(gAggregate, p.aggrMask()), dst),
                p.msgMask()));
        double[] f = p.f();
        double[] gf = new double[n * heads * c];
        double[] gAlpha = new double[src.length * heads];
        for (int k = 0; k < src.length; k++) {
            int s = src[k] * heads * c;
            for (int h = 0; h < heads; h++) {
                int kh = k * heads + h;
                double a = p.alpha()[kh] * (p.keep() == null ? 1 : p.keep()[kh]);
                double dot = 0;
                for (int j = 0; j < c; j++) {
                    double g = gm[kh * c + j];
                    gf[s + h * c + j] += a * g;
                    dot += g * f[s + h * c + j];
                }
                gAlpha[kh] = p.keep() == null ? dot : dot * p.keep()[kh];
            }
        }
        double[] weighted = new double[n * heads];
        for (int k = 0; k < dst.length; k++) {
            for (int h = 0; h < heads; h++) {
                weighted[dst[k] * heads + h] += p.alpha()[k * heads + h] * gAlpha[k * heads + h];
            }
        }
        double[] gTarget = new double[n * heads];
        double[] gSource = new double[n * heads];
        for (int k = 0; k < dst.length; k++) {
            for (int h = 0; h < heads; h++) {
                int kh = k * heads + h;
                double g = p.alpha()[kh] * (gAlpha[kh] - weighted[dst[k] * heads + h]);
                g *= p.logits()[kh] > 0 ? 1 : GatVertex.NEGATIVE_SLOPE;
                if (p.logitMask() != null) {
                    g *= p.logitMask()[kh];
                }
                gTarget[dst[k] * heads + h] += g;
                gSource[src[k] * heads + h] += g;
            }
        }
        double[] att = p.att();
        double[] gAtt = new double[heads * 2 * c];
        for (int i = 0; i < n; i++) {
            for (int h = 0; h < heads; h++) {
                double gt = gTarget[i * heads + h];
                double gs = gSource[i * heads + h];
                int fo = (i * heads + h) * c;
                int ao = h * 2 * c;
                for (int j = 0; j < c; j++) {
                    gf[fo + j] += gt * att[ao + j] + gs * att[ao + c + j];
                    gAtt[ao + j] += gt * f[fo + j];
                    gAtt[ao + c + j] += gs * f[fo + j];
                }
            }
        }
        gradientViews.get(GnnParams.ATTENTION).assign(masked(HeapArrays.matrix(gAtt, heads, 2L * c, dataType),
                p.attMask()));
        return new INDArray[] {transformBackward(p.transform(), HeapArrays.matrix(gf, n, (long) heads * c, dataType),
                gradientViews.get(GnnParams.WEIGHT))};
    }

    /**
     * The feature weights {@code W} as the integer model uses them, with the bias when the heads are
     * concatenated (averaged heads add theirs after the mean: zero here).
     *
     * @return codes, scales and bias, or empty in FP32 mode
     */
    @Override
    public Optional<FoldedWeights> exportableWeights() {
        return denseWeights(GnnParams.WEIGHT, config.isConcat() ? param(GnnParams.BIAS)
                : Nd4j.zeros(dataType, (long) config.getHeads() * config.getChannels()));
    }

    /**
     * @return the attention vectors {@code [heads, 2C]} as the integer model uses them (one row per
     *     head, one scale for all, zero bias), or empty in FP32 mode
     */
    public Optional<FoldedWeights> exportableAttention() {
        return config.getQuant().quantized()
                ? Optional.of(FoldedWeights.of(param(GnnParams.ATTENTION), attentionSpec(),
                        Nd4j.zeros(dataType, config.getHeads())))
                : Optional.empty();
    }
}
