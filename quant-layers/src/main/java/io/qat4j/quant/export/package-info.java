/**
 * Exporters: turn a trained network of quantized layers into the integer-only artifact of
 * {@code int8-executor} (batch norm folded, weights to integer codes, bias to int32 with scale
 * {@code S_in * S_w}, per-channel multipliers and shifts, activation zero points and clamps,
 * residual adds with two rescales), following Jacob et al., CVPR 2018, section 2.4, and HAWQ-V3's
 * dyadic requantization.
 *
 * <p>{@link io.qat4j.quant.export.Int8Exporter} walks the graph and lets every vertex add itself
 * through an {@link io.qat4j.quant.export.ExportContext}: quantized layers through
 * {@link io.qat4j.quant.layers.QuantizedLayer#exportTo}, DL4J's own layers through the
 * {@link io.qat4j.quant.export.Int8ExportHandler} registered for their configuration class in
 * {@code META-INF/services/io.qat4j.quant.export.Int8ExportHandler} (this module registers
 * {@code SubsamplingLayer}, {@code GlobalPoolingLayer} and {@code DropoutLayer}; another module adds
 * a handler by listing it in its own services file). {@link io.qat4j.quant.export.Int8Ops} builds
 * each int8 operator and its attributes.
 */
package io.qat4j.quant.export;
