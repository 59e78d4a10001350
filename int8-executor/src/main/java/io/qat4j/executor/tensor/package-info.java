/**
 * Typed integer tensor values, the inputs and outputs of the int8 executor and of every prepared
 * op ({@link io.qat4j.executor.tensor.Tensor}): the run-time counterpart of the artifact's tensor
 * metadata, with the leading dynamic dimension (batch, nodes or edges) made concrete.
 */
package io.qat4j.executor.tensor;
