/**
 * Offline preparation of kernel parameters: the only place where the floating-point scales of a
 * quantized model are turned into the integers the kernels of {@code io.qat4j.executor.kernel}
 * consume (Q31 multipliers and shifts, int32 biases, integer activation clamps). It runs at export
 * or model-loading time, never inside a kernel loop, and may use {@code double}; the kernel
 * package itself holds no floating point (DESIGN.md section 3).
 *
 * <ul>
 *   <li>{@link io.qat4j.executor.prep.OutputMultipliers}: {@code m[c] = S_in * S_w[c] / S_out}
 *       through TFLite {@code QuantizeMultiplier} (TFLite {@code PopulateConvolutionQuantizationParams},
 *       {@code kernels/kernel_util.cc}), and the count-dependent multipliers of average pooling
 *       ({@code integer_ops/mean.h});</li>
 *   <li>{@link io.qat4j.executor.prep.BiasQuantizer}: int32 bias with scale {@code S_in * S_w[c]};</li>
 *   <li>{@link io.qat4j.executor.prep.ActivationClamps}: ReLU / ReLU6 / none as integer clamps
 *       (TFLite {@code CalculateActivationRangeQuantized});</li>
 *   <li>{@link io.qat4j.executor.prep.AddRescale}: the rescaling parameters of quantized addition
 *       (TFLite {@code kernels/add.cc}, {@code PrepareGeneralSubOp}/{@code Prepare});</li>
 *   <li>{@link io.qat4j.executor.prep.GraphOpParams}: the graph ops' multipliers, the dyadic scale
 *       of the GCN coefficients and I-BERT's softmax constants (Kim et al., ICML 2021).</li>
 * </ul>
 *
 * <p>Jacob et al., CVPR 2018, section 2.2: {@code M = S_1 S_2 / S_3} is the only non-integer in
 * the layer and is computed offline.
 */
package io.qat4j.executor.prep;
