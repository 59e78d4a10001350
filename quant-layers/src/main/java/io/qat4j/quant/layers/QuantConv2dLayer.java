package io.qat4j.quant.layers;

import io.qat4j.executor.kernel.Window2d;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.export.ExportContext;
import io.qat4j.quant.export.Int8Ops;
import io.qat4j.quant.export.Int8Value;
import io.qat4j.quant.layers.impl.QuantConv2dLayerImpl;
import io.qat4j.quant.spec.QuantSchedule;
import java.util.Collection;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * Configuration of a 2-D convolution (NCHW) with fake-quantized per-channel weights, an optional
 * folded batch normalization (PyTorch {@code ConvBn2d}; Krishnamoorthi, arXiv:1806.08342,
 * section 3.2) and an optional fake-quantized output.
 *
 * <p>Kernel size, stride, padding, dilation and {@code ConvolutionMode} (Truncate/Strict with
 * explicit padding, or Same) behave as in DL4J's {@code ConvolutionLayer}, whose output-shape
 * logic this class reuses. Weights are {@code [nOut, nIn, kH, kW]}.
 */
public class QuantConv2dLayer extends ConvolutionLayer implements QuantComputeLayer {

    private QuantLayerSettings quant;

    /** For JSON deserialization. */
    public QuantConv2dLayer() {
    }

    private QuantConv2dLayer(Builder builder) {
        super(builder);
        this.quant = builder.quant;
        if (getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("QuantConv2dLayer supports NCHW only");
        }
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
    public QuantConv2dLayer withSchedule(QuantSchedule schedule) {
        QuantConv2dLayer copy = clone();
        copy.setQuant(quant.withSchedule(schedule));
        return copy;
    }

    /** Exports a requantizing, clamped {@code CONV_2D} operator. */
    @Override
    public void exportTo(ExportContext ctx) {
        Int8Value in = ctx.input(0);
        int[] s = in.shape();
        Window2d w = Int8Ops.window(getConvolutionMode(), s[1], s[2], getKernelSize(), getStride(), getDilation(), getPadding());
        AffineQuantParams out = ctx.outputParams();
        ctx.setOutput(Int8Ops.conv2d(ctx, in, exportableWeights(ctx.vertex()).orElseThrow(), w,
                Int8Ops.clamp(getActivationFn(), out, ctx.name()), out));
    }

    @Override
    public long[] weightShape() {
        return new long[] {nOut, nIn, kernelSize[0], kernelSize[1]};
    }

    @Override
    public long outputChannels() {
        return nOut;
    }

    @Override
    public boolean hasBias() {
        return quant == null || !quant.batchNorm();
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView,
            boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("QuantConv2dLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new QuantConv2dLayerImpl(conf, networkDataType), conf, listeners, layerIndex, paramsView,
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
        return LayerWiring.memoryReport(layerName, QuantConv2dLayer.class, inputType, getOutputType(-1, inputType), numParams, updaterState);
    }

    @Override
    public QuantConv2dLayer clone() {
        return (QuantConv2dLayer) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof QuantConv2dLayer other && Objects.equals(quant, other.quant);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Objects.hashCode(quant);
    }

    /** Builder; {@link #quant(QuantLayerSettings)} is required. */
    public static class Builder extends ConvolutionLayer.BaseConvBuilder<Builder> {
        private QuantLayerSettings quant;

        /**
         * @param kernelSize kernel height and width
         */
        public Builder(int... kernelSize) {
            super(kernelSize);
        }

        /**
         * @param quant quantization settings
         * @return this builder
         */
        public Builder quant(QuantLayerSettings quant) {
            this.quant = quant;
            return this;
        }

        /**
         * @param kernel kernel height and width
         * @return this builder
         */
        public Builder kernelSize(int... kernel) {
            setKernelSize(kernel);
            return this;
        }

        /**
         * @param s stride height and width
         * @return this builder
         */
        public Builder stride(int... s) {
            setStride(s);
            return this;
        }

        /**
         * @param p padding height and width (ConvolutionMode Truncate/Strict)
         * @return this builder
         */
        public Builder padding(int... p) {
            setPadding(p);
            return this;
        }

        @Override
        protected boolean allowCausal() {
            return false;
        }

        @Override
        @SuppressWarnings("unchecked")
        public QuantConv2dLayer build() {
            if (quant == null) {
                throw new IllegalStateException("QuantConv2dLayer needs quantization settings (Builder.quant)");
            }
            hasBias(!quant.batchNorm());
            return new QuantConv2dLayer(this);
        }
    }
}
