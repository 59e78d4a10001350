package io.qat4j.quant.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.math.WeightFakeQuant;
import io.qat4j.quant.spec.ObserverSpec;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpecs;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The straight-through estimators: with plain STE the weight gradient of a quantized layer equals
 * the gradient of a stock DL4J layer whose weights are the fake-quantized values; with clipped STE
 * the gradient is zero exactly where the code was clamped.
 */
class SteBackwardTest extends DoublePrecisionTest {

    private static MultiLayerNetwork net(Layer first, InputType in) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .seed(5).updater(new NoOp()).list()
                .layer(first)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3).activation(Activation.IDENTITY).build())
                .setInputType(in).build());
        n.init();
        return n;
    }

    private static QuantLayerSettings fourBit() {
        return QuantLayerSettings.of(QuantSpecs.INT4_WEIGHT_PER_CHANNEL, null, false, QuantSchedule.ALWAYS);
    }

    private static void assertSameGradients(MultiLayerNetwork quant, MultiLayerNetwork stock, INDArray x, INDArray y) {
        quant.setInput(x);
        quant.setLabels(y);
        quant.computeGradientAndScore();
        stock.setInput(x);
        stock.setLabels(y);
        stock.computeGradientAndScore();
        Gradient gq = quant.gradient();
        Gradient gs = stock.gradient();
        assertEquals(stock.score(), quant.score(), 1e-10, "same forward");
        INDArray dwq = gq.getGradientFor("0_W");
        INDArray dws = gs.getGradientFor("0_W");
        assertTrue(dwq.equalsWithEps(dws, 1e-10), "weight gradient is the STE gradient:\n" + dwq + "\nvs\n" + dws);
        assertTrue(gq.getGradientFor("0_b").equalsWithEps(gs.getGradientFor("0_b"), 1e-10));
        assertTrue(dwq.norm2Number().doubleValue() > 0);
    }

    @Test
    void denseWeightGradientIsStraightThrough() {
        MultiLayerNetwork q = net(new QuantDenseLayer.Builder().nOut(5).activation(Activation.TANH).quant(fourBit()).build(),
                InputType.feedForward(4));
        MultiLayerNetwork s = net(new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build(), InputType.feedForward(4));
        INDArray w = q.getLayer(0).getParam("W");
        s.getLayer(0).setParam("W", WeightFakeQuant.apply(w.transpose(), QuantSpecs.INT4_WEIGHT_PER_CHANNEL, false).values().transpose());
        s.getLayer(0).setParam("b", q.getLayer(0).getParam("b"));
        s.getLayer(1).setParams(q.getLayer(1).params());
        assertSameGradients(q, s, Nd4j.randn(DataType.DOUBLE, 6, 4), Nd4j.randn(DataType.DOUBLE, 6, 3));
    }

    @Test
    void convWeightGradientIsStraightThrough() {
        MultiLayerNetwork q = net(new QuantConv2dLayer.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Same)
                .activation(Activation.TANH).quant(fourBit()).build(), InputType.convolutional(5, 5, 2));
        MultiLayerNetwork s = net(new ConvolutionLayer.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Same)
                .activation(Activation.TANH).build(), InputType.convolutional(5, 5, 2));
        INDArray w = q.getLayer(0).getParam("W");
        INDArray rows = w.reshape(2, 18);
        s.getLayer(0).setParam("W", WeightFakeQuant.apply(rows, QuantSpecs.INT4_WEIGHT_PER_CHANNEL, false).values().reshape(w.shape()));
        s.getLayer(0).setParam("b", q.getLayer(0).getParam("b").reshape(1, 2));
        s.getLayer(1).setParams(q.getLayer(1).params());
        assertSameGradients(q, s, Nd4j.randn(DataType.DOUBLE, 3, 2, 5, 5), Nd4j.randn(DataType.DOUBLE, 3, 3));
    }

    @Test
    void clippedActivationSteZeroesGradientOutsideTheRange() {
        // frozen range [-0.5, 0.5] (8 bits): scale 1/255, zero point 0, representable [-128/255, 127/255]
        ActivationQuantizerLayer conf = new ActivationQuantizerLayer(QuantSpecs.activation(8, ObserverSpec.MIN_MAX),
                new QuantSchedule(0, 0, -1));
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(conf)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(6).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(6)).build());
        n.init();
        n.initGradientsView();
        n.getLayer(0).getParam(QuantParams.OUTPUT_RANGE).assign(Nd4j.createFromArray(-0.5, 0.5, 1.0));
        INDArray x = Nd4j.createFromArray(new double[][] {{-2.0, -0.51, -0.2, 0.0, 0.49, 3.0}});
        var layer = n.getLayer(0);
        INDArray out = layer.activate(x, true, LayerWorkspaceMgr.noWorkspaces());
        var p = io.qat4j.executor.quant.AffineQuantParams.asymmetric(-0.5, 0.5, io.qat4j.executor.quant.QuantRange.of(8, true, false));
        assertEquals(0, p.zeroPoint());
        assertEquals(-128 / 255.0, out.getDouble(0), 1e-12, "clamped to the lowest code");
        assertEquals(127 / 255.0, out.getDouble(5), 1e-12, "clamped to the highest code");
        assertEquals(p.dequantize(p.quantize(-0.2)), out.getDouble(2), 1e-12);
        Pair<Gradient, INDArray> bp = layer.backpropGradient(Nd4j.ones(DataType.DOUBLE, 1, 6), LayerWorkspaceMgr.noWorkspaces());
        double[] eps = bp.getSecond().toDoubleVector();
        // -0.51 * 255 = -130.05 -> code -130 < -128: clipped; -2 and 3 clipped
        assertEquals(0.0, eps[0]);
        assertEquals(0.0, eps[1]);
        assertEquals(1.0, eps[2]);
        assertEquals(1.0, eps[3]);
        assertEquals(1.0, eps[4]);
        assertEquals(0.0, eps[5]);
        assertEquals(1.0, n.getLayer(0).getParam(QuantParams.OUTPUT_RANGE).getDouble(2), "frozen observer did not update");
    }
}
