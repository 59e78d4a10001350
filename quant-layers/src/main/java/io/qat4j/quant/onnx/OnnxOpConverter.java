package io.qat4j.quant.onnx;

import io.qat4j.executor.artifact.OpNode;

/**
 * Writes one int8 executor op as ONNX nodes. One subclass per op type, listed in
 * {@code META-INF/services/io.qat4j.quant.onnx.OnnxOpConverter}; another module adds the ONNX form
 * of its own ops by listing its converter in its own services file. A converter reads the op's
 * attributes as the op's definition in {@code io.qat4j.executor.op} documents them (the artifact
 * has been loaded, so they are valid), takes its inputs from {@link OnnxGraph#uint8} or
 * {@link OnnxGraph#dequantized} and defines its outputs with {@link OnnxGraph#define} or
 * {@link OnnxGraph#quantize}.
 */
public abstract class OnnxOpConverter {

    private final String opType;

    /** @param opType the executor op type the subclass writes, its definition's {@code NAME} */
    protected OnnxOpConverter(String opType) {
        this.opType = opType;
    }

    /** @return the executor op type this converter writes, e.g. {@code "conv2d"} */
    public final String opType() {
        return opType;
    }

    /**
     * @param version an op version
     * @return whether this converter knows that version's semantics: version 1, unless a subclass says otherwise
     */
    public boolean converts(int version) {
        return version == 1;
    }

    /**
     * Adds the op's nodes to the graph.
     *
     * @param op the op
     * @param g the graph being written
     */
    public abstract void convert(OpNode op, OnnxGraph g);
}
