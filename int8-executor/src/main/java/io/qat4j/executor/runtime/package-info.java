/**
 * The int8 executor: runs an integer-only artifact ({@code io.qat4j.executor.artifact}) through
 * the op definitions of {@code io.qat4j.executor.op}, which prepare the integer kernels of
 * {@code io.qat4j.executor.kernel}. Floats appear only at the boundary of the classifier API: the
 * input is quantized with the graph input's scale and zero point exactly as the training-time
 * input quantizer does, and the int32 logits are dequantized with their per-channel scales
 * (Jacob et al., CVPR 2018, section 2; TFLite's quantized operator specification).
 */
package io.qat4j.executor.runtime;
