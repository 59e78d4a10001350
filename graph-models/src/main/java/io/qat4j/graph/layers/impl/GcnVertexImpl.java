package io.qat4j.graph.layers.impl;

import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.layers.GcnVertex;
import io.qat4j.graph.layers.GnnParams;
import io.qat4j.graph.layers.MessagePassing;
import io.qat4j.quant.layers.impl.ActivationQuantization;
import io.qat4j.quant.layers.impl.FoldedWeights;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Implementation of {@link GcnVertex}. Forward, with {@code Q_k} the quantizer of tensor {@code k}
 * (identity in FP32 mode and on protected rows):
 * <pre>
 *   xq = Q_in(x);  f = Q_feat(xq Q_w(W));  n_e = Q_norm(1 / sqrt(deg(src_e) deg(dst_e)))   (deg = in-degree + 1)
 *   m_e = Q_msg(n_e f[src_e]);  a_i = Q_aggr(sum_{e: dst_e = i} m_e);  out = Q_out(act(a + b))
 * </pre>
 * over the edges plus one self-loop per node. Backward (straight-through estimators, each mask
 * from its forward quantizer): {@code g_a = mask_out act'(a + b) g}, {@code db = sum_i g_a},
 * {@code g_m[e] = mask_aggr g_a[dst_e]}, {@code g_f[j] = mask_feat sum_{e: src_e = j} n_e mask_msg g_m[e]},
 * {@code dW = mask_w xq^T g_f}, {@code g_x = mask_in g_f Q_w(W)^T}. In FP32 mode messages are
 * never materialized: the aggregate is one fused gather-scatter ({@link MessagePassing#gatherScatterAdd}).
 */
public class GcnVertexImpl extends GnnVertexImpl<GcnVertex, GcnVertexImpl.Pass> {

    /** What the backward pass needs from a training forward pass. */
    record Pass(GraphInputs.Edges edges, int numNodes, double[] norm, Transform transform, INDArray msgMask,
                INDArray aggrMask, INDArray preActivation, INDArray outMask) {
    }

    /** Created by {@link GcnVertex}'s {@code instantiate}, with the arguments of {@link GnnVertexImpl}'s constructor. */
    public GcnVertexImpl(ComputationGraph graph, String name, int vertexIndex, GcnVertex config, INDArray paramsView,
                         boolean initializeParams, DataType dataType) {
        super(graph, name, vertexIndex, config, paramsView, initializeParams, dataType);
    }

    @Override
    protected void initializeParams(Map<String, INDArray> views) {
        glorotUniform(views.get(GnnParams.WEIGHT), config.getNIn(), config.getNOut());
        views.get(GnnParams.BIAS).assign(0);
    }

    private IActivation activation() {
        return config.getActivation().getActivationFunction();
    }

    /**
     * GCN's symmetric normalisation over edges that include one self-loop per node.
     *
     * @param withLoops the edges with self-loops
     * @param numNodes node count
     * @return {@code 1 / sqrt(deg(src) deg(dst))} per edge, {@code deg} counting the self-loop
     */
    static double[] normalisation(GraphInputs.Edges withLoops, int numNodes) {
        int[] deg = withLoops.inDegree(numNodes);
        double[] invSqrt = new double[numNodes];
        for (int i = 0; i < numNodes; i++) {
            invSqrt[i] = 1.0 / Math.sqrt(deg[i]);
        }
        double[] norm = new double[withLoops.count()];
        for (int e = 0; e < norm.length; e++) {
            norm[e] = invSqrt[withLoops.src()[e]] * invSqrt[withLoops.dst()[e]];
        }
        return norm;
    }

    @Override
    protected INDArray forward(boolean training) {
        INDArray x = nodes();
        int n = (int) x.size(0);
        GraphInputs.Edges edges = GraphInputs.edges(inputs[1], n, where()).withSelfLoops(n);
        boolean[] protectedNodes = protectedNodes(training);
        boolean[] protectedEdges = RowMaskedQuantization.ofSources(protectedNodes, edges.src());

        Transform t = transform(x, protectedNodes, training);
        ActivationQuantization.Result f = t.features();
        double[] norm = normalisation(edges, n);
        ActivationQuantization.Result a;
        INDArray msgMask = null;
        if (config.getQuant().quantized()) {
            INDArray normColumn = quantize(GnnParams.NORM_RANGE, HeapArrays.column(norm, dataType), null, training).values();
            norm = HeapArrays.doubles(normColumn);
            INDArray messages = MessagePassing.gatherRows(f.values(), edges.src()).muliColumnVector(normColumn);
            ActivationQuantization.Result m = quantize(GnnParams.MESSAGE_RANGE, messages, protectedEdges, training);
            msgMask = m.gradMask();
            a = quantizeAggregate(m.values(), null, edges.dst(), protectedEdges, protectedNodes, training);
        } else {
            a = quantize(GnnParams.AGGREGATE_RANGE,
                    MessagePassing.gatherScatterAdd(f.values(), edges.src(), edges.dst(), norm, n), protectedNodes, training);
        }
        INDArray pre = a.values().addRowVector(param(GnnParams.BIAS));
        INDArray act = activation().getActivation(pre.dup(), training);
        ActivationQuantization.Result out = quantize(GnnParams.OUTPUT_RANGE, act, protectedNodes, training);
        if (training) {
            pass = new Pass(edges, n, norm, t, msgMask, a.gradMask(), pre,
                    out.gradMask());
        }
        return out.values();
    }

    @Override
    protected INDArray[] backward(INDArray epsilon, Map<String, INDArray> gradientViews) {
        Pass p = requirePass();
        INDArray gPre = activation().backprop(p.preActivation().dup(), masked(epsilon, p.outMask())).getFirst();
        gradientViews.get(GnnParams.BIAS).assign(gPre.sum(0));
        INDArray gAggregate = masked(gPre, p.aggrMask());
        INDArray gFeatures;
        if (config.getQuant().quantized()) {
            INDArray gMessages = masked(MessagePassing.gatherRows(gAggregate, p.edges().dst()), p.msgMask());
            gMessages.muliColumnVector(HeapArrays.column(p.norm(), dataType));
            gFeatures = MessagePassing.scatterAddRows(gMessages, p.edges().src(), p.numNodes());
        } else {
            gFeatures = MessagePassing.gatherScatterAdd(gAggregate, p.edges().dst(), p.edges().src(), p.norm(),
                    p.numNodes());
        }
        return new INDArray[] {transformBackward(p.transform(), gFeatures, gradientViews.get(GnnParams.WEIGHT))};
    }

    @Override
    public Optional<FoldedWeights> exportableWeights() {
        return denseWeights(GnnParams.WEIGHT, param(GnnParams.BIAS));
    }
}
