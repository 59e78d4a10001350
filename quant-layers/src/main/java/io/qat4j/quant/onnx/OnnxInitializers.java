package io.qat4j.quant.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;

/**
 * The constant tensors of an {@link OnnxGraph} ({@code GraphProto.initializer}): typed, little-endian
 * {@code raw_data}, named uniquely in the graph; scalars of the same name and value are written once.
 */
public final class OnnxInitializers {

    private final Onnx.GraphProto.Builder graph;
    private final UnaryOperator<String> fresh;
    private final Map<String, String> shared = new HashMap<>();

    OnnxInitializers(Onnx.GraphProto.Builder graph, UnaryOperator<String> fresh) {
        this.graph = graph;
        this.fresh = fresh;
    }

    /**
     * @param base name base
     * @param dims shape
     * @param codes int8 values
     * @return the initializer's name
     */
    public String int8(String base, long[] dims, byte[] codes) {
        return initializer(base, Onnx.TensorProto.DataType.INT8, dims, ByteString.copyFrom(codes));
    }

    /**
     * @param base name base
     * @param dims shape
     * @param values int32 values
     * @return the initializer's name
     */
    public String int32(String base, long[] dims, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return initializer(base, Onnx.TensorProto.DataType.INT32, dims, ByteString.copyFrom(b.array()));
    }

    /**
     * @param base name base
     * @param dims shape
     * @param values float values
     * @return the initializer's name
     */
    public String float32(String base, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return initializer(base, Onnx.TensorProto.DataType.FLOAT, dims, ByteString.copyFrom(b.array()));
    }

    /**
     * @param base name base
     * @param values int64 values of a 1-D tensor (shapes, pads)
     * @return the initializer's name
     */
    public String int64s(String base, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return initializer(base, Onnx.TensorProto.DataType.INT64, new long[] {values.length}, ByteString.copyFrom(b.array()));
    }

    /**
     * @param base name base
     * @param value the scalar
     * @return a float scalar initializer (one per distinct name and value)
     */
    public String floatScalar(String base, float value) {
        return shared("f:" + base + ":" + Float.floatToIntBits(value), () -> float32(base, new long[0], new float[] {value}));
    }

    /**
     * @param base name base
     * @param value in [0, 255]
     * @return a uint8 scalar initializer (one per distinct name and value)
     */
    public String uint8Scalar(String base, int value) {
        if (value < 0 || value > 255) {
            throw new OnnxExportException("uint8 constant '" + base + "' would be " + value);
        }
        return shared("u:" + base + ":" + value, () -> initializer(base, Onnx.TensorProto.DataType.UINT8, new long[0],
                ByteString.copyFrom(new byte[] {(byte) value})));
    }

    private String shared(String key, java.util.function.Supplier<String> create) {
        String name = shared.get(key);
        if (name == null) {
            name = create.get();
            shared.put(key, name);
        }
        return name;
    }

    private String initializer(String base, Onnx.TensorProto.DataType type, long[] dims, ByteString raw) {
        String name = fresh.apply(base);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(type.getNumber()).setRawData(raw);
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }
}
