/**
 * Builds the DL4J network that an experiment config describes: the settings all model families
 * share (optimizer, learning-rate schedule, weight decay, seed) here, the layers by the model's
 * family ({@link io.qat4j.training.family}), from the quantized layers of {@code quant-layers}.
 * The same network serves the float baseline (quantization scheduled never) and
 * quantization-aware training.
 */
package io.qat4j.training.model;
