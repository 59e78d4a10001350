package io.qat4j.quant.layers;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.export.ExportContext;
import io.qat4j.quant.export.PendingRequantization;
import io.qat4j.quant.layers.impl.ElementwiseQuantizerLayerImpl;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Configuration of a stand-alone activation quantizer: observes its input's range and
 * fake-quantizes it per tensor, asymmetrically (PyTorch {@code QuantStub}/{@code FakeQuantize},
 * Brevitas {@code QuantIdentity}). Placed at the network input it defines the input's scale and
 * zero point, which the executor uses to quantize float inputs at the boundary. Shape-preserving
 * for any input type. Its only parameter is the observer state {@code outRange}, with a no-op
 * updater ({@link ElementwiseQuantizerLayer}).
 */
public class ActivationQuantizerLayer extends ElementwiseQuantizerLayer {

    /** For JSON deserialization. */
    public ActivationQuantizerLayer() {
    }

    /**
     * @param spec activation spec (asymmetric, per tensor)
     * @param schedule quantization schedule
     */
    public ActivationQuantizerLayer(QuantSpec spec, QuantSchedule schedule) {
        super(spec, schedule);
    }

    @Override
    protected Layer implementation(NeuralNetConfiguration conf, DataType networkDataType) {
        return new ElementwiseQuantizerLayerImpl<ActivationQuantizerLayer>(conf, networkDataType);
    }

    @Override
    public ActivationQuantizerLayer withSchedule(QuantSchedule newSchedule) {
        return (ActivationQuantizerLayer) super.withSchedule(newSchedule);
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
    public ActivationQuantizerLayer clone() {
        return (ActivationQuantizerLayer) super.clone();
    }
}
