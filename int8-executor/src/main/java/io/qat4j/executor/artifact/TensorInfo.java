package io.qat4j.executor.artifact;

import java.util.Arrays;

/**
 * One tensor of the graph: an activation computed at run time ({@code blobIndex == -1}) or a
 * constant whose integers are stored in blob {@code blobIndex} (weights, biases). Modelled on
 * TensorFlow Lite's {@code Tensor} table (shape, type, buffer, quantization).
 *
 * <p>Invariants (checked by the constructor): {@code id >= 0}; the element type holds
 * {@code bits}-wide values (2..8 for INT8/UINT8, 2..4 for INT4_PACKED, 32 for INT32); rank at
 * most {@link ArtifactFormat#MAX_RANK}, every dimension {@code >= 1}, element count below
 * {@code 2^31}, and for a constant its byte length at most {@link ArtifactFormat#MAX_BLOB_BYTES};
 * the quantization axis is a dimension whose size is a multiple of the number of scales; every
 * zero point is a {@code bits}-wide integer of the element type's signedness.
 *
 * @param id graph-unique identifier, {@code >= 0}, used by ops to refer to the tensor
 * @param name human-readable name, e.g. {@code "conv1.weight"}
 * @param type the storage container
 * @param shape dimensions, outermost first (copied)
 * @param bits the bit width of the stored integers
 * @param quant the quantization parameters
 * @param blobIndex {@code -1} for an activation, else the index of the blob holding the data
 */
public record TensorInfo(int id, String name, ElementType type, int[] shape, int bits, QuantInfo quant, int blobIndex) {

    /** Checks the invariants stated in the class documentation and copies the shape. */
    public TensorInfo {
        if (id < 0) {
            throw new InvariantViolation("id", "tensor id " + id + " is negative");
        }
        Checks.string(name, "name", false);
        Checks.nonNull(type, "elementType");
        Checks.nonNull(shape, "shape");
        Checks.nonNull(quant, "quant");
        shape = shape.clone();
        if (!type.supportsBits(bits)) {
            throw new InvariantViolation("bits", who(id, name) + ": " + type + " holds " + type.minBits()
                    + (type.minBits() == type.maxBits() ? "" : " to " + type.maxBits()) + "-bit values, not " + bits);
        }
        if (shape.length > ArtifactFormat.MAX_RANK) {
            throw new InvariantViolation("shape", who(id, name) + ": rank " + shape.length + " is above the limit of " + ArtifactFormat.MAX_RANK);
        }
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] <= 0) {
                throw new InvariantViolation("shape[" + i + "]", who(id, name) + ": dimension " + shape[i] + " is not positive");
            }
            count *= shape[i]; // both factors < 2^31: no long overflow
            if (count > Integer.MAX_VALUE) {
                throw new InvariantViolation("shape", who(id, name) + ": the product of the dimensions " + Arrays.toString(shape)
                        + " overflows (above 2^31 - 1 elements)");
            }
        }
        if (blobIndex < -1) {
            throw new InvariantViolation("blobIndex", who(id, name) + ": blob index " + blobIndex + " is neither -1 (activation) nor a blob");
        }
        if (blobIndex >= 0 && type.byteLength(count) > ArtifactFormat.MAX_BLOB_BYTES) {
            throw new InvariantViolation("shape", who(id, name) + ": " + type.byteLength(count) + " bytes of data, above the blob limit of "
                    + ArtifactFormat.MAX_BLOB_BYTES);
        }
        int axis = quant.axis();
        int groups = quant.count();
        if (axis >= shape.length) {
            throw new InvariantViolation("quant.axis", who(id, name) + ": quantization axis " + axis + " but the rank is " + shape.length);
        }
        if (axis >= 0 && (groups > shape[axis] || shape[axis] % groups != 0)) {
            throw new InvariantViolation("quant.scales", who(id, name) + ": " + groups + " scales do not divide dimension " + axis
                    + " of size " + shape[axis]);
        }
        long lo = type.minValue(bits);
        long hi = type.maxValue(bits);
        for (int i = 0; i < groups; i++) {
            int z = quant.zeroPoint(i);
            if (z < lo || z > hi) {
                throw new InvariantViolation("quant.zeroPoints[" + i + "]", who(id, name) + ": zero point " + z + " is outside the "
                        + bits + "-bit " + type + " range [" + lo + ", " + hi + "]");
            }
        }
    }

    private static String who(int id, String name) {
        return "tensor " + id + " '" + name + "'";
    }

    /**
     * @param id identifier
     * @param name name
     * @param type container
     * @param shape dimensions
     * @param bits bit width
     * @param quant quantization
     * @return an activation tensor
     */
    public static TensorInfo activation(int id, String name, ElementType type, int[] shape, int bits, QuantInfo quant) {
        return new TensorInfo(id, name, type, shape, bits, quant, -1);
    }

    /**
     * @param id identifier
     * @param name name
     * @param type container
     * @param shape dimensions
     * @param bits bit width
     * @param quant quantization
     * @param blobIndex the blob holding the data, {@code >= 0}
     * @return a constant tensor
     */
    public static TensorInfo constant(int id, String name, ElementType type, int[] shape, int bits, QuantInfo quant, int blobIndex) {
        if (blobIndex < 0) {
            throw new InvariantViolation("blobIndex", "a constant needs a blob index >= 0, got " + blobIndex);
        }
        return new TensorInfo(id, name, type, shape, bits, quant, blobIndex);
    }

    /** @return a copy of the shape */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /**
     * @param axis a dimension index
     * @return its size
     */
    public int dim(int axis) {
        return shape[axis];
    }

    /** @return the product of the dimensions (1 for a scalar) */
    public int elementCount() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return (int) n;
    }

    /** @return the bytes the data takes in a blob, per {@link ElementType#byteLength} */
    public long byteLength() {
        return type.byteLength(elementCount());
    }

    /** @return whether the tensor's data is stored in a blob */
    public boolean isConstant() {
        return blobIndex >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && id == t.id && bits == t.bits && blobIndex == t.blobIndex
                && name.equals(t.name) && type == t.type && Arrays.equals(shape, t.shape) && quant.equals(t.quant);
    }

    @Override
    public int hashCode() {
        int h = id;
        h = 31 * h + name.hashCode();
        h = 31 * h + type.hashCode();
        h = 31 * h + Arrays.hashCode(shape);
        h = 31 * h + bits;
        h = 31 * h + quant.hashCode();
        return 31 * h + blobIndex;
    }

    @Override
    public String toString() {
        return "TensorInfo[id=" + id + ", name=" + name + ", type=" + type + ", shape=" + Arrays.toString(shape)
                + ", bits=" + bits + ", quant=" + quant + ", blobIndex=" + blobIndex + "]";
    }
}
