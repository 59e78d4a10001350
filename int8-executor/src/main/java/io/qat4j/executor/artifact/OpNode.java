package io.qat4j.executor.artifact;

import java.util.Arrays;

/**
 * One operation of the graph, TensorFlow Lite's {@code Operator} (whose {@code OperatorCode}
 * also carries a version): an op type and version, the ids of the tensors it reads and writes,
 * and its attributes. The artifact format does not interpret op types; the op definitions of
 * {@code io.qat4j.executor.op} do, and the executor rejects an op type or version that no
 * registered definition knows.
 *
 * <p>Invariants (checked by the constructor): {@code opType} is non-empty; {@code opVersion >= 1};
 * at most {@link ArtifactFormat#MAX_ARRAY_LENGTH} inputs; at least one output.
 * {@link ModelArtifact} checks that the ids exist and respect the graph order.
 *
 * @param opType the operation, e.g. {@code "conv2d"}
 * @param opVersion the version of the operation's definition, {@code >= 1} (format version 1
 *     stores none: its ops are version 1)
 * @param name human-readable name, e.g. {@code "features.0"}
 * @param inputs tensor ids read, in the order the op defines (copied)
 * @param outputs tensor ids written (copied)
 * @param attributes integer and reference-only real attributes
 */
public record OpNode(String opType, int opVersion, String name, int[] inputs, int[] outputs, Attributes attributes) {

    /** Checks the invariants stated in the class documentation and copies the arrays. */
    public OpNode {
        Checks.string(opType, "opType", true);
        if (opVersion < 1) {
            throw new InvariantViolation("opVersion", "op '" + name + "' (" + opType + ") has version " + opVersion + ", not >= 1");
        }
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

    /**
     * An op of version 1.
     *
     * @param opType the operation
     * @param name human-readable name
     * @param inputs tensor ids read
     * @param outputs tensor ids written
     * @param attributes attributes
     */
    public OpNode(String opType, String name, int[] inputs, int[] outputs, Attributes attributes) {
        this(opType, 1, name, inputs, outputs, attributes);
    }

    /**
     * @param newAttributes replacement attributes
     * @return this op with other attributes
     */
    public OpNode withAttributes(Attributes newAttributes) {
        return new OpNode(opType, opVersion, name, inputs, outputs, newAttributes);
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
        return o instanceof OpNode n && opType.equals(n.opType) && opVersion == n.opVersion && name.equals(n.name) && Arrays.equals(inputs, n.inputs)
                && Arrays.equals(outputs, n.outputs) && attributes.equals(n.attributes);
    }

    @Override
    public int hashCode() {
        int h = opType.hashCode();
        h = 31 * h + opVersion;
        h = 31 * h + name.hashCode();
        h = 31 * h + Arrays.hashCode(inputs);
        h = 31 * h + Arrays.hashCode(outputs);
        return 31 * h + attributes.hashCode();
    }

    @Override
    public String toString() {
        return "OpNode[opType=" + opType + ", opVersion=" + opVersion + ", name=" + name + ", inputs=" + Arrays.toString(inputs) + ", outputs="
                + Arrays.toString(outputs) + ", attributes=" + attributes + "]";
    }
}
