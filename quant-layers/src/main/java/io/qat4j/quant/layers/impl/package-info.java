/**
 * Implementations of the quantized layers and vertices, with hand-written backward passes
 * (straight-through estimators for fake quantization, Bengio et al. 2013; batch-norm backward of
 * Ioffe and Szegedy, ICML 2015).
 */
package io.qat4j.quant.layers.impl;
