/**
 * The integer primitives of the arithmetic contract (DESIGN.md section 3): fixed-point
 * multiplication, rounding division by a power of two, and requantization by a Q31 multiplier
 * and a shift, bit-exact with the reference implementations they are ported from.
 *
 * <ul>
 *   <li>{@link io.qat4j.executor.arith.FixedPoint}: gemmlowp {@code fixedpoint/fixedpoint.h}
 *       ({@code SaturatingRoundingDoublingHighMul}, {@code RoundingDivideByPOT}) and TensorFlow
 *       Lite {@code kernels/internal/common.h} / {@code common.cc}
 *       ({@code MultiplyByQuantizedMultiplier} in both builds: the single-rounding one of
 *       {@code TFLITE_SINGLE_ROUNDING}, which the kernels use, and the default double-rounding
 *       one). Kernel code: integers only, no floating point.</li>
 *   <li>{@link io.qat4j.executor.arith.QuantizedMultiplier}: TensorFlow Lite
 *       {@code kernels/internal/quantization_util.cc} ({@code QuantizeMultiplier}), the offline
 *       step that turns a real multiplier such as {@code S_in * S_w / S_out} into a Q31
 *       multiplier and a shift. It may use floating point; it never runs inside a kernel.</li>
 * </ul>
 *
 * <p>The scheme is that of Jacob et al., "Quantization and Training of Neural Networks for
 * Efficient Integer-Arithmetic-Only Inference", CVPR 2018, section 2.2: the real multiplier
 * {@code M = 2^(-n) * M0} with {@code M0} in {@code [0.5, 1)} held as a Q31 integer.
 *
 * <p>Java traps these ports avoid: {@code /} truncates toward zero while {@code >>} floors, so
 * the two are not interchangeable on negative values; {@code Math.round} rounds half up and
 * {@code Math.rint} half to even, whereas C's {@code std::round} (TFLite's {@code TfLiteRound})
 * rounds half away from zero.
 */
package io.qat4j.executor.arith;
