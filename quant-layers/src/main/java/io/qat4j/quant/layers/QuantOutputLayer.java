package io.qat4j.quant.layers;

import io.qat4j.quant.export.ExportContext;
import io.qat4j.quant.export.Int8Ops;
import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.layers.impl.QuantOutputLayerImpl;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import java.util.Optional;
import java.util.Collection;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Configuration of an output layer (dense + activation + loss) with fake-quantized weights; its
 * input is expected to be quantized by the layer before. Logits stay in float (the executor
 * produces int32 accumulators and dequantizes them per output channel). Weight layout and
 * parameters are DL4J's {@code OutputLayer}'s: {@code W [nIn, nOut]}, {@code b [nOut]}.
 */
public class QuantOutputLayer extends BaseOutputLayer implements QuantizedLayer {

    private QuantLayerSettings quant;

    /** For JSON deserialization. */
    public QuantOutputLayer() {
    }

    private QuantOutputLayer(Builder builder) {
        super(builder);
        this.quant = builder.quant;
        initializeConstraints(builder);
    }

    /** @return the quantization settings (weights and schedule) */
    public QuantLayerSettings getQuant() {
        return quant;
    }

    /** @param quant the settings (for JSON) */
    public void setQuant(QuantLayerSettings quant) {
        this.quant = quant;
    }

    @Override
    public QuantSchedule schedule() {
        return quant.schedule();
    }

    @Override
    public Optional<QuantSpec> weightSpec() {
        return Optional.of(quant.weights());
    }

    /** @return empty: the logits stay int32 accumulators, dequantized per class */
    @Override
    public Optional<OutputQuantizer> outputQuantizer() {
        return Optional.empty();
    }

    @Override
    public QuantOutputLayer withSchedule(QuantSchedule schedule) {
        QuantOutputLayer copy = clone();
        copy.setQuant(quant.withSchedule(schedule));
        return copy;
    }

    @Override
    public Optional<FoldedWeights> exportableWeights(org.deeplearning4j.nn.graph.vertex.GraphVertex vertex) {
        return Optional.of(((QuantOutputLayerImpl) vertex.getLayer()).foldedWeights());
    }

    /** Exports a {@code FULLY_CONNECTED_LOGITS} operator whose int32 output is the graph output. */
    @Override
    public void exportTo(ExportContext ctx) {
        Int8Ops.logits(ctx, ctx.input(0), exportableWeights(ctx.vertex()).orElseThrow());
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView,
            boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("QuantOutputLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new QuantOutputLayerImpl(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                initializeParams, initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return DefaultParamInitializer.getInstance();
    }

    @Override
    public QuantOutputLayer clone() {
        return (QuantOutputLayer) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof QuantOutputLayer other && Objects.equals(quant, other.quant);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Objects.hashCode(quant);
    }

    /** Builder; {@link #quant(QuantLayerSettings)} is required. */
    public static class Builder extends BaseOutputLayer.Builder<Builder> {
        private QuantLayerSettings quant;

        /** Multi-class cross entropy loss by default. */
        public Builder() {
            super(LossFunctions.LossFunction.MCXENT);
        }

        /** @param loss the loss function */
        public Builder(ILossFunction loss) {
            super(loss);
        }

        /**
         * @param quant quantization settings; the output spec and batch norm must be absent
         * @return this builder
         */
        public Builder quant(QuantLayerSettings quant) {
            this.quant = quant;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public QuantOutputLayer build() {
            if (quant == null) {
                throw new IllegalStateException("QuantOutputLayer needs quantization settings (Builder.quant)");
            }
            if (quant.batchNorm() || quant.output() != null) {
                throw new IllegalArgumentException("QuantOutputLayer quantizes weights only: no batch norm, no output spec");
            }
            return new QuantOutputLayer(this);
        }
    }
}
