package io.qat4j.quant.layers;

import io.qat4j.quant.spec.ObserverSpec;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpecs;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/** Small networks using every quantized layer, for the layer tests. */
final class TestNets {

    private TestNets() {
    }

    static QuantLayerSettings settings(int weightBits, boolean bn, boolean outQuant, QuantSchedule schedule) {
        return QuantLayerSettings.of(QuantSpecs.weight(weightBits, io.qat4j.quant.spec.Granularity.PER_CHANNEL),
                outQuant ? QuantSpecs.activation(8, ObserverSpec.MIN_MAX) : null, bn, schedule);
    }

    /** input quantizer, conv-bn-relu, maxpool, conv-relu, dense-bn-relu, quantized output. */
    static MultiLayerConfiguration mln(DataType dt, IUpdater updater, QuantSchedule schedule, int weightBits) {
        return new NeuralNetConfiguration.Builder()
                .dataType(dt).seed(42).updater(updater).weightInit(WeightInit.RELU)
                .list()
                .layer(new ActivationQuantizerLayer(QuantSpecs.activation(8, ObserverSpec.MIN_MAX), schedule))
                .layer(new QuantConv2dLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).quant(settings(weightBits, true, true, schedule)).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new QuantConv2dLayer.Builder(3, 3).nOut(5).stride(1, 1).padding(1, 1)
                        .activation(Activation.RELU).quant(settings(weightBits, false, true, schedule)).build())
                .layer(new QuantDenseLayer.Builder().nOut(6).activation(Activation.RELU)
                        .quant(settings(weightBits, true, true, schedule)).build())
                .layer(new QuantOutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX)
                        .quant(settings(weightBits, false, false, schedule)).build())
                .setInputType(InputType.convolutional(6, 6, 2))
                .build();
    }

    /** input quantizer, conv-bn-relu stem, residual block with QuantAddVertex, dense output. */
    static ComputationGraphConfiguration graph(DataType dt, IUpdater updater, QuantSchedule schedule, int weightBits) {
        return new NeuralNetConfiguration.Builder()
                .dataType(dt).seed(42).updater(updater).weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("in")
                .addLayer("q", new ActivationQuantizerLayer(QuantSpecs.activation(8, ObserverSpec.MIN_MAX), schedule), "in")
                .addLayer("stem", new QuantConv2dLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).quant(settings(weightBits, true, true, schedule)).build(), "q")
                .addLayer("c1", new QuantConv2dLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).quant(settings(weightBits, true, true, schedule)).build(), "stem")
                .addLayer("c2", new QuantConv2dLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).quant(settings(weightBits, true, true, schedule)).build(), "c1")
                .addVertex("add", new QuantAddVertex(QuantSpecs.activation(8, ObserverSpec.MIN_MAX), schedule, Activation.RELU), "c2", "stem")
                .addLayer("out", new QuantOutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX)
                        .quant(settings(weightBits, false, false, schedule)).build(), "add")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(6, 6, 2))
                .build();
    }

    static MultiLayerNetwork initMln(DataType dt, QuantSchedule schedule, int bits) {
        MultiLayerNetwork net = new MultiLayerNetwork(mln(dt, new Adam(1e-2), schedule, bits));
        net.init();
        return net;
    }

    static ComputationGraph initGraph(DataType dt, QuantSchedule schedule, int bits) {
        ComputationGraph g = new ComputationGraph(graph(dt, new Adam(1e-2), schedule, bits));
        g.init();
        return g;
    }
}
