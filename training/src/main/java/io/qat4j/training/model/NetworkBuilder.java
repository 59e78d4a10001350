package io.qat4j.training.model;

import io.qat4j.quant.layers.ActivationQuantizerLayer;
import io.qat4j.quant.layers.QuantAddVertex;
import io.qat4j.quant.layers.QuantConv2dLayer;
import io.qat4j.quant.layers.QuantDenseLayer;
import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.layers.QuantOutputLayer;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.training.config.AvgPoolLayerConfig;
import io.qat4j.training.config.Conv2dLayerConfig;
import io.qat4j.training.config.DenseLayerConfig;
import io.qat4j.training.config.DropoutLayerConfig;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.FlattenLayerConfig;
import io.qat4j.training.config.GlobalAvgPoolLayerConfig;
import io.qat4j.training.config.LayerConfig;
import io.qat4j.training.config.LrScheduleConfig;
import io.qat4j.training.config.MaxPoolLayerConfig;
import io.qat4j.training.config.OptimizerConfig;
import io.qat4j.training.config.OutputLayerConfig;
import io.qat4j.training.config.Padding;
import io.qat4j.training.config.QuantizationConfig;
import io.qat4j.training.config.ResidualLayerConfig;
import io.qat4j.training.config.Size2d;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * Turns an {@link ExperimentConfig} into a DL4J {@link ComputationGraph} of quantized layers.
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
public final class NetworkBuilder {

    /** Name of the graph input. */
    public static final String INPUT = "input";
    /** Name of the input quantizer. */
    public static final String INPUT_QUANTIZER = "input_q";
    /** Name of the output layer. */
    public static final String OUTPUT = "output";

    private final ExperimentConfig config;
    private final int iterationsPerEpoch;

    /**
     * @param config a validated experiment config
     * @param iterationsPerEpoch minibatches per epoch (for the learning-rate schedule)
     */
    public NetworkBuilder(ExperimentConfig config, int iterationsPerEpoch) {
        this.config = config;
        this.iterationsPerEpoch = Math.max(1, iterationsPerEpoch);
    }

    /** @return an initialized graph */
    public ComputationGraph build() {
        ComputationGraph g = new ComputationGraph(configuration());
        g.init();
        return g;
    }

    /** @return the graph configuration */
    public ComputationGraphConfiguration configuration() {
        QuantizationConfig q = config.quantization();
        QuantSchedule schedule = q.effectiveSchedule();
        QuantSpec act = q.activationSpec();
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(config.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(updater(config.training().optimizer(), learningRate()))
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
        List<Regularization> reg = regularization(config.training().optimizer());
        if (!reg.isEmpty()) {
            base.regularization(reg);
        }
        ComputationGraphConfiguration.GraphBuilder gb = base.graphBuilder()
                .addInputs(INPUT)
                .addLayer(INPUT_QUANTIZER, new ActivationQuantizerLayer(act, schedule), INPUT);
        String prev = INPUT_QUANTIZER;
        List<LayerConfig> layers = config.model().layers();
        for (int i = 0; i < layers.size(); i++) {
            String name = "L" + i;
            LayerConfig lc = layers.get(i);
            prev = addLayer(gb, name, lc, q, schedule, act, prev);
        }
        var in = config.model().input();
        return gb.setOutputs(OUTPUT)
                .setInputTypes(InputType.convolutional(in.height(), in.width(), in.channels()))
                .build();
    }

    private String addLayer(ComputationGraphConfiguration.GraphBuilder gb, String name, LayerConfig lc,
                            QuantizationConfig q, QuantSchedule schedule, QuantSpec act, String prev) {
        if (lc instanceof Conv2dLayerConfig c) {
            return add(gb, name + "_conv", conv(c, q, schedule, act), prev);
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
                    .activation(activation(d.activation()))
                    .quant(QuantLayerSettings.of(q.weightSpec(d.effectiveWeightBits(q)), act, d.batchNorm(), schedule))
                    .build(), prev);
        } else if (lc instanceof ResidualLayerConfig r) {
            return residual(gb, name, r, q, schedule, act, prev);
        } else if (lc instanceof OutputLayerConfig o) {
            return add(gb, OUTPUT, new QuantOutputLayer.Builder().nOut(o.classes())
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

    private static QuantConv2dLayer conv(Conv2dLayerConfig c, QuantizationConfig q, QuantSchedule schedule, QuantSpec act) {
        QuantConv2dLayer.Builder b = new QuantConv2dLayer.Builder(c.kernel().height(), c.kernel().width())
                .nOut(c.filters())
                .stride(c.stride().height(), c.stride().width())
                .dilation(c.dilation().height(), c.dilation().width())
                .activation(activation(c.activation()))
                .quant(QuantLayerSettings.of(q.weightSpec(c.effectiveWeightBits(q)), act, c.batchNorm(), schedule));
        Padding p = c.padding();
        switch (p.mode()) {
            case SAME -> b.convolutionMode(ConvolutionMode.Same);
            case VALID -> b.convolutionMode(ConvolutionMode.Truncate).padding(0, 0);
            case EXPLICIT -> b.convolutionMode(ConvolutionMode.Truncate).padding(p.amount(), p.amount());
        }
        return b.build();
    }

    private static QuantConv2dLayer conv3x3or1x1(int k, int filters, int stride, Activation a, QuantSpec w,
                                                 QuantSpec act, QuantSchedule schedule) {
        return new QuantConv2dLayer.Builder(k, k).nOut(filters).stride(stride, stride)
                .convolutionMode(ConvolutionMode.Same).activation(a)
                .quant(QuantLayerSettings.of(w, act, true, schedule)).build();
    }

    private String residual(ComputationGraphConfiguration.GraphBuilder gb, String name, ResidualLayerConfig r,
                            QuantizationConfig q, QuantSchedule schedule, QuantSpec act, String prev) {
        QuantSpec w = q.weightSpec(r.effectiveWeightBits(q));
        String c1 = add(gb, name + "_res_c1", conv3x3or1x1(3, r.filters(), r.stride(), Activation.RELU, w, act, schedule), prev);
        String c2 = add(gb, name + "_res_c2", conv3x3or1x1(3, r.filters(), 1, Activation.IDENTITY, w, act, schedule), c1);
        String shortcut = prev;
        if (r.stride() != 1 || channelsOf(prev) != r.filters()) {
            shortcut = add(gb, name + "_res_proj", conv3x3or1x1(1, r.filters(), r.stride(), Activation.IDENTITY, w, act, schedule), prev);
        }
        gb.addVertex(name + "_res_add", new QuantAddVertex(act, schedule, Activation.RELU), c2, shortcut);
        return name + "_res_add";
    }

    /** Channels of a vertex's output, from the config's shape inference. */
    private int channelsOf(String vertex) {
        if (vertex.equals(INPUT_QUANTIZER)) {
            return config.model().input().channels();
        }
        int layerIndex = Integer.parseInt(vertex.substring(1, vertex.indexOf('_')));
        return (int) config.model().activationShapes().get(layerIndex).channels();
    }

    private static SubsamplingLayer pool(PoolingType type, Size2d kernel, Size2d stride) {
        return new SubsamplingLayer.Builder(type == PoolingType.MAX ? SubsamplingLayer.PoolingType.MAX : SubsamplingLayer.PoolingType.AVG)
                .kernelSize(kernel.height(), kernel.width())
                .stride(stride.height(), stride.width())
                .convolutionMode(ConvolutionMode.Truncate)
                .build();
    }

    static Activation activation(io.qat4j.training.config.Activation a) {
        return switch (a) {
            case IDENTITY -> Activation.IDENTITY;
            case RELU -> Activation.RELU;
            case RELU6 -> Activation.RELU6;
        };
    }

    private ISchedule learningRate() {
        OptimizerConfig o = config.training().optimizer();
        long total = (long) iterationsPerEpoch * config.training().epochs();
        LrScheduleConfig lr = config.training().lrSchedule();
        if (lr instanceof LrScheduleConfig.Cosine c) {
            return new CosineSchedule(o.learningRate(), c.minLearningRate(), (int) Math.min(Integer.MAX_VALUE, total));
        } else if (lr instanceof LrScheduleConfig.Step s) {
            return new StepSchedule(ScheduleType.ITERATION, o.learningRate(), s.gamma(), s.stepSize());
        }
        return null;
    }

    /**
     * The DL4J updater of an optimizer config. DL4J has no heavy-ball momentum SGD: {@code sgd} with
     * momentum maps to Nesterov momentum, as {@code nesterovs} does.
     */
    static IUpdater updater(OptimizerConfig o, ISchedule lr) {
        return switch (o.type()) {
            case ADAM, ADAMW -> lr == null ? new Adam(o.learningRate()) : new Adam(lr);
            case SGD -> o.momentum() == 0
                    ? (lr == null ? new Sgd(o.learningRate()) : new Sgd(lr))
                    : (lr == null ? new Nesterovs(o.learningRate(), o.momentum()) : new Nesterovs(lr, o.momentum()));
            case NESTEROVS -> lr == null ? new Nesterovs(o.learningRate(), o.momentum()) : new Nesterovs(lr, o.momentum());
        };
    }

    /**
     * Weight decay: coupled L2 for adam, sgd and nesterovs (PyTorch's {@code weight_decay}), decoupled
     * and scaled by the learning rate for adamw (Loshchilov and Hutter, ICLR 2019).
     */
    static List<Regularization> regularization(OptimizerConfig o) {
        if (o.weightDecay() == 0) {
            return List.of();
        }
        return switch (o.type()) {
            case ADAMW -> List.of(new WeightDecay(o.weightDecay(), true));
            default -> List.of(new L2Regularization(o.weightDecay()));
        };
    }
}
