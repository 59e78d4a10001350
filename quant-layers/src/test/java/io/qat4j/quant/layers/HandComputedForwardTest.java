package io.qat4j.quant.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import io.qat4j.quant.spec.ObserverSpec;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpecs;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The forward pass of each quantized layer equals a fake quantization computed by hand, element
 * by element, with the scalar reference {@link AffineQuantParams} and naive loops; including the
 * folded batch norm after its statistics freeze.
 */
class HandComputedForwardTest extends DoublePrecisionTest {

    private static final QuantRange W8 = QuantRange.of(8, true, true);
    private static final QuantRange A8 = QuantRange.of(8, true, false);

    private static MultiLayerNetwork single(Layer l, InputType in) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .seed(9).updater(new NoOp()).list().layer(l)
                .layer(new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build())
                .setInputType(in).build());
        n.init();
        return n;
    }

    private static QuantLayerSettings settings(boolean bn, QuantSchedule s) {
        return QuantLayerSettings.of(QuantSpecs.INT8_WEIGHT_PER_CHANNEL, QuantSpecs.activation(8, ObserverSpec.MIN_MAX), bn, s);
    }

    /** fake-quant of {@code v} with the layer's per-tensor output range */
    private static double fqOut(double v, double min, double max) {
        AffineQuantParams p = AffineQuantParams.asymmetric(min, max, A8);
        return p.dequantize(p.quantize(v));
    }

    @Test
    void denseLayerEqualsHandComputedFakeQuant() {
        MultiLayerNetwork n = single(new QuantDenseLayer.Builder().nOut(3).activation(Activation.RELU)
                .quant(settings(false, QuantSchedule.ALWAYS)).build(), InputType.feedForward(4));
        var layer = n.getLayer(0);
        INDArray w = layer.getParam("W"); // [4, 3]
        INDArray b = layer.getParam("b").assign(Nd4j.createFromArray(0.1, -0.2, 0.05));
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 5, 4);
        INDArray out = layer.activate(x, true, LayerWorkspaceMgr.noWorkspaces());

        double[][] wq = new double[4][3];
        for (int o = 0; o < 3; o++) {
            double m = 0;
            for (int i = 0; i < 4; i++) {
                m = Math.max(m, Math.abs(w.getDouble(i, o)));
            }
            AffineQuantParams p = AffineQuantParams.symmetric(-m, m, W8);
            for (int i = 0; i < 4; i++) {
                wq[i][o] = p.dequantize(p.quantize(w.getDouble(i, o)));
            }
        }
        double[][] a = new double[5][3];
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (int r = 0; r < 5; r++) {
            for (int o = 0; o < 3; o++) {
                double acc = b.getDouble(o);
                for (int i = 0; i < 4; i++) {
                    acc += x.getDouble(r, i) * wq[i][o];
                }
                a[r][o] = Math.max(0, acc);
                min = Math.min(min, a[r][o]);
                max = Math.max(max, a[r][o]);
            }
        }
        for (int r = 0; r < 5; r++) {
            for (int o = 0; o < 3; o++) {
                assertEquals(fqOut(a[r][o], min, max), out.getDouble(r, o), 1e-12, "(" + r + "," + o + ")");
            }
        }
    }

    @Test
    void convLayerWithFrozenBatchNormEqualsFoldedConvolution() {
        // frozen from step 0: the layer computes conv(x, Q(W*s)) + (beta - s*mu)
        QuantSchedule frozen = new QuantSchedule(0, -1, 0);
        MultiLayerNetwork n = single(new QuantConv2dLayer.Builder(3, 3).nOut(2).stride(2, 1).padding(1, 1)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY)
                .quant(settings(true, frozen)).build(), InputType.convolutional(5, 4, 2));
        var layer = n.getLayer(0);
        INDArray w = layer.getParam("W"); // [2, 2, 3, 3]
        double[] gamma = {1.5, -0.7}, beta = {0.2, -0.1}, mu = {0.3, -0.4}, var = {2.0, 0.5};
        layer.getParam(QuantParams.GAMMA).assign(Nd4j.createFromArray(gamma));
        layer.getParam(QuantParams.BETA).assign(Nd4j.createFromArray(beta));
        layer.getParam(QuantParams.RUNNING_MEAN).assign(Nd4j.createFromArray(mu));
        layer.getParam(QuantParams.RUNNING_VAR).assign(Nd4j.createFromArray(var));
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 2, 5, 4);
        INDArray out = layer.activate(x, false, LayerWorkspaceMgr.noWorkspaces()); // inference: no observer update
        layer.getParam(QuantParams.OUTPUT_RANGE).assign(Nd4j.createFromArray(-1.0, 2.0, 1.0));
        out = layer.activate(x, false, LayerWorkspaceMgr.noWorkspaces());

        double[][][][] wq = new double[2][2][3][3];
        double[] bias = new double[2];
        for (int o = 0; o < 2; o++) {
            double s = gamma[o] / Math.sqrt(var[o] + 1e-5);
            bias[o] = beta[o] - s * mu[o];
            double m = 0;
            for (int i = 0; i < 2; i++) {
                for (int kh = 0; kh < 3; kh++) {
                    for (int kw = 0; kw < 3; kw++) {
                        m = Math.max(m, Math.abs(w.getDouble(o, i, kh, kw) * s));
                    }
                }
            }
            AffineQuantParams p = AffineQuantParams.symmetric(-m, m, W8);
            for (int i = 0; i < 2; i++) {
                for (int kh = 0; kh < 3; kh++) {
                    for (int kw = 0; kw < 3; kw++) {
                        wq[o][i][kh][kw] = p.dequantize(p.quantize(w.getDouble(o, i, kh, kw) * s));
                    }
                }
            }
        }
        // output: H = (5 + 2 - 3)/2 + 1 = 3, W = (4 + 2 - 3)/1 + 1 = 4
        assertEquals(3, out.size(2));
        assertEquals(4, out.size(3));
        for (int nb = 0; nb < 2; nb++) {
            for (int o = 0; o < 2; o++) {
                for (int oh = 0; oh < 3; oh++) {
                    for (int ow = 0; ow < 4; ow++) {
                        double acc = bias[o];
                        for (int i = 0; i < 2; i++) {
                            for (int kh = 0; kh < 3; kh++) {
                                for (int kw = 0; kw < 3; kw++) {
                                    int ih = oh * 2 - 1 + kh, iw = ow - 1 + kw;
                                    if (ih >= 0 && ih < 5 && iw >= 0 && iw < 4) {
                                        acc += x.getDouble(nb, i, ih, iw) * wq[o][i][kh][kw];
                                    }
                                }
                            }
                        }
                        assertEquals(fqOut(acc, -1.0, 2.0), out.getDouble(nb, o, oh, ow), 1e-9,
                                "n" + nb + " c" + o + " (" + oh + "," + ow + ")");
                    }
                }
            }
        }
    }

    @Test
    void outputLayerUsesFakeQuantizedWeights() {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .seed(3).updater(new NoOp()).list()
                .layer(new QuantOutputLayer.Builder().nIn(4).nOut(3).activation(Activation.IDENTITY)
                        .lossFunction(org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE)
                        .quant(QuantLayerSettings.of(QuantSpecs.INT4_WEIGHT_PER_CHANNEL, null, false, QuantSchedule.ALWAYS)).build())
                .build());
        n.init();
        INDArray w = n.getLayer(0).getParam("W");
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 4);
        INDArray out = n.output(x);
        QuantRange w4 = QuantRange.of(4, true, true);
        for (int r = 0; r < 2; r++) {
            for (int o = 0; o < 3; o++) {
                double m = 0;
                for (int i = 0; i < 4; i++) {
                    m = Math.max(m, Math.abs(w.getDouble(i, o)));
                }
                AffineQuantParams p = AffineQuantParams.symmetric(-m, m, w4);
                double acc = n.getLayer(0).getParam("b").getDouble(o);
                for (int i = 0; i < 4; i++) {
                    acc += x.getDouble(r, i) * p.dequantize(p.quantize(w.getDouble(i, o)));
                }
                assertEquals(acc, out.getDouble(r, o), 1e-12);
            }
        }
    }
}
