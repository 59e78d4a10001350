/**
 * The math of simulated quantization on ND4J arrays. Every quantity is an argument
 * ({@code FakeQuant.apply(x, scale, zeroPoint, qMin, qMax)}); objects elsewhere only decide which
 * scale to pass. Rounding is half away from zero, as in the executor (DESIGN.md section 3).
 */
package io.qat4j.quant.math;
