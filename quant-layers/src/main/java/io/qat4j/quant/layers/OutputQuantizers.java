package io.qat4j.quant.layers;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.layers.impl.ActivationQuantization;
import io.qat4j.quant.layers.impl.QuantizerStats;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSpec;
import java.util.Optional;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Finds the output quantizer of a graph vertex (through its {@link QuantizedLayer} contract) and
 * the affine parameters its observer state implies. Used by monitoring and by the exporters, so
 * that both read the scales the same way the layers compute them.
 */
public final class OutputQuantizers {

    private OutputQuantizers() {
    }

    private static Optional<QuantizedLayer.OutputQuantizer> quantizer(GraphVertex vertex) {
        return QuantizedLayer.of(vertex).flatMap(QuantizedLayer::outputQuantizer);
    }

    /**
     * @param vertex a vertex of a ComputationGraph
     * @return the spec of its output quantizer, if it has one
     */
    public static Optional<QuantSpec> spec(GraphVertex vertex) {
        return quantizer(vertex).map(QuantizedLayer.OutputQuantizer::spec);
    }

    /**
     * @param vertex a vertex of a ComputationGraph
     * @return the observer state {@code [min, max, batchesSeen]} of its output quantizer, if any
     */
    public static Optional<INDArray> state(GraphVertex vertex) {
        return quantizer(vertex).map(q -> vertex.paramTable(false).get(q.stateParam()));
    }

    /**
     * @param vertex a vertex of a ComputationGraph
     * @return the affine parameters of its output quantizer, once its observer has seen data
     */
    public static Optional<AffineQuantParams> params(GraphVertex vertex) {
        Optional<QuantSpec> spec = spec(vertex);
        Optional<INDArray> state = state(vertex);
        if (spec.isEmpty() || state.isEmpty() || !RangeObserver.initialized(state.get())) {
            return Optional.empty();
        }
        // the same computation the layers' forward pass uses, so export reads the scales training used
        return Optional.of(ActivationQuantization.params(spec.get(), state.get()));
    }

    /**
     * @param vertex a vertex of a ComputationGraph
     * @return the fraction of clamped values in its last quantized training forward pass, NaN if unknown
     */
    public static double clippedFraction(GraphVertex vertex) {
        Object impl = vertex.hasLayer() ? vertex.getLayer() : vertex;
        return impl instanceof QuantizerStats s ? s.clippedFraction() : Double.NaN;
    }
}
