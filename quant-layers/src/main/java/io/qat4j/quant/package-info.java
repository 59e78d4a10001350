/**
 * Quantization-aware training for Deeplearning4j: quantization specs, observers, fake
 * quantization with straight-through estimators, quantized DL4J layers, batch-norm folding and
 * the exporters that turn a trained network into the integer-only artifact of
 * {@code int8-executor}.
 *
 * <p>Implements the simulated quantization of Jacob et al., "Quantization and Training of Neural
 * Networks for Efficient Integer-Arithmetic-Only Inference", CVPR 2018, with the conventions of
 * PyTorch's eager-mode QAT and Brevitas.
 */
package io.qat4j.quant;
