/**
 * ONNX export of the int8 artifact, for ONNX Runtime, TensorRT and OpenVINO: the operator-oriented
 * form ({@code QLinearConv}, {@code MatMulInteger}, uint8 activations), the tensor-oriented QDQ form
 * ({@code QuantizeLinear}/{@code DequantizeLinear} around float ops), and the float network they
 * quantize (ONNX operator specifications, opset 13; ONNX Runtime's "Quantize ONNX models" guide).
 *
 * <p>{@link io.qat4j.quant.onnx.OnnxExporter} walks the artifact's ops and lets the
 * {@link io.qat4j.quant.onnx.OnnxOpConverter} registered for each op type in
 * {@code META-INF/services/io.qat4j.quant.onnx.OnnxOpConverter} write its nodes into an
 * {@link io.qat4j.quant.onnx.OnnxGraph}; an op without one is refused by name.
 */
package io.qat4j.quant.onnx;
