package io.qat4j.quant.layers;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.export.ExportContext;
import io.qat4j.quant.export.Int8Ops;
import io.qat4j.quant.export.Int8Value;
import io.qat4j.quant.layers.impl.QuantDenseLayerImpl;
import io.qat4j.quant.spec.QuantSchedule;
import java.util.Collection;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * Configuration of a fully connected layer with fake-quantized weights, an optional folded batch
 * normalization ({@code BatchNorm1d} after the matrix product, as PyTorch's {@code LinearBn1d})
 * and an optional fake-quantized output: {@code out = Q_a(act(BN(x . Q_w(W))))} or
 * {@code Q_a(act(x . Q_w(W) + b))} (Jacob et al., CVPR 2018, section 3, figure 1.1b).
 *
 * <p>Weights have DL4J's dense layout {@code [nIn, nOut]}; per-channel scales are per output
 * column.
 */
public class QuantDenseLayer extends FeedForwardLayer implements QuantComputeLayer {

    private QuantLayerSettings quant;

    /** For JSON deserialization. */
    public QuantDenseLayer() {
    }

    private QuantDenseLayer(Builder builder) {
        super(builder);
        this.quant = builder.quant;
        initializeConstraints(builder);
    }

    @Override
    public QuantLayerSettings getQuant() {
        return quant;
    }

    /** @param quant the settings (for JSON) */
    public void setQuant(QuantLayerSettings quant) {
        this.quant = quant;
    }

    @Override
    public QuantDenseLayer withSchedule(QuantSchedule schedule) {
        QuantDenseLayer copy = clone();
        copy.setQuant(quant.withSchedule(schedule));
        return copy;
    }

    /** Exports a requantizing, clamped {@code FULLY_CONNECTED} operator. */
    @Override
    public void exportTo(ExportContext ctx) {
        Int8Value in = ctx.input(0);
        AffineQuantParams out = ctx.outputParams();
        ctx.setOutput(Int8Ops.fullyConnected(ctx, in, exportableWeights(ctx.vertex()).orElseThrow(),
                Int8Ops.clamp(getActivationFn(), out, ctx.name()), out));
    }

    @Override
    public long[] weightShape() {
        return new long[] {nIn, nOut};
    }

    @Override
    public long outputChannels() {
        return nOut;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView,
            boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("QuantDenseLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new QuantDenseLayerImpl(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                initializeParams, initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return QuantLayerParamInitializer.getInstance();
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return QuantParams.isState(paramName) ? new NoOp() : super.getUpdaterByParam(paramName);
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long numParams = initializer().numParams(this);
        long updaterState = getIUpdater() == null ? 0 : getIUpdater().stateSize(numParams);
        return LayerWiring.memoryReport(layerName, QuantDenseLayer.class, inputType, getOutputType(-1, inputType), numParams, updaterState);
    }

    @Override
    public QuantDenseLayer clone() {
        return (QuantDenseLayer) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof QuantDenseLayer other && Objects.equals(quant, other.quant);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Objects.hashCode(quant);
    }

    @Override
    public String toString() {
        return "QuantDenseLayer(nIn=" + nIn + ", nOut=" + nOut + ", quant=" + quant + ")";
    }

    /** Builder; {@link #quant(QuantLayerSettings)} is required. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private QuantLayerSettings quant;

        /**
         * @param quant quantization settings
         * @return this builder
         */
        public Builder quant(QuantLayerSettings quant) {
            this.quant = quant;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public QuantDenseLayer build() {
            if (quant == null) {
                throw new IllegalStateException("QuantDenseLayer needs quantization settings (Builder.quant)");
            }
            return new QuantDenseLayer(this);
        }
    }
}
