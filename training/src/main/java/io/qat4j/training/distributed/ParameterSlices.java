package io.qat4j.training.distributed;

import io.qat4j.quant.layers.QuantParams;
import io.qat4j.quant.layers.QuantizedLayer;
import io.qat4j.quant.spec.ObserverSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where each parameter of a {@link ComputationGraph} lies in its flat parameter vector
 * ({@code net.params()}), found by parameter key from the vertices' parameter tables (each table
 * entry is a view of the flat vector), and which of them hold observer state: the parameters a
 * vertex's {@link QuantizedLayer#activationQuantizers()} name (its output quantizer and, in graph
 * layers, those of messages, aggregates and coefficients), each with its quantizer's observer spec.
 * Nothing here knows a layer class, so any network whose quantized layers implement the contract
 * is covered.
 */
public final class ParameterSlices {

    /**
     * One parameter of one vertex in the flat vector.
     *
     * @param vertex the vertex name
     * @param key the parameter key in the vertex's table
     * @param offset first index in the flat vector
     * @param length number of values
     * @param observer the observer spec when the parameter is an activation quantizer's observer state
     */
    public record Slice(String vertex, String key, int offset, int length, Optional<ObserverSpec> observer) {

        /** @return {@code vertex/key}, for messages */
        public String name() {
            return vertex + "/" + key;
        }
    }

    private ParameterSlices() {
    }

    /**
     * @param net an initialized network
     * @return its parameters in flat-vector order, covering the vector without gap or overlap
     * @throws IllegalStateException when a parameter is not a contiguous view of the flat vector, the
     *     parameters do not tile it, or a vertex holds an {@value QuantParams#OUTPUT_RANGE} parameter
     *     that no activation quantizer of its contract names (its merge rule would be unknown)
     */
    public static List<Slice> of(ComputationGraph net) {
        INDArray flat = net.params();
        long total = flat == null ? 0 : flat.length();
        List<Slice> slices = new ArrayList<>();
        for (GraphVertex v : net.getVertices()) {
            Map<String, INDArray> table = v.paramTable(false);
            if (table == null) {
                continue;
            }
            List<QuantizedLayer.OutputQuantizer> quantizers = QuantizedLayer.of(v)
                    .map(QuantizedLayer::activationQuantizers).orElse(List.of());
            for (Map.Entry<String, INDArray> e : table.entrySet()) {
                String key = e.getKey();
                INDArray view = e.getValue();
                String name = v.getVertexName() + "/" + key;
                long offset = view.offset() - flat.offset();
                if (!contiguous(view)) {
                    throw new IllegalStateException("parameter " + name + " is not a contiguous view of the network's"
                            + " flat parameter vector; its merge needs one");
                }
                Optional<ObserverSpec> observer = quantizers.stream().filter(q -> q.stateParam().equals(key))
                        .findFirst().map(q -> q.spec().observer());
                if (observer.isEmpty() && QuantParams.OUTPUT_RANGE.equals(key)) {
                    throw new IllegalStateException("parameter " + name + " is observer state, but the vertex's"
                            + " QuantizedLayer contract names no activation quantizer holding it");
                }
                slices.add(new Slice(v.getVertexName(), key, Math.toIntExact(offset), Math.toIntExact(view.length()),
                        observer));
            }
        }
        slices.sort(Comparator.comparingInt(Slice::offset));
        long next = 0;
        for (Slice s : slices) {
            if (s.offset() != next) {
                throw new IllegalStateException("parameter " + s.name() + " starts at flat index " + s.offset()
                        + ", expected " + next + ": the parameter tables do not tile the flat vector");
            }
            next += s.length();
        }
        if (next != total) {
            throw new IllegalStateException("the parameter tables cover " + next + " of the flat vector's " + total
                    + " values");
        }
        return List.copyOf(slices);
    }

    /** @return whether the view's elements are consecutive in its buffer, in 'c' or in 'f' order */
    private static boolean contiguous(INDArray view) {
        long[] shape = view.shape();
        long[] stride = view.stride();
        boolean c = true;
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            c &= shape[i] == 1 || stride[i] == expected;
            expected *= shape[i];
        }
        boolean f = true;
        expected = 1;
        for (int i = 0; i < shape.length; i++) {
            f &= shape[i] == 1 || stride[i] == expected;
            expected *= shape[i];
        }
        return c || f;
    }
}
