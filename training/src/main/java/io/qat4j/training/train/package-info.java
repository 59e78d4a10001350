/**
 * Local training: the training loop with the quantization schedule carried by the network's
 * iteration count, run directories, atomic checkpoints and exact resume, progress and
 * TensorBoard listeners, and evaluation.
 */
package io.qat4j.training.train;
