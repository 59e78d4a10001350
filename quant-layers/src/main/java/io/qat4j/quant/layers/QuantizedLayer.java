package io.qat4j.quant.layers;

import io.qat4j.quant.export.ExportContext;
import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;

/**
 * The contract of a quantized layer or graph vertex, implemented by its configuration class (a
 * DL4J {@code Layer} or {@code GraphVertex} configuration): what monitoring, schedule swapping
 * ({@link Schedules}) and the int8 exporter ({@link io.qat4j.quant.export.Int8Exporter}) need to
 * know, so that a layer defined in another module (graph or transformer layers) takes part in all
 * of them without an edit here. The configuration class is found from the network itself (DL4J
 * records it in the configuration JSON), so no registration is needed; plain DL4J layers, whose
 * classes cannot implement it, are exported by an {@link io.qat4j.quant.export.Int8ExportHandler}
 * instead.
 *
 * <p>Quantization follows Jacob et al. (CVPR 2018): symmetric per-channel weights, asymmetric
 * per-tensor activations whose ranges an observer tracks in the vertex's parameters
 * ({@link QuantParams#OUTPUT_RANGE} by default), a {@link QuantSchedule} for warm-up and freezing.
 */
public interface QuantizedLayer {

    /**
     * The output quantizer of a layer: its spec and the parameter holding its observer state.
     *
     * @param spec activation spec (asymmetric, per tensor)
     * @param stateParam key of the observer state {@code [min, max, batchesSeen]} in the vertex's parameter table
     */
    record OutputQuantizer(QuantSpec spec, String stateParam) {
    }

    /** @return the schedule of every quantizer of this layer */
    QuantSchedule schedule();

    /** @return the weight spec, empty when the layer has no quantized weights */
    Optional<QuantSpec> weightSpec();

    /** @return the output quantizer, empty when the output stays float (e.g. logits) */
    Optional<OutputQuantizer> outputQuantizer();

    /**
     * Every activation quantizer of the layer whose observer state lives in its parameters: the
     * output quantizer and any quantizers inside the layer (a graph layer's message, aggregate and
     * normalisation quantizers, Degree-Quant, Tailor et al., ICLR 2021, section 4). Whatever must
     * treat observer state by its spec (merging workers' copies: min/max and percentile observers
     * take the extremes, EMA observers the mean) iterates these.
     *
     * @return the quantizers, the output quantizer first when there is one
     */
    default List<OutputQuantizer> activationQuantizers() {
        return outputQuantizer().map(List::of).orElse(List.of());
    }

    /**
     * @param schedule another schedule
     * @return a copy of this configuration (same class, same settings) with every quantizer on {@code schedule}
     */
    QuantizedLayer withSchedule(QuantSchedule schedule);

    /**
     * @param vertex the instantiated vertex of this configuration in a {@code ComputationGraph}
     * @return its weights as the integer model uses them (batch norm folded, integer codes, row
     *     scales, float bias), empty when the layer has no weights
     */
    Optional<FoldedWeights> exportableWeights(GraphVertex vertex);

    /**
     * Adds this layer to the int8 graph: reads the values of its input vertices from the context,
     * adds its constant tensors, activation tensors and operators, and registers its output value.
     *
     * @param context the export in progress, seen from this layer's vertex
     * @throws UnsupportedOperationException when this configuration has no integer form (naming the vertex)
     */
    void exportTo(ExportContext context);

    /**
     * @param vertex a vertex of a {@code ComputationGraph}
     * @return its configuration, when it is a quantized layer or vertex
     */
    static Optional<QuantizedLayer> of(GraphVertex vertex) {
        Object conf = vertex.hasLayer() ? vertex.getLayer().conf().getLayer() : vertex.getConfig();
        return conf instanceof QuantizedLayer q ? Optional.of(q) : Optional.empty();
    }
}
