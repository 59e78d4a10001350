/**
 * Quantizers as values: what to quantize to (bits, signedness, range, granularity), how to observe
 * the real range, and which straight-through estimator to use. Specs know nothing of layers;
 * layers hold specs (the split of Brevitas {@code quant/base.py} and {@code quant/scaled_int.py}).
 */
package io.qat4j.quant.spec;
