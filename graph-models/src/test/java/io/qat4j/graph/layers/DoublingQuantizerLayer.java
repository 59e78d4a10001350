package io.qat4j.graph.layers;

import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.export.ExportContext;
import io.qat4j.quant.export.Int8Ops;
import io.qat4j.quant.export.Int8Value;
import io.qat4j.quant.layers.ElementwiseQuantizerLayer;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A quantized layer defined outside {@code quant-layers}, for the test of the
 * {@link io.qat4j.quant.layers.QuantizedLayer} contract: {@code out = Q_a(2 x)}, "scale by two, then requantize", with
 * its own output observer. It exports as the int8 {@code ADD} of its input with itself, whose two
 * rescales and requantization compute {@code Q_a(x + x)} (TFLite's quantized {@code ADD}).
 */
public class DoublingQuantizerLayer extends ElementwiseQuantizerLayer {

    /** For JSON deserialization. */
    public DoublingQuantizerLayer() {
    }

    /**
     * @param spec output activation spec
     * @param schedule quantization schedule
     */
    public DoublingQuantizerLayer(QuantSpec spec, QuantSchedule schedule) {
        super(spec, schedule);
    }

    @Override
    protected Layer implementation(NeuralNetConfiguration conf, DataType networkDataType) {
        return new DoublingQuantizerLayerImpl(conf, networkDataType);
    }

    @Override
    public void exportTo(ExportContext ctx) {
        Int8Value in = ctx.input(0);
        AffineQuantParams out = ctx.outputParams();
        ctx.setOutput(Int8Ops.add(ctx, in, in, ActivationClamps.none(out), out));
    }

    @Override
    public DoublingQuantizerLayer clone() {
        return (DoublingQuantizerLayer) super.clone();
    }
}
