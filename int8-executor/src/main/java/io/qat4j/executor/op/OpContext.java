package io.qat4j.executor.op;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One op of an artifact while it is loaded: its node, the tensors it reads and writes, the
 * constant data, and the checks an {@link OpDefinition} makes before it prepares a kernel. Every
 * check fails with an {@link ArtifactFormatException} whose field is {@code ops[i].attributes.NAME},
 * {@code ops[i].inputs[k]} or {@code ops[i].outputs[k]} and whose message names the op index, type,
 * version and name and the attribute or tensor, so that nothing malformed reaches a kernel at run
 * time.
 */
public final class OpContext {

    private final String source;
    private final int index;
    private final OpNode node;
    private final Map<Integer, TensorInfo> tensors;
    private final LoadedArtifact artifact;
    private final ScratchBudget budget;

    /**
     * @param source file name for messages, or {@code null}
     * @param index the op's position in the graph
     * @param node the op
     * @param tensors every tensor of the model by id
     * @param artifact the artifact (constant data)
     * @param budget the scratch budget shared by the ops of one load
     */
    OpContext(String source, int index, OpNode node, Map<Integer, TensorInfo> tensors, LoadedArtifact artifact, ScratchBudget budget) {
        this.source = source;
        this.index = index;
        this.node = node;
        this.tensors = tensors;
        this.artifact = artifact;
        this.budget = budget;
    }

    /** @return the op */
    public OpNode node() {
        return node;
    }

    /** @return the op's position in the graph */
    public int index() {
        return index;
    }

    /** @return the op for messages: {@code op 3 (conv2d v1 'L2_conv')} */
    public String describe() {
        return "op " + index + " (" + node.opType() + " v" + node.opVersion() + " '" + node.name() + "')";
    }

    /**
     * @param field a field of the op, e.g. {@code "attributes.kernel"}
     * @param problem what is wrong
     * @return the exception to throw
     */
    public ArtifactFormatException error(String field, String problem) {
        String path = "ops[" + index + "]" + (field.isEmpty() ? "" : "." + field);
        return new ArtifactFormatException(source, path, artifact.locations().of(path), describe() + ": " + problem);
    }

    /**
     * @param attribute an attribute of this op
     * @param problem what is wrong with it
     * @return the exception to throw
     */
    public ArtifactFormatException attributeError(AttributeSpec attribute, String problem) {
        return error("attributes." + attribute.name(), "attribute '" + attribute.name() + "': " + problem);
    }

    int[] readInts(AttributeSpec attribute, int minCount, int maxCount) throws ArtifactFormatException {
        String key = attribute.name();
        Map<String, long[]> ints = node.attributes().ints();
        long[] v = ints.get(key);
        if (v == null) {
            throw attributeError(attribute, node.attributes().reals().containsKey(key)
                    ? "is a real attribute; it must hold integers (" + attribute.kind() + ")"
                    : "is missing (" + attribute.kind() + ", " + values(attribute) + ")");
        }
        if (v.length < minCount || v.length > maxCount) {
            throw attributeError(attribute, "takes " + values(attribute) + ", got " + v.length);
        }
        int[] out = new int[v.length];
        for (int k = 0; k < v.length; k++) {
            if (!attribute.rule().admits(v[k]) || v[k] != (int) v[k]) {
                throw attributeError(attribute, "value " + v[k] + (v.length == 1 ? "" : " at [" + k + "]") + " is not "
                        + attribute.rule().describe());
            }
            out[k] = (int) v[k];
        }
        return out;
    }

    /**
     * Rejects integer attributes the definition does not declare (a misspelt or foreign
     * attribute would otherwise be ignored silently). Real attributes are reference-only and free.
     *
     * @param declared the definition's attributes
     * @throws ArtifactFormatException naming the first unknown attribute
     */
    public void rejectUndeclaredAttributes(Collection<AttributeSpec> declared) throws ArtifactFormatException {
        Set<String> names = new HashSet<>();
        declared.forEach(a -> names.add(a.name()));
        for (String key : node.attributes().ints().keySet()) {
            if (!names.contains(key)) {
                throw error("attributes." + key, "unknown attribute '" + key + "' (" + node.opType() + " v" + node.opVersion()
                        + " takes " + (names.isEmpty() ? "none" : String.join(", ", declared.stream().map(AttributeSpec::name).toList()))
                        + ")");
            }
        }
    }

    /**
     * @param attribute an attribute whose count the op derives from its tensors
     * @param values its values
     * @param expected the count
     * @param why where the count comes from, e.g. {@code "one per output channel"}
     * @throws ArtifactFormatException if the count differs
     */
    public void expectCount(AttributeSpec attribute, int[] values, int expected, String why) throws ArtifactFormatException {
        if (values.length != expected) {
            throw attributeError(attribute, "has " + values.length + " values, expected " + expected + " (" + why + ")");
        }
    }

    /**
     * @param attribute an attribute holding a zero point or codes of {@code tensor}
     * @param value its value
     * @param tensor the tensor whose codes it holds
     * @param role the tensor's role, e.g. {@code "input"}
     * @throws ArtifactFormatException if the value is not a {@code bits}-wide integer of the tensor's type
     */
    public void expectCode(AttributeSpec attribute, int value, TensorInfo tensor, String role) throws ArtifactFormatException {
        long lo = tensor.type().minValue(tensor.bits());
        long hi = tensor.type().maxValue(tensor.bits());
        if (value < lo || value > hi) {
            throw attributeError(attribute, "value " + value + " is outside the " + tensor.bits() + "-bit " + tensor.type()
                    + " range [" + lo + ", " + hi + "] of the " + role + " tensor " + name(tensor));
        }
    }

    /**
     * @param attribute a zero-point attribute
     * @param value its value
     * @param tensor the per-tensor quantized tensor it belongs to
     * @param role the tensor's role
     * @throws ArtifactFormatException if it is not a code of the tensor or differs from the tensor's zero point
     */
    public void expectZeroPoint(AttributeSpec attribute, int value, TensorInfo tensor, String role) throws ArtifactFormatException {
        expectCode(attribute, value, tensor, role);
        if (!tensor.quant().isPerTensor() || tensor.quant().zeroPoint(0) != value) {
            throw attributeError(attribute, "value " + value + " differs from the zero point of the " + role + " tensor "
                    + name(tensor) + " (" + (tensor.quant().isPerTensor() ? Integer.toString(tensor.quant().zeroPoint(0))
                    : "per-axis") + ")");
        }
    }

    // ---- tensors

    /**
     * @param inputs the number of inputs the op takes
     * @param outputs the number of outputs it writes
     * @throws ArtifactFormatException on other counts
     */
    public void expectArity(int inputs, int outputs) throws ArtifactFormatException {
        if (node.inputCount() != inputs) {
            throw error("inputs", node.opType() + " takes " + inputs + " input" + (inputs == 1 ? "" : "s") + ", got " + node.inputCount());
        }
        if (node.outputCount() != outputs) {
            throw error("outputs", node.opType() + " writes " + outputs + " output" + (outputs == 1 ? "" : "s") + ", got "
                    + node.outputCount());
        }
    }

    /**
     * @param k input position
     * @return its tensor
     */
    public TensorInfo input(int k) {
        return tensors.get(node.input(k));
    }

    /**
     * @param k output position
     * @return its tensor
     */
    public TensorInfo output(int k) {
        return tensors.get(node.output(k));
    }

    /**
     * @param k input position
     * @param role what the input is, e.g. {@code "input"}
     * @param types the admitted element types
     * @return the tensor, an activation of one of the types
     * @throws ArtifactFormatException if it is a constant or of another type
     */
    public TensorInfo activationInput(int k, String role, ElementType... types) throws ArtifactFormatException {
        TensorInfo t = input(k);
        if (t.isConstant()) {
            throw error("inputs[" + k + "]", role + " tensor " + name(t) + " is a constant; it must be an activation");
        }
        expectType("inputs[" + k + "]", role, t, types);
        return t;
    }

    /**
     * @param k input position
     * @param role what the input is, e.g. {@code "weights"}
     * @param types the admitted element types
     * @return the tensor, a constant of one of the types
     * @throws ArtifactFormatException if it is an activation or of another type
     */
    public TensorInfo constantInput(int k, String role, ElementType... types) throws ArtifactFormatException {
        TensorInfo t = input(k);
        if (!t.isConstant()) {
            throw error("inputs[" + k + "]", role + " tensor " + name(t) + " is an activation; it must be a constant");
        }
        expectType("inputs[" + k + "]", role, t, types);
        return t;
    }

    private void expectType(String field, String role, TensorInfo t, ElementType... types) throws ArtifactFormatException {
        if (!Arrays.asList(types).contains(t.type())) {
            throw error(field, role + " tensor " + name(t) + " is " + t.type() + ", expected " + oneOf(types));
        }
    }

    /**
     * @param k input position
     * @param role what the input is
     * @param expected the shape the op requires (per example for activations)
     * @throws ArtifactFormatException if the tensor's shape differs
     */
    public void expectInputShape(int k, String role, int[] expected) throws ArtifactFormatException {
        TensorInfo t = input(k);
        if (!Arrays.equals(t.shape(), expected)) {
            throw error("inputs[" + k + "]", role + " tensor " + name(t) + " has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(expected));
        }
    }

    /**
     * @param k input position
     * @param role what the input is
     * @param rank the rank the op requires
     * @throws ArtifactFormatException if the tensor has another rank
     */
    public void expectInputRank(int k, String role, int rank) throws ArtifactFormatException {
        TensorInfo t = input(k);
        if (t.rank() != rank) {
            throw error("inputs[" + k + "]", role + " tensor " + name(t) + " has rank " + t.rank() + " (shape "
                    + Arrays.toString(t.shape()) + "), expected " + rank);
        }
    }

    /**
     * Checks an output tensor against what the op infers from its inputs and attributes.
     *
     * @param k output position
     * @param type the inferred element type
     * @param shape the inferred shape (per example for activations)
     * @return the output tensor
     * @throws ArtifactFormatException if the declared tensor differs
     */
    public TensorInfo expectOutput(int k, ElementType type, int[] shape) throws ArtifactFormatException {
        TensorInfo t = output(k);
        if (t.type() != type) {
            throw error("outputs[" + k + "]", "output tensor " + name(t) + " is " + t.type() + ", but the op produces " + type);
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw error("outputs[" + k + "]", "output tensor " + name(t) + " has shape " + Arrays.toString(t.shape())
                    + ", but the op produces " + Arrays.toString(shape) + " per example");
        }
        return t;
    }

    /**
     * Checks that an op which copies codes writes them with its input's bit width and quantization.
     *
     * @param k output position
     * @param input the tensor whose codes it copies
     * @param role that tensor's role, e.g. {@code "input"}
     * @param why why the op does not requantize, e.g. {@code "max pooling does not requantize"}
     * @throws ArtifactFormatException if the output's bits or quantization differ
     */
    public void expectOutputQuantizedAs(int k, TensorInfo input, String role, String why) throws ArtifactFormatException {
        TensorInfo out = output(k);
        if (!out.quant().equals(input.quant()) || out.bits() != input.bits()) {
            throw error("outputs[" + k + "]", "output tensor " + name(out) + " must have the " + role + "'s bits and quantization ("
                    + why + "): " + out.bits() + " bits " + out.quant() + " vs " + input.bits() + " bits " + input.quant());
        }
    }

    // ---- data, budget, kernels

    /**
     * @param constant a constant input
     * @return its stored bytes (shared, do not modify)
     */
    public byte[] data(TensorInfo constant) {
        return artifact.data(constant);
    }

    /**
     * @param constant an INT32 constant
     * @return its values
     */
    public int[] int32Data(TensorInfo constant) {
        byte[] blob = data(constant);
        int[] out = new int[blob.length / 4];
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    /**
     * Reserves scratch memory before the op allocates it, against the budget of the load.
     *
     * @param bytes the bytes the op will allocate (per thread for thread-local scratch)
     * @param what what they are for
     * @throws ArtifactFormatException if the budget would be exceeded
     */
    public void reserve(long bytes, String what) throws ArtifactFormatException {
        String problem = budget.reserve(bytes);
        if (problem != null) {
            throw error("", what + " needs " + bytes + " bytes; " + problem);
        }
    }

    /**
     * Builds kernel parameters or a prepared kernel; the kernels check their own invariants
     * (accumulator bounds, bias range) and throw {@link IllegalArgumentException}, turned here into
     * a load error naming the op.
     *
     * @param what what is being built, e.g. {@code "convolution parameters"}
     * @param build the construction
     * @param <T> its type
     * @return the result
     * @throws ArtifactFormatException if the kernel rejects the parameters
     */
    public <T> T kernel(String what, Supplier<T> build) throws ArtifactFormatException {
        try {
            return build.get();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw error("", what + ": " + e.getMessage());
        }
    }

    /** @return {@code "1 value"}, {@code "2 values"}, {@code "1 or more values"} */
    static String values(AttributeSpec attribute) {
        return attribute.count() + " value" + ("1".equals(attribute.count()) ? "" : "s");
    }

    static String name(TensorInfo t) {
        return t.id() + " '" + t.name() + "'";
    }

    private static String oneOf(ElementType... types) {
        List<String> names = Arrays.stream(types).map(Enum::name).toList();
        return names.size() == 1 ? names.get(0) : "one of " + String.join(", ", names);
    }
}
