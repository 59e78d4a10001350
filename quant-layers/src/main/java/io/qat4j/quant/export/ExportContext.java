package io.qat4j.quant.export;

import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.layers.impl.FoldedWeights;
import java.util.Optional;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;

/**
 * The int8 export in progress, as one vertex sees it: the values of its inputs, the parameters of
 * its own output quantizer, and the operations that add tensors and operators to the artifact and
 * register the vertex's output. Provided by {@link Int8Exporter} to
 * {@link io.qat4j.quant.layers.QuantizedLayer#exportTo} and {@link Int8ExportHandler#exportTo}.
 * Tensors and operators take the vertex's name unless told otherwise; activations have a
 * per-example shape.
 */
public interface ExportContext {

    /** @return the vertex being exported */
    GraphVertex vertex();

    /** @return its name */
    default String name() {
        return vertex().getVertexName();
    }

    /** @return the number of its inputs */
    int inputCount();

    /**
     * @param i input index
     * @return the int8 value of that input
     * @throws UnsupportedOperationException naming both vertices when the input has no int8 value
     */
    Int8Value input(int i);

    /**
     * @param i input index
     * @return whether that input is the graph's input (float, quantized at the boundary)
     */
    boolean inputIsGraphInput(int i);

    /**
     * @param i input index
     * @return the operator awaiting this vertex's requantization, when that input registered one
     *     (taken: only one quantizer can requantize it)
     */
    Optional<PendingRequantization> pendingInput(int i);

    /**
     * @return the affine parameters of this vertex's output quantizer
     * @throws IllegalStateException naming the vertex when it has none or it never observed data
     */
    AffineQuantParams outputParams();

    /**
     * Defines the graph input, quantized with {@code p}, as this vertex's output.
     *
     * @param p the input quantizer's parameters
     * @return the value
     * @throws UnsupportedOperationException when the graph input is already defined
     */
    default Int8Value defineGraphInput(AffineQuantParams p) {
        return defineGraphInput(0, p);
    }

    /**
     * Defines the network input read as this vertex's input {@code i} as the artifact's quantized
     * input, quantized with {@code p} (the exporter's {@code inputShape} per example).
     *
     * @param i input index of this vertex, a network input
     * @param p the input quantizer's parameters
     * @return the value
     * @throws UnsupportedOperationException when that input is not a network input, or a quantized
     *     input is already defined
     */
    Int8Value defineGraphInput(int i, AffineQuantParams p);

    /**
     * The network input read as this vertex's input {@code i} as an INT32 artifact input (edge
     * indices, graph ids: integers the executor takes as they are), defined on first use under
     * the network input's name.
     *
     * @param i input index of this vertex, a network input
     * @param shape its per-row shape, e.g. {@code [2]} for an edge list, {@code []} for graph ids
     * @return the tensor id
     * @throws UnsupportedOperationException when that input is not a network input, or is already
     *     defined otherwise
     */
    int indexInput(int i, int[] shape);

    /**
     * @param name tensor name
     * @param shape per-example shape
     * @param p its quantization
     * @return the id of a new int8 activation tensor
     */
    int addActivation(String name, int[] shape, AffineQuantParams p);

    /**
     * @param name tensor name
     * @param shape per-example shape
     * @param quant per-channel scales (zero points 0)
     * @return the id of a new int32 activation tensor
     */
    int addInt32Activation(String name, int[] shape, QuantInfo quant);

    /**
     * @param name tensor name
     * @param shape per-example shape
     * @param quant its quantization (e.g. the fixed scale {@code 2^-k} of {@code edge_softmax}'s codes)
     * @return the id of a new 16-bit INT16 activation tensor
     */
    int addInt16Activation(String name, int[] shape, QuantInfo quant);

    /**
     * Adds integer weight codes, packed two per byte at 4 bits or fewer, named {@code <vertex>/weights}.
     *
     * @param weights the folded weights
     * @param shape the tensor shape, output channels first
     * @return the tensor id
     */
    default int addWeights(FoldedWeights weights, int[] shape) {
        return addWeights(name() + "/weights", weights, shape);
    }

    /**
     * Adds integer weight codes, packed two per byte at 4 bits or fewer.
     *
     * @param name tensor name
     * @param weights the folded weights
     * @param shape the tensor shape, output channels first
     * @return the tensor id
     */
    int addWeights(String name, FoldedWeights weights, int[] shape);

    /**
     * Adds the int32 bias with scale {@code S_in * S_w} per output channel, named {@code <vertex>/bias}.
     *
     * @param weights the folded weights (float bias and weight scales)
     * @param inputScale scale of the layer's input
     * @return the tensor id
     */
    default int addBias(FoldedWeights weights, double inputScale) {
        return addBias(name() + "/bias", weights, inputScale);
    }

    /**
     * Adds the int32 bias with scale {@code S_in * S_w} per output channel.
     *
     * @param name tensor name
     * @param weights the folded weights (float bias and weight scales)
     * @param inputScale scale of the layer's input
     * @return the tensor id
     */
    int addBias(String name, FoldedWeights weights, double inputScale);

    /**
     * @param name tensor name
     * @param values the values, one per channel
     * @param quant their quantization
     * @return the id of a new int32 constant {@code [values.length]}
     */
    int addInt32Constant(String name, int[] values, QuantInfo quant);

    /**
     * @param opType operator type, an op definition's {@code NAME}
     * @param opVersion its version, the definition's {@code VERSION}
     * @param opName operator name
     * @param inputs input tensor ids
     * @param outputs output tensor ids
     * @param attributes attributes
     */
    void addOp(String opType, int opVersion, String opName, int[] inputs, int[] outputs, Attributes attributes);

    /**
     * Makes this vertex stand for its input {@code i} (a vertex that is the identity at inference,
     * such as dropout): its int8 value, or, on a network input, that input, so that the vertices
     * reading this one see the network input itself.
     *
     * @param i input index
     */
    void passThrough(int i);

    /** @param value this vertex's int8 output */
    void setOutput(Int8Value value);

    /** @param pending this vertex's output, to be requantized by the activation quantizer that follows */
    void setPendingOutput(PendingRequantization pending);

    /** @param tensorId the int32 tensor that is the graph's output */
    void setGraphOutput(int tensorId);
}
