/**
 * The affine quantization scheme {@code r = S * (q - Z)} (Jacob et al., CVPR 2018, section 2.1):
 * integer ranges, the choice of scale and zero point from an observed real range, and rounding.
 *
 * <p>These are the offline, parameter-choosing parts of the arithmetic contract; they may use
 * floating point. Training (fake quantization) and export call the same functions, so that the
 * integers the executor sees are exactly the ones the fake-quantized model simulated.
 */
package io.qat4j.executor.quant;
