package io.qat4j.quant.layers;

import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import java.util.Optional;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;

/**
 * A {@link QuantizedLayer} without weights whose one quantizer fake-quantizes its output, with its
 * observer state in {@link QuantParams#OUTPUT_RANGE}: {@link ActivationQuantizerLayer},
 * {@link QuantAddVertex}, and element-wise quantized layers defined elsewhere. Supplies the parts
 * of the contract that follow from its spec and schedule.
 */
public interface QuantizedActivation extends QuantizedLayer {

    /** @return the output activation spec */
    QuantSpec getSpec();

    /** @return the schedule */
    QuantSchedule getSchedule();

    @Override
    default QuantSchedule schedule() {
        return getSchedule();
    }

    @Override
    default Optional<QuantSpec> weightSpec() {
        return Optional.empty();
    }

    @Override
    default Optional<OutputQuantizer> outputQuantizer() {
        return Optional.of(new OutputQuantizer(getSpec(), QuantParams.OUTPUT_RANGE));
    }

    @Override
    default Optional<FoldedWeights> exportableWeights(GraphVertex vertex) {
        return Optional.empty();
    }
}
