/**
 * Builds the DL4J network that an experiment config describes, from the quantized layers of
 * {@code quant-layers}: the same network serves the float baseline (quantization scheduled never)
 * and quantization-aware training.
 */
package io.qat4j.training.model;
