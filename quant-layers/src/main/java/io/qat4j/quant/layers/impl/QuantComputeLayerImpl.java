package io.qat4j.quant.layers.impl;

import io.qat4j.quant.layers.QuantComputeLayer;
import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.layers.QuantParams;
import io.qat4j.quant.math.FakeQuant;
import io.qat4j.quant.math.FloatKernels;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.math.WeightFakeQuant;
import io.qat4j.quant.spec.SteMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Shared forward and backward pass of the quantized compute layers:
 * {@code out = Q_a(act(BN(linear(x, W_eff))))}.
 *
 * <p>With a folded batch norm the effective weight is {@code W_eff = Q_w(W * s) / s}, with
 * {@code s = gamma / sqrt(runVar + eps)} per output channel, so that the weight quantizer sees the
 * folded weights the executor will use (PyTorch {@code _ConvBnNd._forward_approximate}; Jacob et
 * al., CVPR 2018, section 3.2). Before the statistics freeze, training normalizes with the batch
 * statistics and updates the running ones; after, and in inference, the layer computes
 * {@code s * y + (beta - s * runMean)}, exactly the folded layer. The trained parameters stay
 * unfolded (folding them explodes gradients).
 *
 * <p>Gradients: plain or clipped STE through both quantizers ({@code dW = dW_eff} masked where
 * clipped; the dependence of {@code s} in {@code W_eff} is ignored, as it cancels without
 * quantization), the batch-norm backward of Ioffe and Szegedy (ICML 2015) before the freeze, and a
 * per-channel scale by {@code s} after it.
 *
 * <p>Training-time intermediates are kept outside DL4J's workspaces between the forward and the
 * backward pass; the output and the epsilon are copied into the workspaces DL4J expects.
 *
 * @param <C> the layer configuration
 */
public abstract class QuantComputeLayerImpl<C extends org.deeplearning4j.nn.conf.layers.BaseLayer & QuantComputeLayer>
        extends BaseLayer<C> implements QuantizerStats {

    /** Intermediates of the last training forward pass, for the backward pass. */
    private transient Cache cache;
    /** Share of clamped output codes in the last quantized forward pass. */
    private transient double clippedFraction = Double.NaN;

    protected QuantComputeLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * Weights as a matrix with one output channel per row. Must be a view when {@code w} is.
     *
     * @param w weights in the layer's layout
     * @return {@code [outputChannels, K]}
     */
    protected abstract INDArray weightRows(INDArray w);

    /**
     * Inverse of {@link #weightRows}: rows back into the layer's weight layout.
     *
     * @param rows {@code [outputChannels, K]}
     * @return weights in the layer's layout
     */
    protected abstract INDArray fromWeightRows(INDArray rows);

    /**
     * The linear part: matrix product or convolution, plus bias when given.
     *
     * @param x input
     * @param w effective weights
     * @param b bias or null
     * @return the output, channels on dimension 1
     */
    protected abstract INDArray linear(INDArray x, INDArray w, INDArray b);

    /**
     * Backward pass of {@link #linear}.
     *
     * @param x input
     * @param w effective weights
     * @param dy gradient of the output
     * @param withBias whether the bias gradient is needed
     * @return {@code {dx, dW, db}} ({@code db} null without bias)
     */
    protected abstract INDArray[] linearBackward(INDArray x, INDArray w, INDArray dy, boolean withBias);

    /** @return the dimensions reduced for per-channel statistics: dense {0}, conv {0, 2, 3} */
    protected abstract int[] statDims();

    /** @return the layer's quantization settings */
    protected QuantLayerSettings settings() {
        return layerConf().getQuant();
    }

    /** @return the step used for the quantization schedule */
    protected long step() {
        return getIterationCount();
    }

    /**
     * The weights as the integer model uses them, computed exactly as the forward pass
     * fake-quantizes them: batch norm folded ({@code W * s}, {@code s = gamma / sqrt(runVar + eps)}),
     * integer codes per output row with their scales, and the folded float bias
     * ({@code beta - s * runMean}, or {@code b} without batch norm).
     *
     * @return codes {@code [outputChannels, K]} (integer-valued), row scales and bias
     */
    public FoldedWeights foldedWeights() {
        QuantLayerSettings q = settings();
        INDArray rows = weightRows(getParam(QuantParams.WEIGHT));
        INDArray bias;
        INDArray folded = rows;
        if (q.batchNorm()) {
            INDArray std = Transforms.sqrt(getParam(QuantParams.RUNNING_VAR).add(q.batchNormEps()), false);
            INDArray foldScale = getParam(QuantParams.GAMMA).div(std);
            folded = rows.mulColumnVector(safeDivisor(foldScale).reshape(foldScale.length(), 1));
            bias = getParam(QuantParams.BETA).sub(getParam(QuantParams.RUNNING_MEAN).mul(foldScale));
        } else {
            bias = getParam(QuantParams.BIAS);
        }
        return FoldedWeights.of(folded, q.weights(), bias);
    }

    @Override
    public double clippedFraction() {
        return clippedFraction;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        cache = null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray out;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            Cache c = forward(input, training, true);
            cache = training ? c : null;
            out = c.out;
        }
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray epsNext;
        Gradient g = new DefaultGradient();
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            Cache c = cache != null ? cache : forward(input, true, false);
            epsNext = backward(c, epsilon, g);
        }
        cache = null;
        epsNext = backpropDropOutIfPresent(workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsNext));
        return new Pair<>(g, epsNext);
    }

    /**
     * The forward pass.
     *
     * @param x input
     * @param training training mode (batch statistics, observers)
     * @param updateState update observer ranges and batch-norm running statistics
     * @return the output and the intermediates the backward pass needs
     */
    Cache forward(INDArray x, boolean training, boolean updateState) {
        QuantLayerSettings q = settings();
        long step = step();
        boolean quantize = q.schedule().quantizing(step);
        boolean bn = q.batchNorm();
        boolean bnBatchStats = bn && training && !q.schedule().batchNormFrozen(step);
        INDArray w = getParam(QuantParams.WEIGHT);
        x = x.castTo(w.dataType());

        Cache c = new Cache();
        c.x = x;
        INDArray foldScale = null;
        if (bn) {
            INDArray std = Transforms.sqrt(getParam(QuantParams.RUNNING_VAR).add(q.batchNormEps()), false);
            foldScale = getParam(QuantParams.GAMMA).div(std);
            c.runStd = std;
            c.foldScale = foldScale;
        }
        if (quantize) {
            INDArray rows = weightRows(w);
            INDArray sCol = bn ? safeDivisor(foldScale).reshape(foldScale.length(), 1) : null;
            INDArray folded = bn ? rows.mulColumnVector(sCol) : rows;
            boolean clipped = q.weights().ste() == SteMode.CLIPPED;
            FakeQuant.Masked m = WeightFakeQuant.apply(folded, q.weights(), clipped);
            INDArray wq = bn ? m.values().diviColumnVector(sCol) : m.values();
            c.wEff = fromWeightRows(wq);
            c.wMask = m.mask() == null ? null : fromWeightRows(m.mask());
        } else {
            c.wEff = w;
        }

        INDArray y = linear(x, c.wEff, bn ? null : getParam(QuantParams.BIAS));
        c.bnBatchStats = bnBatchStats;
        FloatKernels.Act fusedAct = fusedActivation();
        if (fusedAct != null && y.dataType() == DataType.FLOAT) {
            return fusedTail(c, FloatKernels.contiguous(y), fusedAct, training, updateState, step);
        }
        INDArray z;
        if (!bn) {
            z = y;
        } else if (bnBatchStats) {
            int[] dims = statDims();
            INDArray mean = y.mean(dims);
            INDArray var = y.var(false, dims);
            if (updateState) {
                long n = y.length() / y.size(1);
                double mom = q.batchNormMomentum();
                INDArray runMean = getParam(QuantParams.RUNNING_MEAN);
                INDArray runVar = getParam(QuantParams.RUNNING_VAR);
                runMean.muli(1 - mom).addi(mean.mul(mom));
                runVar.muli(1 - mom).addi(var.mul(mom * n / Math.max(1, n - 1)));
            }
            INDArray invStd = Transforms.pow(var.add(q.batchNormEps()), -0.5, false);
            INDArray xhat = channelOp(channelOp(y, mean, Op.SUB, false), invStd, Op.MUL, true);
            c.xhat = xhat;
            c.invStd = invStd;
            z = channelOp(channelOp(xhat, getParam(QuantParams.GAMMA), Op.MUL, false), getParam(QuantParams.BETA), Op.ADD, true);
        } else {
            c.y = y;
            INDArray shift = getParam(QuantParams.BETA).sub(getParam(QuantParams.RUNNING_MEAN).mul(foldScale));
            z = channelOp(channelOp(y, foldScale, Op.MUL, false), shift, Op.ADD, true);
        }
        c.z = z;
        IActivation act = layerConf().getActivationFn();
        INDArray a = act.getActivation(z.dup(), training);

        if (q.output() != null) {
            ActivationQuantization.Result m = ActivationQuantization.apply(a, q.output(), q.schedule(),
                    getParam(QuantParams.OUTPUT_RANGE), step, training, updateState);
            a = m.values();
            c.outMask = m.gradMask();
            clippedFraction = m.clippedFraction();
        }
        c.out = a;
        return c;
    }

    private INDArray backward(Cache c, INDArray epsilon, Gradient g) {
        QuantLayerSettings q = settings();
        if (c.fused) {
            return fusedBackward(c, epsilon, g);
        }
        INDArray dA = epsilon.castTo(c.z.dataType());
        if (c.outMask != null) {
            dA = dA.mul(c.outMask);
        }
        INDArray dZ = layerConf().getActivationFn().backprop(c.z.dup(), dA.dup()).getFirst();
        INDArray dY;
        int[] dims = statDims();
        if (!q.batchNorm()) {
            dY = dZ;
        } else if (c.bnBatchStats) {
            INDArray gamma = getParam(QuantParams.GAMMA);
            gradientViews.get(QuantParams.BETA).assign(dZ.sum(dims));
            gradientViews.get(QuantParams.GAMMA).assign(dZ.mul(c.xhat).sum(dims));
            INDArray dxhat = channelOp(dZ, gamma, Op.MUL, false);
            long m = dZ.length() / dZ.size(1);
            INDArray sumDxhat = dxhat.sum(dims);
            INDArray sumDxhatXhat = dxhat.mul(c.xhat).sum(dims);
            // dy = invStd/m * (m*dxhat - sum(dxhat) - xhat*sum(dxhat*xhat))
            INDArray t = dxhat.muli(m);
            t = channelOp(t, sumDxhat, Op.SUB, true);
            t.subi(channelOp(c.xhat, sumDxhatXhat, Op.MUL, false));
            dY = channelOp(t, c.invStd.div(m), Op.MUL, true);
        } else {
            INDArray centered = channelOp(c.y, getParam(QuantParams.RUNNING_MEAN), Op.SUB, false);
            INDArray normalized = channelOp(centered, c.runStd, Op.DIV, true);
            gradientViews.get(QuantParams.BETA).assign(dZ.sum(dims));
            gradientViews.get(QuantParams.GAMMA).assign(dZ.mul(normalized).sum(dims));
            dY = channelOp(dZ, c.foldScale, Op.MUL, false);
        }
        return linearBackwardAndGradients(c, dY, g);
    }

    /** Backward of the linear part; writes the weight (and bias) gradients and zeroes state gradients. */
    private INDArray linearBackwardAndGradients(Cache c, INDArray dY, Gradient g) {
        QuantLayerSettings q = settings();
        boolean withBias = !q.batchNorm();
        INDArray[] lin = linearBackward(c.x, c.wEff, dY, withBias);
        INDArray dW = c.wMask != null ? lin[1].mul(c.wMask) : lin[1];
        gradientViews.get(QuantParams.WEIGHT).assign(dW);
        g.setGradientFor(QuantParams.WEIGHT, gradientViews.get(QuantParams.WEIGHT));
        if (withBias) {
            gradientViews.get(QuantParams.BIAS).assign(lin[2]);
            g.setGradientFor(QuantParams.BIAS, gradientViews.get(QuantParams.BIAS));
        } else {
            g.setGradientFor(QuantParams.GAMMA, gradientViews.get(QuantParams.GAMMA));
            g.setGradientFor(QuantParams.BETA, gradientViews.get(QuantParams.BETA));
            zeroStateGradient(g, QuantParams.RUNNING_MEAN);
            zeroStateGradient(g, QuantParams.RUNNING_VAR);
        }
        if (q.output() != null) {
            zeroStateGradient(g, QuantParams.OUTPUT_RANGE);
        }
        return lin[0];
    }

    /** @return the fused-loop form of the layer's activation, or null when it has none */
    private FloatKernels.Act fusedActivation() {
        IActivation a = layerConf().getActivationFn();
        if (a instanceof org.nd4j.linalg.activations.impl.ActivationIdentity) {
            return FloatKernels.Act.IDENTITY;
        }
        if (a instanceof org.nd4j.linalg.activations.impl.ActivationReLU) {
            return FloatKernels.Act.RELU;
        }
        if (a instanceof org.nd4j.linalg.activations.impl.ActivationReLU6) {
            return FloatKernels.Act.RELU6;
        }
        return null;
    }

    /**
     * The element-wise tail (batch norm, activation, output quantization) in fused FLOAT loops:
     * the same arithmetic as the ND4J path above, in three passes instead of a dozen operations.
     */
    private Cache fusedTail(Cache c, INDArray y, FloatKernels.Act act, boolean training, boolean updateState, long step) {
        QuantLayerSettings q = settings();
        int n = (int) y.size(0);
        int ch = (int) y.size(1);
        int inner = (int) (y.length() / ((long) n * ch));
        float[] yb = FloatKernels.read(y);
        float[] mul = new float[ch];
        float[] add = new float[ch];
        if (!q.batchNorm()) {
            java.util.Arrays.fill(mul, 1f);
        } else if (c.bnBatchStats) {
            double[] mean = new double[ch];
            double[] var = new double[ch];
            FloatKernels.channelMeanVar(yb, n, ch, inner, mean, var);
            if (updateState) {
                long m = (long) n * inner;
                double mom = q.batchNormMomentum();
                INDArray runMean = getParam(QuantParams.RUNNING_MEAN);
                INDArray runVar = getParam(QuantParams.RUNNING_VAR);
                runMean.muli(1 - mom).addi(FloatKernels.vector(mean).muli(mom));
                runVar.muli(1 - mom).addi(FloatKernels.vector(var).muli(mom * m / Math.max(1, m - 1)));
            }
            float[] gamma = getParam(QuantParams.GAMMA).toFloatVector();
            float[] beta = getParam(QuantParams.BETA).toFloatVector();
            double[] invStd = new double[ch];
            for (int i = 0; i < ch; i++) {
                invStd[i] = 1.0 / Math.sqrt(var[i] + q.batchNormEps());
                mul[i] = (float) (gamma[i] * invStd[i]);
                add[i] = (float) (beta[i] - mean[i] * gamma[i] * invStd[i]);
            }
            c.batchMean = mean;
            c.batchInvStd = invStd;
        } else {
            float[] s = c.foldScale.toFloatVector();
            float[] beta = getParam(QuantParams.BETA).toFloatVector();
            float[] mean = getParam(QuantParams.RUNNING_MEAN).toFloatVector();
            for (int i = 0; i < ch; i++) {
                mul[i] = s[i];
                add[i] = beta[i] - mean[i] * s[i];
            }
        }
        float[] ob = new float[yb.length];
        float[] mb = new float[yb.length];
        float[] mm = FloatKernels.affineActivate(yb, ob, mb, n, ch, inner, mul, add, act);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, y.shape(), 'c');
        if (q.output() != null) {
            INDArray full = RangeObserver.needsTensor(q.output().observer()) ? Nd4j.createFromArray(ob) : null;
            clippedFraction = ActivationQuantization.applyFused(ob, ob.length, new double[] {mm[0], mm[1]}, full, mb,
                    q.output(), q.schedule(), getParam(QuantParams.OUTPUT_RANGE), step, training, updateState);
        }
        FloatKernels.write(ob, out);
        c.fused = true;
        c.yValues = yb;
        c.gradMaskValues = mb;
        c.out = out;
        return c;
    }

    private INDArray fusedBackward(Cache c, INDArray epsilon, Gradient g) {
        QuantLayerSettings q = settings();
        INDArray eps = FloatKernels.contiguous(epsilon);
        float[] dz = FloatKernels.read(eps);
        float[] mask = c.gradMaskValues;
        for (int i = 0; i < dz.length; i++) {
            dz[i] *= mask[i];
        }
        INDArray dY = Nd4j.createUninitialized(DataType.FLOAT, eps.shape(), 'c');
        if (q.batchNorm()) {
            int n = (int) eps.size(0);
            int ch = (int) eps.size(1);
            int inner = (int) (eps.length() / ((long) n * ch));
            double[] dGamma = new double[ch];
            double[] dBeta = new double[ch];
            if (c.bnBatchStats) {
                FloatKernels.batchNormBackward(dz, c.yValues, dz, n, ch, inner, c.batchMean, c.batchInvStd,
                        getParam(QuantParams.GAMMA).toFloatVector(), dGamma, dBeta);
            } else {
                FloatKernels.frozenBatchNormBackward(dz, c.yValues, dz, n, ch, inner, c.foldScale.toFloatVector(),
                        getParam(QuantParams.RUNNING_MEAN).toFloatVector(), c.runStd.toFloatVector(), dGamma, dBeta);
            }
            gradientViews.get(QuantParams.GAMMA).assign(FloatKernels.vector(dGamma));
            gradientViews.get(QuantParams.BETA).assign(FloatKernels.vector(dBeta));
        }
        FloatKernels.write(dz, dY);
        return linearBackwardAndGradients(c, dY, g);
    }

    private void zeroStateGradient(Gradient g, String key) {
        INDArray view = gradientViews.get(key);
        view.assign(0);
        g.setGradientFor(key, view);
    }

    /** Replaces fold scales of magnitude below 1e-12 by ±1e-12 so that dividing by them is safe. */
    private static INDArray safeDivisor(INDArray s) {
        INDArray sign = Transforms.sign(s, true);
        sign.addi(sign.eq(0).castTo(sign.dataType())); // sign(0) -> +1
        INDArray mag = Transforms.max(Transforms.abs(s, true), 1e-12, false);
        return mag.muli(sign);
    }

    enum Op { ADD, SUB, MUL, DIV }

    /**
     * Broadcasts a per-channel vector along dimension 1.
     *
     * @param x array with channels on dimension 1
     * @param v vector of length {@code x.size(1)}
     * @param op the operation
     * @param inPlace write into x
     * @return the result
     */
    static INDArray channelOp(INDArray x, INDArray v, Op op, boolean inPlace) {
        INDArray out = inPlace ? x : x.ulike();
        INDArray vec = v.reshape(v.length()).castTo(x.dataType());
        switch (op) {
            case ADD -> Nd4j.getExecutioner().exec(new BroadcastAddOp(x, vec, out, 1));
            case SUB -> Nd4j.getExecutioner().exec(new BroadcastSubOp(x, vec, out, 1));
            case MUL -> Nd4j.getExecutioner().exec(new BroadcastMulOp(x, vec, out, 1));
            case DIV -> Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp(x, vec, out, 1));
            default -> throw new IllegalStateException();
        }
        return out;
    }

    /** Intermediates of one forward pass. */
    static final class Cache {
        INDArray x;
        INDArray wEff;
        INDArray wMask;
        INDArray runStd;
        INDArray foldScale;
        INDArray y;
        INDArray xhat;
        INDArray invStd;
        boolean bnBatchStats;
        INDArray z;
        INDArray outMask;
        INDArray out;
        boolean fused;
        float[] yValues;
        float[] gradMaskValues;
        double[] batchMean;
        double[] batchInvStd;
    }
}
