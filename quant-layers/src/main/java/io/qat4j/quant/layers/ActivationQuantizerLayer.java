package io.qat4j.quant.layers;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.export.ExportContext;
import io.qat4j.quant.export.PendingRequantization;
import io.qat4j.quant.layers.impl.ActivationQuantizerLayerImpl;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Configuration of a stand-alone activation quantizer: observes its input's range and
 * fake-quantizes it per tensor, asymmetrically (PyTorch {@code QuantStub}/{@code FakeQuantize},
 * Brevitas {@code QuantIdentity}). Placed at the network input it defines the input's scale and
 * zero point, which the executor uses to quantize float inputs at the boundary. Shape-preserving
 * for any input type. Its only parameter is the observer state {@code outRange}, with a no-op
 * updater.
 */
public class ActivationQuantizerLayer extends BaseLayer implements QuantizedActivation {

    private QuantSpec spec;
    private QuantSchedule schedule;

    /** For JSON deserialization. */
    public ActivationQuantizerLayer() {
    }

    /**
     * @param spec activation spec (asymmetric, per tensor)
     * @param schedule quantization schedule
     */
    public ActivationQuantizerLayer(QuantSpec spec, QuantSchedule schedule) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.iUpdater = new NoOp();
        this.biasUpdater = new NoOp();
        this.regularization = Collections.emptyList();
        this.regularizationBias = Collections.emptyList();
    }

    /** @return the activation spec */
    public QuantSpec getSpec() {
        return spec;
    }

    /** @param spec the spec (for JSON) */
    public void setSpec(QuantSpec spec) {
        this.spec = spec;
    }

    /** @return the schedule */
    public QuantSchedule getSchedule() {
        return schedule;
    }

    /** @param schedule the schedule (for JSON) */
    public void setSchedule(QuantSchedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public ActivationQuantizerLayer withSchedule(QuantSchedule newSchedule) {
        ActivationQuantizerLayer copy = clone();
        copy.setSchedule(newSchedule);
        return copy;
    }

    /**
     * On the graph input: defines the input's scale and zero point (the executor quantizes float
     * inputs with them). After an operation awaiting requantization (an average pool): emits it
     * requantized to this quantizer's range. Anywhere else a stand-alone requantization would be
     * needed, which the executor does not have.
     */
    @Override
    public void exportTo(ExportContext ctx) {
        AffineQuantParams p = ctx.outputParams();
        Optional<PendingRequantization> pending = ctx.pendingInput(0);
        if (pending.isPresent()) {
            ctx.setOutput(pending.get().requantize(ctx, p));
        } else if (ctx.inputIsGraphInput(0)) {
            ctx.setOutput(ctx.defineGraphInput(p));
        } else {
            throw new UnsupportedOperationException("activation quantizer '" + ctx.name() + "' must follow the graph input or an "
                    + "average pool; a stand-alone requantization is not an executor operator");
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView,
            boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wire(new ActivationQuantizerLayerImpl(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                initializeParams, initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return ObserverStateInitializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        // shape preserving: nothing to infer
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return Collections.emptyList();
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return new NoOp();
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return LayerWiring.memoryReport(layerName, ActivationQuantizerLayer.class, inputType, inputType,
                RangeObserver.STATE_SIZE, 0);
    }

    @Override
    public ActivationQuantizerLayer clone() {
        return (ActivationQuantizerLayer) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof ActivationQuantizerLayer other
                && Objects.equals(spec, other.spec) && Objects.equals(schedule, other.schedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), spec, schedule);
    }
}
