/**
 * ONNX Runtime as the reference for our ONNX export: a session over one float input
 * ({@link io.qat4j.jobs.onnx.OnnxRuntimeModel}) and the agreement of its predictions with the int8
 * executor's on an evaluation set ({@link io.qat4j.jobs.onnx.OnnxAgreement}).
 */
package io.qat4j.jobs.onnx;
