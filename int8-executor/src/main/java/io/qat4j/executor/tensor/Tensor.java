package io.qat4j.executor.tensor;

import io.qat4j.executor.artifact.ElementType;
import java.util.Arrays;

/**
 * An integer tensor value at run time: element type, full shape (the leading dynamic dimension
 * first: batch, nodes or edges) and the values, row-major. The storage array follows the element
 * type: {@code byte[]} for INT8 and UINT8 (UINT8 read as {@code b & 0xFF}), {@code short[]} for
 * INT16, {@code int[]} for INT32 (TensorFlow Lite's {@code TfLiteTensor} with its typed data
 * union). INT4_PACKED exists only as stored constants and has no value form.
 *
 * <p>The array is shared, not copied (activations are large and flow from op to op): do not
 * modify the array of a tensor you did not create.
 */
public final class Tensor {

    private final ElementType type;
    private final int[] shape;
    private final Object data;

    private Tensor(ElementType type, int[] shape, Object data, int length) {
        this.type = type;
        this.shape = shape.clone();
        if (this.shape.length == 0) {
            throw new IllegalArgumentException("a tensor value has at least the leading dynamic dimension");
        }
        long n = 1;
        for (int d : this.shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(this.shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(this.shape) + " has more than 2^31 - 1 elements");
            }
        }
        if (n != length) {
            throw new IllegalArgumentException(type + " " + Arrays.toString(this.shape) + " needs " + n + " values, got " + length);
        }
        this.data = data;
    }

    /**
     * @param shape full shape, leading dynamic dimension first
     * @param values row-major values (shared)
     * @return an INT8 tensor
     */
    public static Tensor int8(int[] shape, byte[] values) {
        return new Tensor(ElementType.INT8, shape, values, values.length);
    }

    /**
     * @param shape full shape, leading dynamic dimension first
     * @param values row-major values, read as unsigned (shared)
     * @return a UINT8 tensor
     */
    public static Tensor uint8(int[] shape, byte[] values) {
        return new Tensor(ElementType.UINT8, shape, values, values.length);
    }

    /**
     * @param shape full shape, leading dynamic dimension first
     * @param values row-major values (shared)
     * @return an INT16 tensor
     */
    public static Tensor int16(int[] shape, short[] values) {
        return new Tensor(ElementType.INT16, shape, values, values.length);
    }

    /**
     * @param shape full shape, leading dynamic dimension first
     * @param values row-major values (shared)
     * @return an INT32 tensor
     */
    public static Tensor int32(int[] shape, int[] values) {
        return new Tensor(ElementType.INT32, shape, values, values.length);
    }

    /**
     * A zero-filled tensor of a value type.
     *
     * @param type INT8, UINT8, INT16 or INT32
     * @param shape full shape
     * @return the tensor
     */
    public static Tensor zeros(ElementType type, int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= Math.max(d, 0);
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31 - 1 elements");
            }
        }
        int size = (int) n;
        return switch (type) {
            case INT8 -> int8(shape, new byte[size]);
            case UINT8 -> uint8(shape, new byte[size]);
            case INT16 -> int16(shape, new short[size]);
            case INT32 -> int32(shape, new int[size]);
            case INT4_PACKED -> throw new IllegalArgumentException("INT4_PACKED has no value form (constants only)");
        };
    }

    /**
     * @param leading the leading dynamic dimension
     * @param exampleShape the per-example shape, as an artifact records an activation's shape
     * @return the full shape {@code [leading, exampleShape...]}
     */
    public static int[] withLeading(int leading, int[] exampleShape) {
        int[] s = new int[exampleShape.length + 1];
        s[0] = leading;
        System.arraycopy(exampleShape, 0, s, 1, exampleShape.length);
        return s;
    }

    /**
     * @param type an element type
     * @return whether tensors of this type exist at run time (all but INT4_PACKED)
     */
    public static boolean hasValueForm(ElementType type) {
        return type != ElementType.INT4_PACKED;
    }

    /** @return the element type */
    public ElementType type() {
        return type;
    }

    /** @return a copy of the full shape */
    public int[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions, including the leading one */
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

    /** @return the leading dynamic dimension: batch, nodes or edges */
    public int leading() {
        return shape[0];
    }

    /** @return the number of values */
    public int size() {
        return switch (type) {
            case INT8, UINT8 -> ((byte[]) data).length;
            case INT16 -> ((short[]) data).length;
            case INT32 -> ((int[]) data).length;
            case INT4_PACKED -> throw new IllegalStateException("unreachable");
        };
    }

    /**
     * @param staticShape a per-example shape, without the leading dimension
     * @return whether this value's shape is {@code [leading(), staticShape...]}
     */
    public boolean hasExampleShape(int[] staticShape) {
        return shape.length == staticShape.length + 1 && Arrays.equals(shape, 1, shape.length, staticShape, 0, staticShape.length);
    }

    /**
     * @param from first example, inclusive
     * @param to last example, exclusive
     * @return examples {@code [from, to)} of the leading dimension, copied
     */
    public Tensor slice(int from, int to) {
        if (from < 0 || to > leading() || from > to) {
            throw new IndexOutOfBoundsException("examples [" + from + ", " + to + ") of " + this);
        }
        int per = leading() == 0 ? 0 : size() / leading();
        int[] s = shape.clone();
        s[0] = to - from;
        int length = (to - from) * per;
        Object copy = java.lang.reflect.Array.newInstance(data.getClass().getComponentType(), length);
        System.arraycopy(data, from * per, copy, 0, length);
        return new Tensor(type, s, copy, length);
    }

    /**
     * @param parts values of one type and one per-example shape
     * @return their examples one after the other along the leading dimension
     */
    public static Tensor concat(java.util.List<Tensor> parts) {
        Tensor first = parts.get(0);
        int leading = 0;
        int length = 0;
        for (Tensor t : parts) {
            if (t.type != first.type || !Arrays.equals(t.shape, 1, t.shape.length, first.shape, 1, first.shape.length)) {
                throw new IllegalArgumentException("cannot concatenate " + t + " to " + first);
            }
            leading += t.leading();
            length += t.size();
        }
        int[] s = first.shape.clone();
        s[0] = leading;
        Object all = java.lang.reflect.Array.newInstance(first.data.getClass().getComponentType(), length);
        int at = 0;
        for (Tensor t : parts) {
            System.arraycopy(t.data, 0, all, at, t.size());
            at += t.size();
        }
        return new Tensor(first.type, s, all, length);
    }

    /** @return the values of an INT8 or UINT8 tensor (shared) */
    public byte[] bytes() {
        return as(byte[].class, ElementType.INT8, ElementType.UINT8);
    }

    /** @return the values of an INT16 tensor (shared) */
    public short[] shorts() {
        return as(short[].class, ElementType.INT16, ElementType.INT16);
    }

    /** @return the values of an INT32 tensor (shared) */
    public int[] ints() {
        return as(int[].class, ElementType.INT32, ElementType.INT32);
    }

    /** @return the storage array, {@code byte[]}, {@code short[]} or {@code int[]} (shared) */
    public Object array() {
        return data;
    }

    private <T> T as(Class<T> array, ElementType a, ElementType b) {
        if (type != a && type != b) {
            throw new IllegalStateException("tensor is " + type + ", not " + a + (a == b ? "" : " or " + b));
        }
        return array.cast(data);
    }

    @Override
    public String toString() {
        return "Tensor[" + type + " " + Arrays.toString(shape) + "]";
    }
}
