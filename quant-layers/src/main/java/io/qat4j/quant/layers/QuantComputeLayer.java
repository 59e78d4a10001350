package io.qat4j.quant.layers;

import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.layers.impl.QuantComputeLayerImpl;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import java.util.Optional;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;

/**
 * A layer configuration whose layer multiplies by a quantized weight tensor and may fold a batch
 * normalization and quantize its output: {@link QuantDenseLayer} and {@link QuantConv2dLayer},
 * both implemented by a {@link QuantComputeLayerImpl}. Supplies the parts of the
 * {@link QuantizedLayer} contract that follow from its {@link QuantLayerSettings}.
 */
public interface QuantComputeLayer extends QuantizedLayer {

    /** @return the quantization settings */
    QuantLayerSettings getQuant();

    /** @return the shape of the weight parameter: dense {@code [nIn, nOut]}, conv {@code [nOut, nIn, kH, kW]} */
    long[] weightShape();

    /** @return the number of output channels (the length of bias and batch-norm vectors) */
    long outputChannels();

    @Override
    default QuantSchedule schedule() {
        return getQuant().schedule();
    }

    @Override
    default Optional<QuantSpec> weightSpec() {
        return Optional.of(getQuant().weights());
    }

    @Override
    default Optional<OutputQuantizer> outputQuantizer() {
        return Optional.ofNullable(getQuant().output()).map(s -> new OutputQuantizer(s, QuantParams.OUTPUT_RANGE));
    }

    @Override
    default Optional<FoldedWeights> exportableWeights(GraphVertex vertex) {
        return Optional.of(((QuantComputeLayerImpl<?>) vertex.getLayer()).foldedWeights());
    }
}
