package io.qat4j.graph.layers.impl;

import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.layers.GinVertex;
import io.qat4j.graph.layers.GnnParams;
import io.qat4j.graph.layers.MessagePassing;
import io.qat4j.quant.layers.impl.ActivationQuantization;
import io.qat4j.quant.layers.impl.BatchNormFold;
import io.qat4j.quant.layers.impl.ComputeTail;
import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.math.FakeQuant;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Implementation of {@link GinVertex}. Forward, with {@code Q_k} the quantizer of tensor {@code k}
 * (identity in FP32 mode; on protected rows identity for {@code Q_msg}, {@code Q_aggr} and
 * {@code Q_out}, while the MLP's {@code Q_in}, {@code Q_hidden} and {@code Q_hidden2} round and
 * observe every row, as the reference's mask-unaware MLP):
 * <pre>
 *   xq = Q_msg(x);  m_e = xq[src_e];  a_i = Q_aggr(sum_{e: dst_e = i} m_e);  h = Q_in((1 + eps) xq + a)
 *   r = Q_hidden(relu(h Q_w(W) + Q_b(b)));  r2 = Q_hidden2(relu(r Q_w(W2) + Q_b(b2)));  out = Q_out(BN(r2))
 * </pre>
 * ({@code Q_b}: the bias rounded to the int32 the integer model adds, {@link #integerBias}).
 * The batch norm is quant-layers' {@link ComputeTail} with the identity activation: batch
 * statistics in training until the schedule freezes them, then, and at inference, the affine map
 * {@code s r2 + (beta - s runMean)} of its {@link BatchNormFold} ({@code s = gamma / sqrt(runVar +
 * eps_bn)}), which the integer model runs as {@code channel_affine}.
 * The messages' observer sees the messages as the reference's does ({@code dq/multi_quant.py}'s
 * {@code message_low}): one row per edge whose source is not protected, so a node weighs once per
 * out-edge in its percentiles; with that range the quantizer then runs once per node row (a
 * protected node keeps its float row, so the edges leaving it carry float messages, as the
 * contract's source masks have it), which gives every edge its source's codes, and the same
 * {@code xq} is the self term: the fake-quantized model adds exactly the codes the integer model
 * adds, also when the features are not on the grid (float input features). The reference
 * ({@code dq/multi_quant.py}) adds the float {@code x} as its self term and keeps its first layer's
 * first linear in float; here the self term is rounded with the messages' codes.
 * Measured on REDDIT-BINARY DQ-INT4 (fold 0, standardised degree): observed per node, the INT4
 * percentile (1%/99%) clipped the hubs, whose degrees are the information, at 0.55 while the hubs'
 * protected messages set the aggregate's range to 144, and evaluation predicted one class;
 * observed per edge with the mask-unaware MLP (see {@link GinVertex}), validation accuracy passed
 * 75% within 6 epochs (README has the full runs).
 * Backward: the tail's batch-norm backward to {@code g_r2}, through {@code Q_hidden2} and the ReLU
 * to {@code db2}, {@code dW2 = mask_w2 r^T g_z2}, through {@code Q_hidden} and the ReLU to
 * {@code db}, {@code dW = mask_w h^T g_z}, then {@code g_h} (masked) gives
 * {@code d eps = sum g_h xq}, {@code g_xq = (1 + eps) g_h} plus the transposed message passing of
 * {@code mask_aggr g_h} back to the sources, and {@code g_x = mask_msg g_xq}.
 */
public class GinVertexImpl extends GnnVertexImpl<GinVertex, GinVertexImpl.Pass> {

    private static final IActivation IDENTITY = new ActivationIdentity();

    /** What the backward pass needs from a training forward pass. */
    record Pass(GraphInputs.Edges edges, int numNodes, INDArray xq, INDArray xMask, INDArray aggrMask,
                INDArray h, INDArray inMask, FakeQuant.Masked w1, INDArray z1, INDArray hiddenMask, INDArray r,
                FakeQuant.Masked w2, INDArray z2, INDArray hidden2Mask, ComputeTail.Pass tail, INDArray outMask) {
    }

    /** Created by {@link GinVertex}'s {@code instantiate}, with the arguments of {@link GnnVertexImpl}'s constructor. */
    public GinVertexImpl(ComputationGraph graph, String name, int vertexIndex, GinVertex config, INDArray paramsView,
                         boolean initializeParams, DataType dataType) {
        super(graph, name, vertexIndex, config, paramsView, initializeParams, dataType);
    }

    /**
     * PyTorch's {@code nn.Linear} initialization for both linear layers of the MLP, as the reference
     * GIN has them: weights and biases {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} (Kaiming uniform
     * with {@code a = sqrt(5)}); the first layer's biases make its units distinct functions of a
     * one-feature input (REDDIT-BINARY's degree) from the start. {@code eps = 0}, the batch norm
     * the identity.
     */
    @Override
    protected void initializeParams(Map<String, INDArray> views) {
        views.get(GnnParams.GIN_EPS).assign(0);
        uniform(views.get(GnnParams.WEIGHT), 1 / Math.sqrt(config.getNIn()));
        uniform(views.get(GnnParams.BIAS), 1 / Math.sqrt(config.getNIn()));
        uniform(views.get(GnnParams.WEIGHT_2), 1 / Math.sqrt(config.getNOut()));
        uniform(views.get(GnnParams.BIAS_2), 1 / Math.sqrt(config.getNOut()));
        views.get(GnnParams.GAMMA).assign(1);
        views.get(GnnParams.BETA).assign(0);
        views.get(GnnParams.RUNNING_MEAN).assign(0);
        views.get(GnnParams.RUNNING_VAR).assign(1);
    }

    private double eps() {
        return param(GnnParams.GIN_EPS).getDouble(0);
    }

    /** @return the batch norm's current running statistics as an affine map */
    private BatchNormFold fold() {
        return BatchNormFold.of(param(GnnParams.GAMMA), param(GnnParams.BETA), param(GnnParams.RUNNING_MEAN),
                param(GnnParams.RUNNING_VAR), config.getBatchNormEps());
    }

    @Override
    protected INDArray forward(boolean training) {
        INDArray x = nodes();
        int n = (int) x.size(0);
        GraphInputs.Edges edges = GraphInputs.edges(inputs[1], n, where());
        boolean[] protectedNodes = protectedNodes(training);
        // Q_msg observes the messages x_j, one row per edge from an unprotected source (dq/multi_quant.py's message_low),
        // and quantizes x once per node with that range: the gathered codes are the messages' codes
        observeRows(GnnParams.MESSAGE_RANGE, x, unprotectedSources(edges.src(), protectedNodes), training);
        ActivationQuantization.Result xq = quantize(GnnParams.MESSAGE_RANGE, x, protectedNodes, training, false);
        ActivationQuantization.Result a = quantizeAggregate(xq.values(), edges.src(), edges.dst(), protectedNodes,
                protectedNodes, training);
        // the MLP quantizes every row, protected or not (the reference's mask-unaware MLP, see GinVertex)
        ActivationQuantization.Result h = quantize(GnnParams.INPUT_RANGE, xq.values().mul(1 + eps()).addi(a.values()),
                null, training);

        FakeQuant.Masked w1 = quantizeWeights(param(GnnParams.WEIGHT));
        INDArray z1 = h.values().mmul(w1.values()).addiRowVector(integerBias(param(GnnParams.BIAS), GnnParams.INPUT_RANGE,
                param(GnnParams.WEIGHT)));
        ActivationQuantization.Result r = quantize(GnnParams.HIDDEN_RANGE, Transforms.relu(z1, true), null, training);
        FakeQuant.Masked w2 = quantizeWeights(param(GnnParams.WEIGHT_2));
        INDArray z2 = r.values().mmul(w2.values()).addiRowVector(integerBias(param(GnnParams.BIAS_2), GnnParams.HIDDEN_RANGE,
                param(GnnParams.WEIGHT_2)));
        ActivationQuantization.Result r2 = quantize(GnnParams.HIDDEN_2_RANGE, Transforms.relu(z2, true), null, training);

        ComputeTail.Inputs tailInputs = new ComputeTail.Inputs(config.batchNormSettings(), IDENTITY, new int[] {0}, fold(),
                param(GnnParams.GAMMA), param(GnnParams.BETA), param(GnnParams.RUNNING_MEAN), param(GnnParams.RUNNING_VAR), null,
                step(), training, true);
        ComputeTail.Pass tail = ComputeTail.of(dataType, IDENTITY).forward(r2.values(), tailInputs);
        ActivationQuantization.Result out = quantize(GnnParams.OUTPUT_RANGE, tail.output(), protectedNodes, training);
        if (training) {
            pass = new Pass(edges, n, xq.values(), xq.gradMask(), a.gradMask(), h.values(), h.gradMask(), w1, z1, r.gradMask(),
                    r.values(), w2, z2, r2.gradMask(), tail, out.gradMask());
        }
        return out.values();
    }

    /** @return the source of every edge whose source is not protected, in edge order */
    private static int[] unprotectedSources(int[] src, boolean[] protectedNodes) {
        if (protectedNodes == null) {
            return src;
        }
        int n = 0;
        for (int s : src) {
            n += protectedNodes[s] ? 0 : 1;
        }
        int[] out = new int[n];
        int k = 0;
        for (int s : src) {
            if (!protectedNodes[s]) {
                out[k++] = s;
            }
        }
        return out;
    }

    @Override
    protected INDArray[] backward(INDArray epsilon, Map<String, INDArray> gradientViews) {
        Pass p = requirePass();
        ComputeTail.Gradients tg = p.tail().backward(masked(epsilon, p.outMask()));
        gradientViews.get(GnnParams.GAMMA).assign(tg.dGamma());
        gradientViews.get(GnnParams.BETA).assign(tg.dBeta());
        INDArray gz2 = masked(tg.dY(), p.hidden2Mask());
        gz2.muli(p.z2().gt(0).castTo(gz2.dataType()));
        gradientViews.get(GnnParams.BIAS_2).assign(gz2.sum(0));
        INDArray gz1 = linearBackward(p.r(), p.hiddenMask(), p.w2(), gz2, gradientViews.get(GnnParams.WEIGHT_2));
        gz1.muli(p.z1().gt(0).castTo(gz1.dataType()));
        gradientViews.get(GnnParams.BIAS).assign(gz1.sum(0));
        INDArray gh = linearBackward(p.h(), p.inMask(), p.w1(), gz1, gradientViews.get(GnnParams.WEIGHT));
        gradientViews.get(GnnParams.GIN_EPS).assign(gh.mul(p.xq()).sumNumber().doubleValue());
        INDArray gxq = gh.mul(1 + eps()).addi(MessagePassing.gatherScatterAdd(masked(gh, p.aggrMask()), p.edges().dst(),
                p.edges().src(), null, p.numNodes()));
        INDArray gx = masked(gxq, p.xMask());
        return new INDArray[] {gx};
    }

    /**
     * The MLP's first linear layer as the integer model uses it.
     *
     * @return codes, scales and bias of {@code W}, or empty in FP32 mode
     */
    @Override
    public Optional<FoldedWeights> exportableWeights() {
        return denseWeights(GnnParams.WEIGHT, param(GnnParams.BIAS));
    }

    /**
     * The MLP's second linear layer as the integer model uses it.
     *
     * @return codes, scales and bias of {@code W2}, or empty in FP32 mode
     */
    public Optional<FoldedWeights> exportableSecondWeights() {
        return denseWeights(GnnParams.WEIGHT_2, param(GnnParams.BIAS_2));
    }

    /**
     * The batch norm at inference, {@code s r2 + t}: {@code s = gamma / sqrt(runVar + eps_bn)},
     * {@code t = beta - s runMean}, per channel.
     *
     * @return {@code {s, t}}
     */
    public double[][] batchNormAffine() {
        BatchNormFold f = fold();
        return new double[][] {f.scale().castTo(DataType.DOUBLE).toDoubleVector(), f.bias().castTo(DataType.DOUBLE).toDoubleVector()};
    }
}
