package io.qat4j.quant.layers;

import io.qat4j.executor.quant.AffineQuantParams;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;

/**
 * Tells each layer whose fake-quantized bias is the integer model's ({@link IntegerBiasLayer}) the
 * scale of its input codes: the output quantizer of the vertex that feeds it, found through the
 * single-input vertices without a quantizer between them (dropout, max pooling), which keep the
 * scale, as the int8 exporter carries it ({@code Int8Value}). A layer whose input scale cannot be
 * found so (no quantizer upstream yet, a multi-input vertex without one) keeps its float bias.
 *
 * <p>The trainers call {@link #bind} before every step and the evaluator before every fake-quant
 * forward pass, so that the scale is the one the observers hold at that moment. In your own DL4J
 * loop, call it the same way; without it the layers add their float biases (PyTorch's fake
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
                layer.useInputScale(inputScale(net, v).map(AffineQuantParams::scale).orElse(Double.NaN));
            }
        }
    }

    /** The quantization parameters of the codes that enter {@code v}, when a quantizer upstream has observed data. */
    private static Optional<AffineQuantParams> inputScale(ComputationGraph net, GraphVertex v) {
        GraphVertex at = v;
        for (int hops = 0; hops <= net.getVertices().length; hops++) {
            VertexIndices[] in = at.getInputVertices();
            if (in == null || in.length != 1) {
                return Optional.empty();
            }
            at = net.getVertices()[in[0].getVertexIndex()];
            if (QuantizedLayer.of(at).flatMap(QuantizedLayer::outputQuantizer).isPresent()) {
                return OutputQuantizers.params(at);
            }
            if (at.isInputVertex() || QuantizedLayer.of(at).isPresent()) {
                return Optional.empty(); // a graph input, or a quantized layer whose output stays float
            }
        }
        return Optional.empty();
    }
}
