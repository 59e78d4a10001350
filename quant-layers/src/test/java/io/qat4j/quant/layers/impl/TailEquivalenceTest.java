package io.qat4j.quant.layers.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.layers.QuantConv2dLayer;
import io.qat4j.quant.layers.QuantDenseLayer;
import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.layers.QuantOutputLayer;
import io.qat4j.quant.layers.QuantParams;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverSpec;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.quant.spec.QuantSpecs;
import io.qat4j.quant.spec.SteMode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The two {@link ComputeTail} implementations, {@link Nd4jTail} and {@link FusedFloatTail}, give
 * the same forward and backward pass of a FLOAT compute layer with quantization on: 4-bit
 * fake-quantized weights (batch norm folded) and an 8-bit fake-quantized output, before and after
 * the batch-norm freeze, with plain and clipped straight-through estimators. (With quantization off
 * the whole networks are compared in {@code FusedPathEquivalenceTest}.)
 *
 * <p>The tolerances come from the float rounding of the two evaluation orders, not from observed
 * differences. Both tails receive the same linear output {@code y} (shared code, same fake-quantized
 * weights); the pre-quantization value {@code z = BN(y)} is computed exactly (in double) and, for
 * each tail, a first-order bound on its float error is derived element by element:
 * <ul>
 *   <li>a float sum of {@code k} terms in any order errs by at most {@code gamma_k sum|t|},
 *       {@code gamma_k = k u / (1 - k u)}, {@code u = 2^-24} (Higham, <i>Accuracy and Stability of
 *       Numerical Algorithms</i>, 2nd ed., section 4.2); the ND4J batch mean and variance are such
 *       sums (the variance bound {@code gamma_(m+3) (E[y^2] + mean^2) + 2|mean| dMean + dMean^2} holds
 *       for the one-pass and the two-pass formula, and for Welford's update, Chan, Golub and LeVeque,
 *       1983); the fused tail sums in double ({@code 2^-53});
 *   <li>each further float operation adds one relative rounding {@code u} of its result, the power
 *       {@code (var + eps)^-1/2} up to four;
 *   <li>the bounds are doubled to cover the second-order terms (products of two errors,
 *       {@code O((m u)^2)}, below {@code 10^-8} relative here).
 * </ul>
 * The activations are 1-Lipschitz and the fake quantizer is the same monotone function in both
 * tails, so an output code may differ only where the exact value divided by the scale is within
 * the bound of a rounding boundary (a half-integer), and then by one code; the test counts those
 * elements, checks that every differing code is one of them, and bounds their number (1% of the
 * codes, so that at least 99% are required to agree exactly). The gradient bounds propagate the
 * same errors, plus the full gradient of every element whose straight-through or activation mask
 * may differ (near a rounding boundary, or within the bound of the ReLU/ReLU6 kinks), through the
 * batch-norm backward and the linear backward.
 */
class TailEquivalenceTest {

    private static final double U = 0x1p-24;
    private static final double UD = 0x1p-53;
    /** Covers the second-order terms of the first-order bounds. */
    private static final double SAFETY = 2;
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (boolean conv : new boolean[] {true, false}) {
            for (boolean frozen : new boolean[] {false, true}) {
                for (SteMode ste : SteMode.values()) {
                    out.add(Arguments.of(conv ? "conv-bn-relu" : "dense-bn-relu6", conv, frozen, ste));
                }
            }
        }
        return out.stream();
    }

    private static double gamma(long k, double unit) {
        return k * unit / (1 - k * unit);
    }

    private static MultiLayerNetwork net(boolean conv, QuantLayerSettings q) {
        QuantLayerSettings outQ = QuantLayerSettings.of(q.weights(), null, false, q.schedule());
        var b = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).seed(7).updater(new NoOp())
                .weightInit(WeightInit.RELU).list();
        if (conv) {
            b.layer(new QuantConv2dLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                    .activation(Activation.RELU).quant(q).build());
        } else {
            b.layer(new QuantDenseLayer.Builder().nOut(6).activation(Activation.RELU6).quant(q).build());
        }
        b.layer(new QuantOutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).quant(outQ).build());
        MultiLayerNetwork net = new MultiLayerNetwork(b.setInputType(conv ? InputType.convolutional(6, 6, 3)
                : InputType.feedForward(20)).build());
        net.init();
        net.initGradientsView();
        return net;
    }

    /** Values in {@code [N, C, inner]} order, as doubles. */
    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }

    @ParameterizedTest(name = "{0}, batch norm frozen {2}, {3} STE")
    @MethodSource("cases")
    void bothTailsGiveTheSameForwardAndBackwardWithQuantizationOn(String name, boolean conv, boolean frozen, SteMode ste) {
        QuantSchedule schedule = new QuantSchedule(0, 0, frozen ? 0 : -1);   // quantizing, observers frozen
        QuantSpec outSpec = QuantSpecs.activation(8, ObserverSpec.MIN_MAX).withSte(ste);
        QuantLayerSettings q = new QuantLayerSettings(QuantSpecs.weight(4, Granularity.PER_CHANNEL).withSte(ste), outSpec,
                true, MOMENTUM, EPS, schedule);
        MultiLayerNetwork nd4jNet = net(conv, q);
        MultiLayerNetwork fusedNet = net(conv, q);
        QuantComputeLayerImpl<?> ln = (QuantComputeLayerImpl<?>) nd4jNet.getLayer(0);
        QuantComputeLayerImpl<?> lf = (QuantComputeLayerImpl<?>) fusedNet.getLayer(0);
        Nd4j.getRandom().setSeed(conv ? 11 : 12);
        long ch = ln.getParam(QuantParams.GAMMA).length();
        ln.getParam(QuantParams.GAMMA).assign(Nd4j.rand(DataType.FLOAT, ch).addi(0.5));
        ln.getParam(QuantParams.BETA).assign(Nd4j.randn(DataType.FLOAT, ch).muli(0.3));
        ln.getParam(QuantParams.RUNNING_MEAN).assign(Nd4j.randn(DataType.FLOAT, ch).muli(0.3));
        ln.getParam(QuantParams.RUNNING_VAR).assign(Nd4j.rand(DataType.FLOAT, ch).addi(0.5));
        INDArray x = conv ? Nd4j.randn(DataType.FLOAT, 8, 3, 6, 6) : Nd4j.randn(DataType.FLOAT, 16, 20);
        INDArray eps = conv ? Nd4j.randn(DataType.FLOAT, 8, 4, 6, 6) : Nd4j.randn(DataType.FLOAT, 16, 6);

        // the linear output both tails receive, and the exact tail in double
        ComputeTail.Inputs probeInputs = inputs(ln, q, false);
        QuantComputeLayerImpl.LayerPass probe = ln.forward(x, true, false, Nd4jTail.INSTANCE);
        INDArray y = ln.linear(probe.x(), probe.wEff(), null);
        Reference r = new Reference(y, probeInputs, frozen, !conv);
        // output range: the exact range with its top fifth clamped, so that the clipped mask matters
        INDArray range = Nd4j.createFromArray(Math.min(0, r.minA), 0.8 * r.maxA, 1.0).castTo(DataType.FLOAT);
        ln.getParam(QuantParams.OUTPUT_RANGE).assign(range);
        fusedNet.setParams(nd4jNet.params().dup());
        AffineQuantParams p = ActivationQuantization.params(outSpec, range);

        QuantComputeLayerImpl.LayerPass pn = ln.forward(x, true, true, Nd4jTail.INSTANCE);
        QuantComputeLayerImpl.LayerPass pf = lf.forward(x, true, true, FusedFloatTail.INSTANCE);
        assertArrayEquals(values(pn.wEff()), values(pf.wEff()), 0, "the weights are fake-quantized by shared code");

        // forward: codes agree except within the error bound of a rounding boundary, by one code
        double[] on = values(pn.output());
        double[] of = values(pf.output());
        boolean[] near = new boolean[on.length];
        boolean[] maskMayDiffer = new boolean[on.length];
        int nearCount = 0;
        int differing = 0;
        for (int i = 0; i < on.length; i++) {
            double v = r.a[i] / p.scale();
            double toBoundary = Math.abs(Math.abs(v) - Math.floor(Math.abs(v)) - 0.5);
            assertTrue(r.delta[i] / p.scale() < 0.25, "the bound must be far below one code at " + i);
            near[i] = toBoundary <= r.delta[i] / p.scale() + 2 * U * Math.abs(v) + UD;
            nearCount += near[i] ? 1 : 0;
            maskMayDiffer[i] = near[i] || Math.abs(r.z[i]) <= r.delta[i] || (!conv && Math.abs(r.z[i] - 6) <= r.delta[i]);
            long cn = Math.round(on[i] / p.scale());
            long cf = Math.round(of[i] / p.scale());
            if (cn != cf) {
                differing++;
                assertTrue(near[i] && Math.abs(cn - cf) == 1, name + ": code " + i + " differs (" + cn + " vs " + cf
                        + ") " + (near[i] ? "by more than one" : "away from a rounding boundary"));
            }
        }
        assertTrue(nearCount <= on.length / 100, name + ": " + nearCount + " of " + on.length
                + " codes within the error bound of a rounding boundary");
        assertTrue(differing <= nearCount);
        assertEquals(ln.clippedFraction(), lf.clippedFraction(), (double) nearCount / on.length, "clipped fraction");

        // running statistics (updated only before the freeze)
        assertWithin(values(ln.getParam(QuantParams.RUNNING_MEAN)), values(lf.getParam(QuantParams.RUNNING_MEAN)),
                r.runningMeanTolerance(values(probeInputs.runningMean())), name + " running mean");
        assertWithin(values(ln.getParam(QuantParams.RUNNING_VAR)), values(lf.getParam(QuantParams.RUNNING_VAR)),
                r.runningVarTolerance(values(probeInputs.runningVar())), name + " running variance");

        // backward: the tails' gradients, then the layer's
        ComputeTail.Gradients gn = pn.tail().backward(eps);
        ComputeTail.Gradients gf = pf.tail().backward(eps);
        double[] e = values(eps);
        BackwardBounds b = r.backward(e, maskMayDiffer);
        assertWithin(values(gn.dY()), values(gf.dY()), b.dY, name + " dY");
        assertWithin(values(gn.dGamma()), values(gf.dGamma()), b.dGamma, name + " dGamma");
        assertWithin(values(gn.dBeta()), values(gf.dBeta()), b.dBeta, name + " dBeta");

        Gradient wn = new DefaultGradient();
        Gradient wf = new DefaultGradient();
        INDArray dxn = ln.backward(pn, eps, wn);
        INDArray dxf = lf.backward(pf, eps, wf);
        // the linear backward is linear in dY: |d(dW)| <= |x|^T |d(dY)| + 2 gamma_K |x|^T |dY|, alike for dX
        INDArray dYBound = Nd4j.createFromArray(b.dY).castTo(DataType.FLOAT).reshape(gn.dY().shape());
        INDArray absX = Transforms.abs(pn.x(), true);
        INDArray absW = Transforms.abs(pn.wEff(), true);
        INDArray[] fromDelta = ln.linearBackward(absX, absW, dYBound, false);
        INDArray[] fromRounding = ln.linearBackward(absX, absW, Transforms.abs(gn.dY(), true), false);
        double g = 2 * gamma(gn.dY().length(), U);
        assertWithin(values(wn.getGradientFor(QuantParams.WEIGHT)), values(wf.getGradientFor(QuantParams.WEIGHT)),
                sum(values(fromDelta[1]), values(fromRounding[1]), g), name + " dW");
        assertWithin(values(dxn), values(dxf), sum(values(fromDelta[0]), values(fromRounding[0]), g), name + " dX");
    }

    @ParameterizedTest(name = "{0}, batch norm frozen {2}, {3} STE")
    @MethodSource("cases")
    void bothTailsObserveTheSameRange(String name, boolean conv, boolean frozen, SteMode ste) {
        QuantSchedule schedule = new QuantSchedule(0, -1, frozen ? 0 : -1);   // quantizing and observing
        QuantLayerSettings q = new QuantLayerSettings(QuantSpecs.weight(4, Granularity.PER_CHANNEL).withSte(ste),
                QuantSpecs.activation(8, ObserverSpec.MIN_MAX).withSte(ste), true, MOMENTUM, EPS, schedule);
        MultiLayerNetwork net = net(conv, q);
        QuantComputeLayerImpl<?> layer = (QuantComputeLayerImpl<?>) net.getLayer(0);
        Nd4j.getRandom().setSeed(conv ? 21 : 22);
        INDArray x = conv ? Nd4j.randn(DataType.FLOAT, 8, 3, 6, 6) : Nd4j.randn(DataType.FLOAT, 16, 20);
        QuantComputeLayerImpl.LayerPass probe = layer.forward(x, true, false, Nd4jTail.INSTANCE);
        INDArray y = layer.linear(probe.x(), probe.wEff(), null);
        ComputeTail.Inputs nd4jIn = inputs(layer, q, true);
        ComputeTail.Inputs fusedIn = inputs(layer, q, true);
        Reference r = new Reference(y, nd4jIn, frozen, !conv);
        Nd4jTail.INSTANCE.forward(y, nd4jIn);
        FusedFloatTail.INSTANCE.forward(y, fusedIn);
        double maxDelta = 0;
        for (double d : r.delta) {
            maxDelta = Math.max(maxDelta, d);
        }
        // min and max are 1-Lipschitz in the largest element difference
        INDArray sn = nd4jIn.outputRange();
        INDArray sf = fusedIn.outputRange();
        assertEquals(sn.getDouble(RangeObserver.MIN), sf.getDouble(RangeObserver.MIN), maxDelta, name + " observed min");
        assertEquals(sn.getDouble(RangeObserver.MAX), sf.getDouble(RangeObserver.MAX), maxDelta, name + " observed max");
        assertEquals(r.maxA, sn.getDouble(RangeObserver.MAX), maxDelta, name + " observed max vs exact");
    }

    /** Inputs of a tail pass over copies of the layer's state (fresh output range when asked). */
    private static ComputeTail.Inputs inputs(QuantComputeLayerImpl<?> l, QuantLayerSettings q, boolean freshRange) {
        INDArray gamma = l.getParam(QuantParams.GAMMA).dup();
        INDArray beta = l.getParam(QuantParams.BETA).dup();
        INDArray mean = l.getParam(QuantParams.RUNNING_MEAN).dup();
        INDArray var = l.getParam(QuantParams.RUNNING_VAR).dup();
        INDArray range = freshRange ? Nd4j.zeros(DataType.FLOAT, RangeObserver.STATE_SIZE) : l.getParam(QuantParams.OUTPUT_RANGE).dup();
        return new ComputeTail.Inputs(q, l.layerConf().getActivationFn(), l.statDims(),
                BatchNormFold.of(gamma, beta, mean, var, q.batchNormEps()), gamma, beta, mean, var, range,
                0, true, true);
    }

    private static double[] sum(double[] a, double[] b, double bScale) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + bScale * b[i];
        }
        return out;
    }

    private static void assertWithin(double[] a, double[] b, double[] tolerance, String what) {
        assertEquals(a.length, b.length, what);
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            assertTrue(d <= tolerance[i], what + "[" + i + "]: " + a[i] + " vs " + b[i] + ", |difference| " + d
                    + " above the bound " + tolerance[i]);
        }
    }

    /** Bounds on the differences of the tails' gradients. */
    private record BackwardBounds(double[] dY, double[] dGamma, double[] dBeta) {
    }

    /**
     * The tail computed exactly (in double) from the linear output, with the per-element bound
     * {@code delta} on the difference of the two float tails' pre-quantization values.
     */
    private static final class Reference {
        final int n;
        final int c;
        final int inner;
        final long m;
        final boolean frozen;
        final double[] y;
        final double[] z;
        final double[] a;
        final double[] delta;
        /** normalized values: batch or running statistics */
        final double[] xhat;
        /** per-element bound on the difference of the two tails' normalized values (batch statistics) */
        final double[] xhatDelta;
        final double[] gamma;
        final double[] mean;
        final double[] var;
        final double[] invStd;
        final double[] meanErr;
        final double[] varErr;
        final double[] scale;
        double minA = Double.POSITIVE_INFINITY;
        double maxA = Double.NEGATIVE_INFINITY;

        Reference(INDArray yArr, ComputeTail.Inputs in, boolean frozen, boolean relu6) {
            this.frozen = frozen;
            n = (int) yArr.size(0);
            c = (int) yArr.size(1);
            inner = (int) (yArr.length() / ((long) n * c));
            m = (long) n * inner;
            y = values(yArr);
            gamma = values(in.gamma());
            double[] beta = values(in.beta());
            double[] fs = values(in.fold().scale());
            double[] fb = values(in.fold().bias());
            double[] std = values(in.fold().std());
            double[] runMean = values(in.runningMean());
            mean = new double[c];
            var = new double[c];
            invStd = new double[c];
            meanErr = new double[c];
            varErr = new double[c];
            scale = new double[c];
            double[] mulErr = new double[c];
            double[] addErr = new double[c];
            double[] nd4jInvErr = new double[c];
            double[] fusedInvErr = new double[c];
            for (int ch = 0; ch < c; ch++) {
                double s1 = 0;
                double a1 = 0;
                for (int i = 0; i < m; i++) {
                    double v = y[index(i, ch)];
                    s1 += v;
                    a1 += Math.abs(v);
                }
                double mu = s1 / m;
                double s2 = 0;
                double a2 = 0;
                for (int i = 0; i < m; i++) {
                    double v = y[index(i, ch)];
                    s2 += (v - mu) * (v - mu);
                    a2 += v * v;
                }
                mean[ch] = mu;
                var[ch] = s2 / m;
                a1 /= m;
                a2 /= m;
                invStd[ch] = 1 / Math.sqrt(var[ch] + EPS);
                // ND4J: float mean and variance; fused: double
                double dMeanN = gamma(m + 1, U) * a1;
                double dVarN = gamma(m + 3, U) * (a2 + mu * mu) + 2 * Math.abs(mu) * dMeanN + dMeanN * dMeanN;
                double dMeanF = gamma(m + 1, UD) * a1;
                double dVarF = gamma(m + 3, UD) * (a2 + mu * mu) + 2 * Math.abs(mu) * dMeanF;
                meanErr[ch] = dMeanN + dMeanF;
                varErr[ch] = dVarN + dVarF;
                nd4jInvErr[ch] = dVarN / (2 * (var[ch] + EPS)) + 4 * U;
                fusedInvErr[ch] = dVarF / (2 * (var[ch] + EPS)) + 4 * UD;
                double mul = gamma[ch] * invStd[ch];
                double add = beta[ch] - mu * mul;
                mulErr[ch] = Math.abs(mul) * (U + fusedInvErr[ch]);
                addErr[ch] = U * Math.abs(add) + Math.abs(gamma[ch]) * invStd[ch] * (dMeanF + Math.abs(mu) * fusedInvErr[ch])
                        + 3 * UD * (Math.abs(beta[ch]) + Math.abs(mu * mul));
                scale[ch] = frozen ? fs[ch] : mul;
            }
            z = new double[y.length];
            a = new double[y.length];
            delta = new double[y.length];
            xhat = new double[y.length];
            xhatDelta = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                int ch = (i / inner) % c;
                double yi = y[i];
                if (frozen) {
                    // both: fl(fl(y * s) + b) with the same float fold s, b
                    xhat[i] = (yi - runMean[ch]) / std[ch];
                    z[i] = yi * fs[ch] + fb[ch];
                    delta[i] = SAFETY * 2 * (U * Math.abs(yi * fs[ch]) + U * Math.abs(z[i]));
                } else {
                    xhat[i] = (yi - mean[ch]) * invStd[ch];
                    z[i] = gamma[ch] * xhat[i] + beta[ch];
                    double g = Math.abs(gamma[ch]);
                    double dxN = meanErr[ch] * invStd[ch] + Math.abs(xhat[i]) * (nd4jInvErr[ch] + 2 * U);
                    double dxF = gamma(m + 1, UD) * invStd[ch] * Math.abs(mean[ch]) + Math.abs(xhat[i]) * fusedInvErr[ch];
                    xhatDelta[i] = SAFETY * (dxN + dxF);
                    double nd4j = g * dxN + U * g * Math.abs(xhat[i]) + U * Math.abs(z[i]);
                    double fused = Math.abs(yi) * mulErr[ch] + addErr[ch] + U * Math.abs(yi * gamma[ch] * invStd[ch])
                            + U * Math.abs(z[i]);
                    double exact = gamma(m + 10, UD) * (g * (Math.abs(yi) + Math.abs(mean[ch])) * invStd[ch] + Math.abs(beta[ch]));
                    delta[i] = SAFETY * (nd4j + fused + exact);
                }
                a[i] = relu6 ? Math.min(Math.max(z[i], 0), 6) : Math.max(z[i], 0);
                minA = Math.min(minA, a[i]);
                maxA = Math.max(maxA, a[i]);
            }
        }

        private int index(long k, int ch) {
            long b = k / inner;
            long j = k % inner;
            return (int) ((b * c + ch) * inner + j);
        }

        double[] runningMeanTolerance(double[] before) {
            double[] t = new double[c];
            for (int ch = 0; ch < c; ch++) {
                t[ch] = frozen ? 0 : SAFETY * (MOMENTUM * (meanErr[ch] + U * Math.abs(mean[ch]))
                        + 6 * U * (Math.abs(before[ch]) + MOMENTUM * Math.abs(mean[ch])));
            }
            return t;
        }

        double[] runningVarTolerance(double[] before) {
            double f = MOMENTUM * m / (m - 1.0);
            double[] t = new double[c];
            for (int ch = 0; ch < c; ch++) {
                t[ch] = frozen ? 0 : SAFETY * (f * (varErr[ch] + U * var[ch]) + 6 * U * (Math.abs(before[ch]) + f * var[ch]));
            }
            return t;
        }

        /**
         * @param eps output gradient
         * @param maskMayDiffer elements whose straight-through or activation mask may differ
         * @return bounds on the differences of dY, dGamma and dBeta
         */
        BackwardBounds backward(double[] eps, boolean[] maskMayDiffer) {
            double[] dY = new double[y.length];
            double[] dGamma = new double[c];
            double[] dBeta = new double[c];
            for (int ch = 0; ch < c; ch++) {
                double e = 0;          // sum |eps|
                double eMasked = 0;    // sum |eps| where the masks may differ
                double ex = 0;         // sum |eps| |xhat|
                double exMasked = 0;
                double exDelta = 0;    // sum |eps| xhatDelta
                for (int k = 0; k < m; k++) {
                    int i = index(k, ch);
                    double ae = Math.abs(eps[i]);
                    e += ae;
                    ex += ae * Math.abs(xhat[i]);
                    exDelta += ae * xhatDelta[i];
                    if (maskMayDiffer[i]) {
                        eMasked += ae;
                        exMasked += ae * Math.abs(xhat[i]);
                    }
                }
                // the ND4J sums are float sums of m terms, the fused ones double sums
                double dSumDz = eMasked + gamma(m + 2, U) * e;
                double dSumDzX = exMasked + exDelta + gamma(m + 4, U) * (ex + exDelta);
                dBeta[ch] = SAFETY * dSumDz;
                dGamma[ch] = SAFETY * dSumDzX;
                double g = Math.abs(gamma[ch]);
                for (int k = 0; k < m; k++) {
                    int i = index(k, ch);
                    double ae = Math.abs(eps[i]);
                    if (frozen) {
                        // both fl(dz * s): equal where the masks agree
                        dY[i] = SAFETY * ((maskMayDiffer[i] ? ae : 0) + U * ae) * Math.abs(scale[ch]);
                    } else {
                        // dY = gamma invStd / m (m dz - sum dz - xhat sum dz xhat)
                        double kf = g * invStd[ch] / m;
                        double magnitude = m * ae + e + Math.abs(xhat[i]) * ex;
                        double invErr = varErr[ch] / (2 * (var[ch] + EPS)) + 8 * U;
                        dY[i] = SAFETY * kf * ((maskMayDiffer[i] ? m * ae : 0) + dSumDz + Math.abs(xhat[i]) * dSumDzX
                                + xhatDelta[i] * ex + (invErr + 8 * U) * magnitude);
                    }
                }
            }
            return new BackwardBounds(dY, dGamma, dBeta);
        }
    }
}
