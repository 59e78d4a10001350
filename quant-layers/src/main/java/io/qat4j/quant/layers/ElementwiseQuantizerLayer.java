package io.qat4j.quant.layers;

import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
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
 * The DL4J configuration of a shape-preserving layer without weights whose output is fake-quantized
 * per tensor, {@code y = Q_a(f(x))} (PyTorch {@code FakeQuantize}, Brevitas {@code QuantIdentity}):
 * its activation spec and schedule, its one parameter, the observer state
 * {@link QuantParams#OUTPUT_RANGE} with a no-op updater and no regularization, and the DL4J wiring
 * that follows from that. A subclass gives the implementation ({@link #implementation}, usually an
 * {@link io.qat4j.quant.layers.impl.ElementwiseQuantizerLayerImpl}) and its export contribution;
 * {@link ActivationQuantizerLayer} is one, and layers of other modules extend it the same way.
 */
public abstract class ElementwiseQuantizerLayer extends BaseLayer implements QuantizedActivation {

    private QuantSpec spec;
    private QuantSchedule schedule;

    /** For JSON deserialization. */
    protected ElementwiseQuantizerLayer() {
    }

    /**
     * @param spec activation spec (asymmetric, per tensor)
     * @param schedule quantization schedule
     */
    protected ElementwiseQuantizerLayer(QuantSpec spec, QuantSchedule schedule) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.iUpdater = new NoOp();
        this.biasUpdater = new NoOp();
        this.regularization = Collections.emptyList();
        this.regularizationBias = Collections.emptyList();
    }

    /**
     * @param conf the layer's configuration
     * @param networkDataType the network's data type
     * @return a new, unwired implementation of this layer
     */
    protected abstract Layer implementation(NeuralNetConfiguration conf, DataType networkDataType);

    /** @return the activation spec */
    @Override
    public QuantSpec getSpec() {
        return spec;
    }

    /** @param spec the spec (for JSON) */
    public void setSpec(QuantSpec spec) {
        this.spec = spec;
    }

    /** @return the schedule */
    @Override
    public QuantSchedule getSchedule() {
        return schedule;
    }

    /** @param schedule the schedule (for JSON) */
    public void setSchedule(QuantSchedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public ElementwiseQuantizerLayer withSchedule(QuantSchedule newSchedule) {
        ElementwiseQuantizerLayer copy = clone();
        copy.setSchedule(newSchedule);
        return copy;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
            INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wire(implementation(conf, networkDataType), conf, listeners, layerIndex, paramsView,
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
        return LayerWiring.memoryReport(layerName, getClass(), inputType, inputType, RangeObserver.STATE_SIZE, 0);
    }

    @Override
    public ElementwiseQuantizerLayer clone() {
        return (ElementwiseQuantizerLayer) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof ElementwiseQuantizerLayer other && getClass() == other.getClass()
                && Objects.equals(spec, other.spec) && Objects.equals(schedule, other.schedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), spec, schedule);
    }
}
