package io.qat4j.quant.layers;

import io.qat4j.executor.quant.AffineQuantParams;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;

/**
 * Connects each layer whose fake-quantized bias is the integer model's ({@link IntegerBiasLayer})
 * to the scale of its input codes: the output quantizer of the vertex that feeds it, found through
 * the single-input vertices without a quantizer between them (dropout, max pooling), which keep the
 * scale, as the int8 exporter carries it ({@code Int8Value}). A layer without such a quantizer (a
 * graph input, a multi-input vertex without one) keeps its float bias, and so does a layer whose
 * upstream observer has not seen data yet.
 *
 * <p>The layer reads the upstream observer state at each forward pass, so one {@link #bind} per
 * network instance suffices: the scale is then the one that quantized the layer's input in the
 * same pass (the upstream observer updates before it quantizes). The trainers and the evaluator
 * bind every network they are given (binding again is harmless). In your own DL4J code, bind once
 * after {@code init()} or a restore; without it the layers add their float biases (PyTorch's fake
 * quantization does the same), and the integer model differs by up to half a unit of
 * {@code S_in * S_w} per output.
 */
public final class InputScales {

    private InputScales() {
    }

    /**
     * @param net a network with quantized layers
     */
    public static void bind(ComputationGraph net) {
        for (GraphVertex v : net.getVertices()) {
            if (v.hasLayer() && v.getLayer() instanceof IntegerBiasLayer layer) {
                layer.readInputScaleFrom(inputQuantizer(net, v)
                        .<DoubleSupplier>map(q -> () -> OutputQuantizers.params(q).map(AffineQuantParams::scale)
                                .orElse(Double.NaN))
                        .orElse(() -> Double.NaN));
            }
        }
    }

    /** The vertex whose output quantizer makes the codes that enter {@code v}, if there is one. */
    private static Optional<GraphVertex> inputQuantizer(ComputationGraph net, GraphVertex v) {
        GraphVertex at = v;
        for (int hops = 0; hops <= net.getVertices().length; hops++) {
            VertexIndices[] in = at.getInputVertices();
            if (in == null || in.length != 1) {
                return Optional.empty();
            }
            at = net.getVertices()[in[0].getVertexIndex()];
            if (QuantizedLayer.of(at).flatMap(QuantizedLayer::outputQuantizer).isPresent()) {
                return Optional.of(at);
            }
            if (at.isInputVertex() || QuantizedLayer.of(at).isPresent()) {
                return Optional.empty(); // a graph input, or a quantized layer whose output stays float
            }
        }
        return Optional.empty();
    }
}
