/**
 * The integer side of qat4j: the arithmetic contract shared by training and inference, the
 * integer kernels, the artifact format and the executor.
 *
 * <p>This module has no runtime dependencies so that exported models run where DL4J, ND4J and
 * Spark are not installed. The arithmetic follows Jacob et al., "Quantization and Training of
 * Neural Networks for Efficient Integer-Arithmetic-Only Inference", CVPR 2018, and the
 * reference kernels of gemmlowp and TensorFlow Lite.
 */
package io.qat4j.executor;
