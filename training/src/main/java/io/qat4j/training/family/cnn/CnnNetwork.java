package io.qat4j.training.family.cnn;

import io.qat4j.quant.layers.ActivationQuantizerLayer;
import io.qat4j.quant.layers.QuantAddVertex;
import io.qat4j.quant.layers.QuantConv2dLayer;
import io.qat4j.quant.layers.QuantDenseLayer;
import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.layers.QuantOutputLayer;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.training.config.QuantizationConfig;
import io.qat4j.training.model.NetworkBuilder;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Lays out the quantized DL4J graph of a {@link CnnModelConfig}.
 *
 * <p>Every network starts with an {@link ActivationQuantizerLayer} on the input (the executor's
 * input quantization), every convolution and dense layer quantizes its weights and its output,
 * pooling that averages is followed by an activation quantizer, and residual blocks end in a
 * {@link QuantAddVertex} (He et al., CVPR 2016, basic block with a 1x1 projection shortcut). With
 * quantization disabled the same graph is built with the schedule {@link QuantSchedule#NEVER}, so
 * that the float baseline and the QAT run differ only in quantization.
 *
 * <p>Vertex names are stable ({@code input_q}, {@code L<i>_conv}, {@code L<i>_res_c1}, ...) so that
 * listeners, exporters and reports can refer to them.
 */
final class CnnNetwork {

    /** Name of the input quantizer. */
    static final String INPUT_QUANTIZER = "input_q";

    private final CnnModelConfig model;
    private final QuantizationConfig q;
    private final QuantSchedule schedule;
    private final QuantSpec act;

    private CnnNetwork(CnnModelConfig model, QuantizationConfig q, QuantSchedule schedule) {
        this.model = model;
        this.q = q;
        this.schedule = schedule;
        this.act = q.activationSpec();
    }

    /**
     * @param gb a graph with its global settings
     * @param model the model
     * @param q the quantization settings
     * @param schedule the schedule of every quantized layer, resolved to the run's steps
     */
    static void add(ComputationGraphConfiguration.GraphBuilder gb, CnnModelConfig model,
            QuantizationConfig q, QuantSchedule schedule) {
        new CnnNetwork(model, q, schedule).addTo(gb);
    }

    private void addTo(ComputationGraphConfiguration.GraphBuilder gb) {
        gb.addInputs(NetworkBuilder.INPUT)
                .addLayer(INPUT_QUANTIZER, new ActivationQuantizerLayer(act, schedule), NetworkBuilder.INPUT);
        String prev = INPUT_QUANTIZER;
        List<LayerConfig> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            prev = addLayer(gb, "L" + i, layers.get(i), prev);
        }
        InputShape in = model.input();
        gb.setOutputs(NetworkBuilder.OUTPUT)
                .setInputTypes(InputType.convolutional(in.height(), in.width(), in.channels()));
    }

    private String addLayer(ComputationGraphConfiguration.GraphBuilder gb, String name, LayerConfig lc, String prev) {
        if (lc instanceof Conv2dLayerConfig c) {
            return add(gb, name + "_conv", conv(c), prev);
        } else if (lc instanceof MaxPoolLayerConfig p) {
            return add(gb, name + "_maxpool", pool(PoolingType.MAX, p.kernel(), p.stride()), prev);
        } else if (lc instanceof AvgPoolLayerConfig p) {
            String pooled = add(gb, name + "_avgpool", pool(PoolingType.AVG, p.kernel(), p.stride()), prev);
            return add(gb, name + "_avgpool_q", new ActivationQuantizerLayer(act, schedule), pooled);
        } else if (lc instanceof GlobalAvgPoolLayerConfig) {
            String pooled = add(gb, name + "_gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), prev);
            return add(gb, name + "_gap_q", new ActivationQuantizerLayer(act, schedule), pooled);
        } else if (lc instanceof FlattenLayerConfig) {
            return prev; // DL4J inserts the CNN-to-dense preprocessor itself
        } else if (lc instanceof DropoutLayerConfig d) {
            return add(gb, name + "_dropout", new DropoutLayer.Builder(1.0 - d.rate()).build(), prev);
        } else if (lc instanceof DenseLayerConfig d) {
            return add(gb, name + "_dense", new QuantDenseLayer.Builder().nOut(d.units())
                    .activation(d.activation().dl4j())
                    .quant(QuantLayerSettings.of(q.weightSpec(d.effectiveWeightBits(q)), act, d.batchNorm(), schedule))
                    .build(), prev);
        } else if (lc instanceof ResidualLayerConfig r) {
            return residual(gb, name, r, prev);
        } else if (lc instanceof OutputLayerConfig o) {
            return add(gb, NetworkBuilder.OUTPUT, new QuantOutputLayer.Builder().nOut(o.classes())
                    .activation(Activation.SOFTMAX).lossFunction(LossFunctions.LossFunction.MCXENT)
                    .quant(QuantLayerSettings.of(q.weightSpec(o.effectiveWeightBits(q)), null, false, schedule))
                    .build(), prev);
        }
        throw new IllegalArgumentException("unsupported layer type " + lc.type());
    }

    private static String add(ComputationGraphConfiguration.GraphBuilder gb, String name,
                              org.deeplearning4j.nn.conf.layers.Layer layer, String input) {
        gb.addLayer(name, layer, input);
        return name;
    }

    private QuantConv2dLayer conv(Conv2dLayerConfig c) {
        QuantConv2dLayer.Builder b = new QuantConv2dLayer.Builder(c.kernel().height(), c.kernel().width())
                .nOut(c.filters())
                .stride(c.stride().height(), c.stride().width())
                .dilation(c.dilation().height(), c.dilation().width())
                .activation(c.activation().dl4j())
                .quant(QuantLayerSettings.of(q.weightSpec(c.effectiveWeightBits(q)), act, c.batchNorm(), schedule));
        Padding p = c.padding();
        switch (p.mode()) {
            case SAME -> b.convolutionMode(ConvolutionMode.Same);
            case VALID -> b.convolutionMode(ConvolutionMode.Truncate).padding(0, 0);
            case EXPLICIT -> b.convolutionMode(ConvolutionMode.Truncate).padding(p.amount(), p.amount());
        }
        return b.build();
    }

    private QuantConv2dLayer conv3x3or1x1(int k, int filters, int stride, Activation a, QuantSpec w) {
        return new QuantConv2dLayer.Builder(k, k).nOut(filters).stride(stride, stride)
                .convolutionMode(ConvolutionMode.Same).activation(a)
                .quant(QuantLayerSettings.of(w, act, true, schedule)).build();
    }

    private String residual(ComputationGraphConfiguration.GraphBuilder gb, String name, ResidualLayerConfig r, String prev) {
        QuantSpec w = q.weightSpec(r.effectiveWeightBits(q));
        String c1 = add(gb, name + "_res_c1", conv3x3or1x1(3, r.filters(), r.stride(), Activation.RELU, w), prev);
        String c2 = add(gb, name + "_res_c2", conv3x3or1x1(3, r.filters(), 1, Activation.IDENTITY, w), c1);
        String shortcut = prev;
        if (r.stride() != 1 || channelsOf(prev) != r.filters()) {
            shortcut = add(gb, name + "_res_proj", conv3x3or1x1(1, r.filters(), r.stride(), Activation.IDENTITY, w), prev);
        }
        gb.addVertex(name + "_res_add", new QuantAddVertex(act, schedule, Activation.RELU), c2, shortcut);
        return name + "_res_add";
    }

    /** Channels of a vertex's output, from the config's shape inference. */
    private int channelsOf(String vertex) {
        if (vertex.equals(INPUT_QUANTIZER)) {
            return model.input().channels();
        }
        int layerIndex = Integer.parseInt(vertex.substring(1, vertex.indexOf('_')));
        return model.activationShapes().get(layerIndex).channels();
    }

    private static SubsamplingLayer pool(PoolingType type, Size2d kernel, Size2d stride) {
        return new SubsamplingLayer.Builder(type == PoolingType.MAX ? SubsamplingLayer.PoolingType.MAX : SubsamplingLayer.PoolingType.AVG)
                .kernelSize(kernel.height(), kernel.width())
                .stride(stride.height(), stride.width())
                .convolutionMode(ConvolutionMode.Truncate)
                .build();
    }

}
