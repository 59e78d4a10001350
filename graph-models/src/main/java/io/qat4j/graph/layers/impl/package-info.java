/**
 * Implementations of the graph vertices of {@code io.qat4j.graph.layers}: forward passes with
 * fake quantization (Jacob et al., CVPR 2018) and Degree-Quant's protected rows, and hand-written
 * backward passes with straight-through estimators, checked against finite differences.
 */
package io.qat4j.graph.layers.impl;
