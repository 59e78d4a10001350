package io.qat4j.training.train;

import io.qat4j.quant.layers.QuantizedLayer;
import io.qat4j.quant.spec.QuantSchedule;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;

/**
 * The phase of the quantization schedule at an iteration ({@link QuantSchedule#phase}, with the
 * batch-norm freeze added), in the words the progress bar and the run summary use: float warm-up, quantizing, then observers and batch norm frozen (Jacob et al.,
 * CVPR 2018, section 3; Krishnamoorthi, arXiv:1806.08342, section 3.3).
 */
public final class QuantPhase {

    private QuantPhase() {
    }

    /**
     * @param s a schedule
     * @param iteration the network's iteration count when a step runs (0 for the first step)
     * @return e.g. {@code "float warm-up"}, {@code "quantizing"}, {@code "quantizing, observers + BN frozen"}
     */
    public static String at(QuantSchedule s, long iteration) {
        if (s.fp32WarmupSteps() == QuantSchedule.NEVER.fp32WarmupSteps()) {
            return "FP32 (quantization off)";
        }
        boolean bn = s.batchNormFrozen(iteration);
        return switch (s.phase(iteration)) {
            case FLOAT_WARMUP -> "float warm-up";
            case QUANTIZING -> bn ? "quantizing, BN frozen" : "quantizing";
            case FROZEN -> bn ? "quantizing, observers + BN frozen" : "quantizing, observers frozen";
        };
    }

    /**
     * @param net a network
     * @return the schedule of its quantized layers (every layer of a qat4j network shares one), empty
     *     for a network without quantized layers
     */
    public static Optional<QuantSchedule> of(ComputationGraph net) {
        for (GraphVertex v : net.getVertices()) {
            Optional<QuantizedLayer> q = QuantizedLayer.of(v);
            if (q.isPresent()) {
                return Optional.of(q.get().schedule());
            }
        }
        return Optional.empty();
    }
}
