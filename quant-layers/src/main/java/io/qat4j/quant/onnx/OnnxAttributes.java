package io.qat4j.quant.onnx;

import io.qat4j.executor.artifact.OpNode;
import onnx.Onnx;

/** ONNX node attributes ({@code AttributeProto}) for the converters, and the artifact op attributes they read. */
public final class OnnxAttributes {

    private OnnxAttributes() {
    }

    /**
     * @param name attribute name
     * @param values the integers
     * @return an INTS attribute
     */
    public static Onnx.AttributeProto ints(String name, long... values) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /**
     * @param name attribute name
     * @param value the integer
     * @return an INT attribute
     */
    public static Onnx.AttributeProto integer(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(value).build();
    }

    /**
     * @param op an op
     * @param what the attribute
     * @return its integers
     */
    public static long[] attribute(OpNode op, String what) {
        if (!op.attributes().has(what)) {
            throw OnnxGraph.unsupported(op, "attribute '" + what + "' missing");
        }
        return op.attributes().ints(what);
    }
}
