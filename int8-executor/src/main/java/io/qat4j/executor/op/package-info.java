/**
 * Op definitions: one class per op type and version ({@link io.qat4j.executor.op.OpDefinition}),
 * holding the op's named, typed attributes ({@link io.qat4j.executor.op.IntAttribute},
 * {@link io.qat4j.executor.op.IntListAttribute}, shared ones in
 * {@link io.qat4j.executor.op.CommonAttributes}), the typed builder the exporter writes them with,
 * the validation and inference of its tensors' element types and per-example shapes, and its
 * preparation into an integer kernel. {@link io.qat4j.executor.op.OpRegistry} discovers the
 * definitions with {@link java.util.ServiceLoader}; the exporter, the executor and
 * {@code qat4j inspect} go through it (DESIGN.md section 8; ONNX operator schemas, TFLite's
 * versioned builtin operators and {@code OpResolver}).
 */
package io.qat4j.executor.op;
