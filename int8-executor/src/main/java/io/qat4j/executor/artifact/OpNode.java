package io.qat4j.executor.artifact;

import java.util.Arrays;

/**
 * One operation of the graph, TensorFlow Lite's {@code Operator}: a type understood by the
 * executor ({@code "quantize"}, {@code "conv2d"}, {@code "fully_connected"},
 * {@code "max_pool2d"}, {@code "avg_pool2d"}, {@code "global_avg_pool"}, {@code "add"},
 * {@code "relu"}, {@code "flatten"}, {@code "argmax"}, {@code "dequantize"}, ...), the ids of the
 * tensors it reads and writes, and its attributes. The artifact format does not interpret op
 * types; the executor rejects the ones it does not know.
 *
 * <p>Invariants (checked by the constructor): {@code opType} is non-empty; at most
 * {@link ArtifactFormat#MAX_ARRAY_LENGTH} inputs; at least one output. {@link ModelArtifact}
 * checks that the ids exist and respect the graph order.
 *
 * @param opType the operation, e.g. {@code "conv2d"}
 * @param name human-readable name, e.g. {@code "features.0"}
 * @param inputs tensor ids read, in the order the op defines (copied)
 * @param outputs tensor ids written (copied)
 * @param attributes integer and reference-only real attributes
 */
public record OpNode(String opType, String name, int[] inputs, int[] outputs, Attributes attributes) {

    /** Checks the invariants stated in the class documentation and copies the arrays. */
    public OpNode {
        Checks.string(opType, "opType", true);
        Checks.string(name, "name", false);
        Checks.nonNull(inputs, "inputs");
        Checks.nonNull(outputs, "outputs");
        Checks.nonNull(attributes, "attributes");
        Checks.arrayLength(inputs.length, "inputs");
        Checks.arrayLength(outputs.length, "outputs");
        if (outputs.length == 0) {
            throw new InvariantViolation("outputs", "op '" + name + "' (" + opType + ") has no output");
        }
        inputs = inputs.clone();
        outputs = outputs.clone();
    }

    /** @return a copy of the input tensor ids */
    @Override
    public int[] inputs() {
        return inputs.clone();
    }

    /** @return a copy of the output tensor ids */
    @Override
    public int[] outputs() {
        return outputs.clone();
    }

    /**
     * @param i input position
     * @return the tensor id of input {@code i}
     */
    public int input(int i) {
        return inputs[i];
    }

    /**
     * @param i output position
     * @return the tensor id of output {@code i}
     */
    public int output(int i) {
        return outputs[i];
    }

    /** @return the number of inputs */
    public int inputCount() {
        return inputs.length;
    }

    /** @return the number of outputs */
    public int outputCount() {
        return outputs.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpNode n && opType.equals(n.opType) && name.equals(n.name) && Arrays.equals(inputs, n.inputs)
                && Arrays.equals(outputs, n.outputs) && attributes.equals(n.attributes);
    }

    @Override
    public int hashCode() {
        int h = opType.hashCode();
        h = 31 * h + name.hashCode();
        h = 31 * h + Arrays.hashCode(inputs);
        h = 31 * h + Arrays.hashCode(outputs);
        return 31 * h + attributes.hashCode();
    }

    @Override
    public String toString() {
        return "OpNode[opType=" + opType + ", name=" + name + ", inputs=" + Arrays.toString(inputs) + ", outputs="
                + Arrays.toString(outputs) + ", attributes=" + attributes + "]";
    }
}
