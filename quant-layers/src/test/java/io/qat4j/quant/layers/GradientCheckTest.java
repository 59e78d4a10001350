package io.qat4j.quant.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpecs;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Gradient checks of the hand-written backward passes with quantization disabled (DOUBLE, NoOp
 * updater), as DL4J's custom-layer contract requires. A fake-quant forward fails finite
 * differences by design; the STE backward is tested in {@link SteBackwardTest}.
 */
class GradientCheckTest extends DoublePrecisionTest {

    private static QuantLayerSettings settings(boolean bn, boolean frozenBn, boolean outQuant) {
        QuantSchedule schedule = new QuantSchedule(Long.MAX_VALUE, -1, frozenBn ? 0 : -1);
        return QuantLayerSettings.of(QuantSpecs.INT8_WEIGHT_PER_CHANNEL, outQuant ? QuantSpecs.INT8_ACTIVATION : null, bn, schedule);
    }

    @ParameterizedTest(name = "bn={0} frozen={1} outQuant={2} act={3}")
    @CsvSource({"false,false,false,TANH", "false,false,true,RELU", "true,false,false,TANH", "true,true,true,TANH", "true,false,true,SIGMOID"})
    void denseAndConvGradientsMatchFiniteDifferences(boolean bn, boolean frozen, boolean outQuant, Activation act) {
        Nd4j.getRandom().setSeed(12345);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(12345).updater(new NoOp()).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new QuantConv2dLayer.Builder(3, 3).nOut(3).stride(1, 1).convolutionMode(ConvolutionMode.Same)
                        .activation(act).quant(settings(bn, frozen, outQuant)).build())
                .layer(new QuantConv2dLayer.Builder(2, 2).nOut(2).stride(2, 2).padding(1, 0)
                        .activation(act).quant(settings(bn, frozen, outQuant)).build())
                .layer(new QuantDenseLayer.Builder().nOut(4).activation(act).quant(settings(bn, frozen, outQuant)).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 5, 2))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        if (bn) {
            // non-trivial gamma/beta/running statistics
            for (int i = 0; i < 3; i++) {
                var p = net.getLayer(i).paramTable();
                p.get(QuantParams.GAMMA).assign(Nd4j.rand(DataType.DOUBLE, p.get(QuantParams.GAMMA).shape()).addi(0.5));
                p.get(QuantParams.BETA).assign(Nd4j.randn(DataType.DOUBLE, p.get(QuantParams.BETA).shape()).muli(0.1));
                p.get(QuantParams.RUNNING_MEAN).assign(Nd4j.randn(DataType.DOUBLE, p.get(QuantParams.BETA).shape()).muli(0.1));
                p.get(QuantParams.RUNNING_VAR).assign(Nd4j.rand(DataType.DOUBLE, p.get(QuantParams.BETA).shape()).addi(0.5));
            }
        }
        INDArray in = Nd4j.rand(DataType.DOUBLE, 4, 2, 5, 5);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 4, 3);
        for (int i = 0; i < 4; i++) {
            labels.putScalar(i, i % 3, 1.0);
        }
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(in).labels(labels)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                .excludeParams(stateParams(net)));
        assertTrue(ok, "gradient check failed");
    }

    /** Observer and running-statistics state is not trained by gradients (NoOp updater). */
    static java.util.Set<String> stateParams(MultiLayerNetwork net) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            for (String k : net.getLayer(i).paramTable().keySet()) {
                if (QuantParams.isState(k)) {
                    out.add(i + "_" + k);
                }
            }
        }
        return out;
    }
}
