package io.qat4j.quant.layers;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.export.ExportContext;
import io.qat4j.quant.export.Int8Ops;
import io.qat4j.quant.export.Int8Value;
import io.qat4j.quant.layers.impl.QuantAddVertexImpl;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Graph vertex for a quantized residual add: {@code out = Q_a(act(a + b))} for two inputs of the
 * same shape, with its own output observer (TFLite's quantized {@code ADD}, whose two inputs are
 * rescaled to a common scale before the sum; He et al., "Deep Residual Learning", CVPR 2016, for
 * the block). The activation may be identity or ReLU (fused as a clamp in the executor). Its
 * only parameter is the observer state {@code outRange} with a no-op updater.
 */
public class QuantAddVertex extends GraphVertex implements TrainingConfig, QuantizedActivation {

    private QuantSpec spec;
    private QuantSchedule schedule;
    private Activation activation = Activation.IDENTITY;
    private String name;

    /** For JSON deserialization. */
    public QuantAddVertex() {
    }

    /**
     * @param spec output activation spec
     * @param schedule quantization schedule
     * @param activation IDENTITY or RELU
     */
    public QuantAddVertex(QuantSpec spec, QuantSchedule schedule, Activation activation) {
        if (activation != Activation.IDENTITY && activation != Activation.RELU) {
            throw new IllegalArgumentException("QuantAddVertex supports IDENTITY or RELU, got " + activation);
        }
        this.spec = Objects.requireNonNull(spec, "spec");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.activation = activation;
    }

    /** @return output spec */
    public QuantSpec getSpec() {
        return spec;
    }

    /** @param spec output spec (for JSON) */
    public void setSpec(QuantSpec spec) {
        this.spec = spec;
    }

    /** @return schedule */
    public QuantSchedule getSchedule() {
        return schedule;
    }

    /** @param schedule schedule (for JSON) */
    public void setSchedule(QuantSchedule schedule) {
        this.schedule = schedule;
    }

    /** @return the activation applied after the sum */
    public Activation getActivation() {
        return activation;
    }

    /** @param activation activation (for JSON) */
    public void setActivation(Activation activation) {
        this.activation = activation;
    }

    @Override
    public QuantAddVertex withSchedule(QuantSchedule newSchedule) {
        QuantAddVertex copy = clone();
        copy.setSchedule(newSchedule);
        return copy;
    }

    /** Exports an {@code ADD} operator rescaling both inputs, with the activation as a clamp. */
    @Override
    public void exportTo(ExportContext ctx) {
        Int8Value a = ctx.input(0);
        Int8Value b = ctx.input(1);
        AffineQuantParams out = ctx.outputParams();
        ctx.setOutput(Int8Ops.add(ctx, a, b, Int8Ops.clamp(activation.getActivationFunction(), out, ctx.name()), out));
    }

    @Override
    public QuantAddVertex clone() {
        QuantAddVertex v = new QuantAddVertex(spec, schedule, activation);
        v.name = name;
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantAddVertex v && Objects.equals(spec, v.spec) && Objects.equals(schedule, v.schedule)
                && activation == v.activation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(spec, schedule, activation);
    }

    @Override
    public long numParams(boolean backprop) {
        return RangeObserver.STATE_SIZE;
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String vertexName,
            int idx, INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        this.name = vertexName;
        return new QuantAddVertexImpl(graph, vertexName, idx, this, paramsView, initializeParams, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2) {
            throw new InvalidInputTypeException("QuantAddVertex needs 2 inputs, got " + vertexInputs.length);
        }
        if (!Arrays.equals(vertexInputs[0].getShape(), vertexInputs[1].getShape())) {
            throw new InvalidInputTypeException("QuantAddVertex inputs differ in shape: " + vertexInputs[0] + " vs " + vertexInputs[1]);
        }
        return vertexInputs[0];
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = inputTypes[0];
        return new LayerMemoryReport.Builder(name, QuantAddVertex.class, out, out)
                .standardMemory(RangeObserver.STATE_SIZE, 0)
                .workingMemory(0, 0, 0, 2L * out.arrayElementsPerExample())
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public String getLayerName() {
        return name;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return Collections.emptyList();
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return new NoOp();
    }

    @Override
    public GradientNormalization getGradientNormalization() {
        return GradientNormalization.None;
    }

    @Override
    public double getGradientNormalizationThreshold() {
        return 0;
    }
}
