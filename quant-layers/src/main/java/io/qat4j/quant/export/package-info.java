/**
 * Exporters: turn a trained network of quantized layers into the integer-only artifact of
 * {@code int8-executor} (batch norm folded, weights to integer codes, bias to int32 with scale
 * {@code S_in * S_w}, per-channel multipliers and shifts, activation zero points and clamps,
 * residual adds with two rescales), following Jacob et al., CVPR 2018, section 2.4, and HAWQ-V3's
 * dyadic requantization.
 */
package io.qat4j.quant.export;
