/**
 * Export of a trained run to the int8 artifact and the comparison report: float, fake-quantized
 * and int8-executor accuracy on the same test set, prediction agreement between executor and
 * fake-quantized model, artifact size against the float parameters, and latency of the executor
 * against ND4J float inference.
 */
package io.qat4j.training.report;
