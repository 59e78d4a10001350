/**
 * Quantized Deeplearning4j layers and graph vertices: configuration classes (what a network
 * configuration holds and serializes as JSON) and, in {@code impl}, their implementations with
 * hand-written backward passes.
 *
 * <p>Each compute layer fake-quantizes its weights with a straight-through estimator, can fold a
 * batch normalization into its weights (PyTorch {@code ConvBn2d}; HAWQ-V3, Yao et al., ICML 2021),
 * and fake-quantizes its output activation. Quantizer state (observer ranges, batch-norm running
 * statistics) lives in the layer's parameter view with a no-op updater, so that checkpoints and
 * Spark parameter averaging carry it.
 */
package io.qat4j.quant.layers;
