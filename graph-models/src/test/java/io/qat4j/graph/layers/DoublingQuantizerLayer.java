package io.qat4j.graph.layers;

import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.export.ExportContext;
import io.qat4j.quant.export.Int8Ops;
import io.qat4j.quant.export.Int8Value;
import io.qat4j.quant.layers.ObserverStateInitializer;
import io.qat4j.quant.layers.QuantizedActivation;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
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
 * A quantized layer defined outside {@code quant-layers}, for the test of the
 * {@link io.qat4j.quant.layers.QuantizedLayer} contract: {@code out = Q_a(2 x)}, "scale by two, then requantize", with
 * its own output observer. It exports as the int8 {@code ADD} of its input with itself, whose two
 * rescales and requantization compute {@code Q_a(x + x)} (TFLite's quantized {@code ADD}).
 */
public class DoublingQuantizerLayer extends BaseLayer implements QuantizedActivation {

    private QuantSpec spec;
    private QuantSchedule schedule;

    /** For JSON deserialization. */
    public DoublingQuantizerLayer() {
    }

    /**
     * @param spec output activation spec
     * @param schedule quantization schedule
     */
    public DoublingQuantizerLayer(QuantSpec spec, QuantSchedule schedule) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.iUpdater = new NoOp();
        this.biasUpdater = new NoOp();
        this.regularization = Collections.emptyList();
        this.regularizationBias = Collections.emptyList();
    }

    /** @return the output spec */
    public QuantSpec getSpec() {
        return spec;
    }

    /** @param spec the output spec (for JSON) */
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
    public DoublingQuantizerLayer withSchedule(QuantSchedule newSchedule) {
        DoublingQuantizerLayer copy = clone();
        copy.setSchedule(newSchedule);
        return copy;
    }

    @Override
    public void exportTo(ExportContext ctx) {
        Int8Value in = ctx.input(0);
        AffineQuantParams out = ctx.outputParams();
        ctx.setOutput(Int8Ops.add(ctx, in, in, ActivationClamps.none(out), out));
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        DoublingQuantizerLayerImpl layer = new DoublingQuantizerLayerImpl(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
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
        // shape preserving
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
        return new LayerMemoryReport.Builder(layerName, DoublingQuantizerLayer.class, inputType, inputType)
                .standardMemory(RangeObserver.STATE_SIZE, 0).workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0).build();
    }

    @Override
    public DoublingQuantizerLayer clone() {
        return (DoublingQuantizerLayer) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof DoublingQuantizerLayer other
                && Objects.equals(spec, other.spec) && Objects.equals(schedule, other.schedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), spec, schedule);
    }
}
