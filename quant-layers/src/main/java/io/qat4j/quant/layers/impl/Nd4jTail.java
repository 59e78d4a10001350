package io.qat4j.quant.layers.impl;

import io.qat4j.quant.layers.QuantLayerSettings;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The {@link ComputeTail} in ND4J operations, for any data type and activation: batch norm
 * forward and backward as in Ioffe and Szegedy (ICML 2015, section 3), the activation's own
 * {@code getActivation}/{@code backprop}, and {@link ActivationQuantization#apply}.
 */
final class Nd4jTail implements ComputeTail {

    /** The one instance (the tail is stateless; each pass carries its state). */
    static final Nd4jTail INSTANCE = new Nd4jTail();

    private Nd4jTail() {
    }

    @Override
    public Pass forward(INDArray y, Inputs in) {
        QuantLayerSettings q = in.settings();
        BatchNormFold fold = in.fold();
        INDArray z;
        INDArray xhat = null;
        INDArray invStd = null;
        if (fold == null) {
            z = y;
        } else if (in.batchStatistics()) {
            int[] dims = in.statDims();
            INDArray mean = y.mean(dims);
            INDArray var = y.var(false, dims);
            if (in.updateState()) {
                in.updateRunningStatistics(mean, var, y.length() / y.size(1));
            }
            invStd = Transforms.pow(var.add(q.batchNormEps()), -0.5, false);
            xhat = channelOp(channelOp(y, mean, Op.SUB, false), invStd, Op.MUL, true);
            z = channelOp(channelOp(xhat, in.gamma(), Op.MUL, false), in.beta(), Op.ADD, true);
        } else {
            z = channelOp(channelOp(y, fold.scale(), Op.MUL, false), fold.bias(), Op.ADD, true);
        }
        INDArray a = in.activation().getActivation(z.dup(), in.training());
        INDArray outMask = null;
        double clipped = Double.NaN;
        if (q.output() != null) {
            ActivationQuantization.Result m = ActivationQuantization.apply(a, q.output(), q.schedule(), in.outputRange(),
                    in.step(), in.training(), in.updateState());
            a = m.values();
            outMask = m.gradMask();
            clipped = m.clippedFraction();
        }
        return new Nd4jPass(in, y, z, xhat, invStd, outMask, a, clipped);
    }

    /**
     * The intermediates of one ND4J forward pass.
     *
     * @param in the inputs of the pass
     * @param y the linear output
     * @param z the batch-normalized values (y without batch norm)
     * @param xhat normalized values (batch statistics only)
     * @param invStd batch {@code 1 / sqrt(var + eps)} (batch statistics only)
     * @param outMask straight-through mask of the output quantizer, or null
     * @param output the output
     * @param clippedFraction share of clamped output codes
     */
    private record Nd4jPass(Inputs in, INDArray y, INDArray z, INDArray xhat, INDArray invStd, INDArray outMask,
                            INDArray output, double clippedFraction) implements Pass {

        @Override
        public Gradients backward(INDArray epsilon) {
            INDArray dA = epsilon.castTo(z.dataType());
            if (outMask != null) {
                dA = dA.mul(outMask);
            }
            INDArray dZ = in.activation().backprop(z.dup(), dA.dup()).getFirst();
            int[] dims = in.statDims();
            BatchNormFold fold = in.fold();
            if (fold == null) {
                return new Gradients(dZ, null, null);
            }
            if (xhat != null) {
                INDArray dBeta = dZ.sum(dims);
                INDArray dGamma = dZ.mul(xhat).sum(dims);
                INDArray dxhat = channelOp(dZ, in.gamma(), Op.MUL, false);
                long m = dZ.length() / dZ.size(1);
                INDArray sumDxhat = dxhat.sum(dims);
                INDArray sumDxhatXhat = dxhat.mul(xhat).sum(dims);
                // dy = invStd/m * (m*dxhat - sum(dxhat) - xhat*sum(dxhat*xhat))
                INDArray t = dxhat.muli(m);
                t = channelOp(t, sumDxhat, Op.SUB, true);
                t.subi(channelOp(xhat, sumDxhatXhat, Op.MUL, false));
                return new Gradients(channelOp(t, invStd.div(m), Op.MUL, true), dGamma, dBeta);
            }
            INDArray centered = channelOp(y, in.runningMean(), Op.SUB, false);
            INDArray normalized = channelOp(centered, fold.std(), Op.DIV, true);
            return new Gradients(channelOp(dZ, fold.scale(), Op.MUL, false), dZ.mul(normalized).sum(dims), dZ.sum(dims));
        }
    }

    private enum Op { ADD, SUB, MUL, DIV }

    /**
     * Broadcasts a per-channel vector along dimension 1.
     *
     * @param x array with channels on dimension 1
     * @param v vector of length {@code x.size(1)}
     * @param op the operation
     * @param inPlace write into x
     * @return the result
     */
    private static INDArray channelOp(INDArray x, INDArray v, Op op, boolean inPlace) {
        INDArray out = inPlace ? x : x.ulike();
        INDArray vec = v.reshape(v.length()).castTo(x.dataType());
        switch (op) {
            case ADD -> Nd4j.getExecutioner().exec(new BroadcastAddOp(x, vec, out, 1));
            case SUB -> Nd4j.getExecutioner().exec(new BroadcastSubOp(x, vec, out, 1));
            case MUL -> Nd4j.getExecutioner().exec(new BroadcastMulOp(x, vec, out, 1));
            case DIV -> Nd4j.getExecutioner().exec(new BroadcastDivOp(x, vec, out, 1));
            default -> throw new IllegalStateException();
        }
        return out;
    }
}
