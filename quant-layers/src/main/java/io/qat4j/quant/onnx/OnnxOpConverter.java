package io.qat4j.quant.onnx;

import io.qat4j.executor.artifact.OpNode;

/**
 * Writes one int8 executor op as ONNX nodes. One class per op type, listed in
 * {@code META-INF/services/io.qat4j.quant.onnx.OnnxOpConverter}; another module adds the ONNX form
 * of its own ops by listing its converter in its own services file. A converter reads the op's
 * attributes as the op's definition in {@code io.qat4j.executor.op} documents them (the artifact
 * has been loaded, so they are valid), takes its inputs from {@link OnnxGraph#uint8} or
 * {@link OnnxGraph#dequantized} and defines its outputs with {@link OnnxGraph#define} or
 * {@link OnnxGraph#quantize}.
 */
public interface OnnxOpConverter {

    /** @return the executor op type this converter writes, e.g. {@code "conv2d"} */
    String opType();

    /**
     * @param version an op version
     * @return whether this converter knows that version's semantics
     */
    boolean converts(int version);

    /**
     * Adds the op's nodes to the graph.
     *
     * @param op the op
     * @param g the graph being written
     */
    void convert(OpNode op, OnnxGraph g);
}
