package io.qat4j.quant.layers.impl;

import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.math.FloatKernels;
import java.util.Arrays;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@link ComputeTail} in fused FLOAT loops ({@link FloatKernels}): batch norm, activation and
 * output quantization in three passes over Java arrays instead of a dozen tensor-sized ND4J
 * operations, for identity, ReLU and ReLU6 (whose derivative is a 0/1 mask). The arithmetic is
 * that of {@link Nd4jTail}, evaluated in another order: batch statistics accumulate in double and
 * become one per-channel factor and offset; {@code FusedPathEquivalenceTest} and
 * {@code TailEquivalenceTest} bound the differences.
 */
final class FusedFloatTail implements ComputeTail {

    /** The one instance (the tail is stateless; each pass carries its state). */
    static final FusedFloatTail INSTANCE = new FusedFloatTail();

    private FusedFloatTail() {
    }

    /**
     * @param activation an activation function
     * @return its fused-loop form, or null when it has none
     */
    static FloatKernels.Act fusedActivation(IActivation activation) {
        if (activation instanceof ActivationIdentity) {
            return FloatKernels.Act.IDENTITY;
        }
        if (activation instanceof ActivationReLU) {
            return FloatKernels.Act.RELU;
        }
        if (activation instanceof ActivationReLU6) {
            return FloatKernels.Act.RELU6;
        }
        return null;
    }

    @Override
    public Pass forward(INDArray linearOutput, Inputs in) {
        FloatKernels.Act act = fusedActivation(in.activation());
        if (act == null || linearOutput.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("the fused tail needs FLOAT values and identity, ReLU or ReLU6, got "
                    + linearOutput.dataType() + " and " + in.activation());
        }
        INDArray y = FloatKernels.contiguous(linearOutput);
        QuantLayerSettings q = in.settings();
        BatchNormFold fold = in.fold();
        int n = (int) y.size(0);
        int ch = (int) y.size(1);
        int inner = (int) (y.length() / ((long) n * ch));
        float[] yb = FloatKernels.read(y);
        float[] mul = new float[ch];
        float[] add = new float[ch];
        double[] batchMean = null;
        double[] batchInvStd = null;
        if (fold == null) {
            Arrays.fill(mul, 1f);
        } else if (in.batchStatistics()) {
            batchMean = new double[ch];
            double[] var = new double[ch];
            FloatKernels.channelMeanVar(yb, n, ch, inner, batchMean, var);
            if (in.updateState()) {
                in.updateRunningStatistics(FloatKernels.vector(batchMean), FloatKernels.vector(var), (long) n * inner);
            }
            float[] gamma = in.gamma().toFloatVector();
            float[] beta = in.beta().toFloatVector();
            batchInvStd = new double[ch];
            for (int i = 0; i < ch; i++) {
                batchInvStd[i] = 1.0 / Math.sqrt(var[i] + q.batchNormEps());
                mul[i] = (float) (gamma[i] * batchInvStd[i]);
                add[i] = (float) (beta[i] - batchMean[i] * gamma[i] * batchInvStd[i]);
            }
        } else {
            mul = fold.scale().toFloatVector();
            add = fold.bias().toFloatVector();
        }
        float[] ob = new float[yb.length];
        float[] mb = new float[yb.length];
        float[] mm = FloatKernels.affineActivate(yb, ob, mb, n, ch, inner, mul, add, act);
        double clipped = Double.NaN;
        if (q.output() != null) {
            clipped = ActivationQuantization.applyFused(ob, ob.length, new double[] {mm[0], mm[1]}, mb,
                    q.output(), q.schedule(), in.outputRange(), in.step(), in.training(), in.updateState());
        }
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, y.shape(), 'c');
        FloatKernels.write(ob, out);
        return new FusedPass(in, yb, mb, batchMean, batchInvStd, out, clipped);
    }

    /**
     * The intermediates of one fused forward pass.
     *
     * @param in the inputs of the pass
     * @param y the linear output's values in C order
     * @param gradMask activation derivative times the clipped straight-through mask, per value
     * @param batchMean batch means (batch statistics only)
     * @param batchInvStd batch {@code 1 / sqrt(var + eps)} (batch statistics only)
     * @param output the output
     * @param clippedFraction share of clamped output codes
     */
    private record FusedPass(Inputs in, float[] y, float[] gradMask, double[] batchMean, double[] batchInvStd,
                             INDArray output, double clippedFraction) implements Pass {

        @Override
        public Gradients backward(INDArray epsilon) {
            INDArray eps = FloatKernels.contiguous(epsilon);
            float[] dz = FloatKernels.read(eps);
            for (int i = 0; i < dz.length; i++) {
                dz[i] *= gradMask[i];
            }
            INDArray dY = Nd4j.createUninitialized(DataType.FLOAT, eps.shape(), 'c');
            BatchNormFold fold = in.fold();
            INDArray dGamma = null;
            INDArray dBeta = null;
            if (fold != null) {
                int n = (int) eps.size(0);
                int ch = (int) eps.size(1);
                int inner = (int) (eps.length() / ((long) n * ch));
                double[] dG = new double[ch];
                double[] dB = new double[ch];
                if (batchMean != null) {
                    FloatKernels.batchNormBackward(dz, y, dz, n, ch, inner, batchMean, batchInvStd,
                            in.gamma().toFloatVector(), dG, dB);
                } else {
                    FloatKernels.frozenBatchNormBackward(dz, y, dz, n, ch, inner, fold.scale().toFloatVector(),
                            in.runningMean().toFloatVector(), fold.std().toFloatVector(), dG, dB);
                }
                dGamma = FloatKernels.vector(dG);
                dBeta = FloatKernels.vector(dB);
            }
            FloatKernels.write(dz, dY);
            return new Gradients(dY, dGamma, dBeta);
        }
    }
}
