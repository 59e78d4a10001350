package io.qat4j.executor.op;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import java.util.List;

/**
 * The contract of one op type at one version (ONNX's {@code OpSchema}, TFLite's registration of
 * a builtin operator at a version): its name and version, its typed and named attributes, the
 * inference and validation of its tensors' element types and shapes, and its preparation into a
 * kernel. One class per op; the exporter writes an op's attributes through the same class
 * (each definition offers a typed attribute builder), the executor and {@code qat4j inspect} read
 * them through {@link OpRegistry}.
 *
 * <p>Shapes: an activation tensor's shape in the artifact excludes its leading dynamic dimension
 * (batch, nodes or edges); a definition validates and infers those per-example shapes at load
 * time and derives each output's leading dimension from its inputs at run time. Constants have
 * their full, static shape.
 *
 * <p>Adding an op: implement this interface, usually by extending {@link AbstractOpDefinition}
 * (with a public no-argument constructor), and list the
 * class in {@code META-INF/services/io.qat4j.executor.op.OpDefinition} of its jar; see the README
 * section "Adding an op".
 */
public interface OpDefinition {

    /** @return the op type stored in the artifact, e.g. {@code "conv2d"} */
    String name();

    /** @return the version of the op this class defines, {@code >= 1} */
    int version();

    /** @return what the op computes, its inputs and outputs, and the paper or spec it follows */
    String summary();

    /** @return the integer attributes the op takes, all required; others are rejected at load */
    List<AttributeSpec> attributes();

    /**
     * Validates the op against its tensors and attributes and prepares it. Every problem is an
     * {@link ArtifactFormatException} raised here, at load time, naming the op and the attribute
     * or tensor (use the checks of {@link OpContext}); the prepared op never fails on a loaded
     * artifact's data at run time.
     *
     * @param op the op, its tensors and constant data
     * @return the prepared op
     * @throws ArtifactFormatException on a malformed attribute, a tensor of a wrong type or
     *     shape, a scratch budget overrun, or parameters the kernel rejects
     */
    PreparedOp prepare(OpContext op) throws ArtifactFormatException;

    /**
     * Whether the op computes each example of its inputs' leading dimension from that example
     * alone (convolution, pooling, dense, element-wise ops), so that the executor may run the
     * examples of a batch on several threads: a graph whose ops all are is split by its leading
     * dimension. False (the default) for ops that mix rows, as the graph ops do (they index nodes
     * and edges).
     *
     * @return whether the op is computed example by example
     */
    default boolean perExample() {
        return false;
    }

    /**
     * Converts the attributes of a version-1 op read from an artifact of format version 1 to this
     * definition's attributes (e.g. {@code add}'s positional {@code add_params}); most ops stored
     * the same attributes in both formats.
     *
     * @param op the op as stored in format version 1
     * @return its attributes in the current format
     * @throws ArtifactFormatException if the version-1 attributes are malformed
     */
    default Attributes fromFormatVersion1(OpContext op) throws ArtifactFormatException {
        return op.node().attributes();
    }
}
