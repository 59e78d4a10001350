/**
 * Integer-only kernels of the int8 executor: static loops over {@code byte[]} and {@code int[]}
 * taking a params record, with the arithmetic of DESIGN.md section 3 written where it is used.
 * The two multiply-accumulate kernels also come prepared for repeated inference
 * ({@link io.qat4j.executor.kernel.PreparedConv2d}, {@link io.qat4j.executor.kernel.PreparedFullyConnected}:
 * weights unpacked and laid out once, per-thread scratch), with results identical to the static
 * {@code Conv2d.run} and {@code FullyConnected.run}.
 *
 * <p>Sources the kernels are written from (read, not copied):
 * <ul>
 *   <li>TensorFlow Lite reference integer kernels,
 *       {@code tensorflow/lite/kernels/internal/reference/integer_ops/}: {@code fully_connected.h}
 *       ({@link io.qat4j.executor.kernel.FullyConnected}), {@code conv.h} and
 *       {@code depthwise_conv.h} ({@link io.qat4j.executor.kernel.Conv2d}), {@code pooling.h}
 *       ({@link io.qat4j.executor.kernel.MaxPool2d}, {@link io.qat4j.executor.kernel.AveragePool2d}),
 *       {@code mean.h} ({@link io.qat4j.executor.kernel.GlobalAveragePool}), {@code add.h}
 *       ({@link io.qat4j.executor.kernel.Add}), and {@code kernels/internal/common.h}
 *       ({@code MultiplyByQuantizedMultiplier}, here
 *       {@link io.qat4j.executor.arith.FixedPoint#multiplyByQuantizedMultiplier}).</li>
 *   <li>gemmlowp ({@code doc/quantization.md}, {@code doc/low-precision.md},
 *       {@code doc/output.md}): the int32 accumulation of {@code w * (x - Z_in)} and the output
 *       stage "fixed-point multiplier, rounding shift, add zero point, clamp".</li>
 *   <li>Jacob et al., "Quantization and Training of Neural Networks for Efficient
 *       Integer-Arithmetic-Only Inference", CVPR 2018, sections 2.2-2.4.</li>
 *   <li>Graph kernels: PyTorch Geometric's message passing ({@code index_select}, {@code scatter},
 *       {@code add_self_loops}, {@code gcn_norm}, {@code softmax}, global pooling; Fey and Lenssen,
 *       2019) for {@link io.qat4j.executor.kernel.Gather}, {@link io.qat4j.executor.kernel.ScatterAdd},
 *       {@link io.qat4j.executor.kernel.EdgeIndex}, {@link io.qat4j.executor.kernel.GcnNormalization},
 *       {@link io.qat4j.executor.kernel.SegmentPool}, {@link io.qat4j.executor.kernel.WeightedGather}
 *       and {@link io.qat4j.executor.kernel.WeightedAggregate}; Degree-Quant (Tailor et al., ICLR
 *       2021) for the quantized tensors; I-BERT (Kim et al., ICML 2021, {@code IntSoftmax}) for
 *       {@link io.qat4j.executor.kernel.EdgeSoftmax}; TFLite {@code LEAKY_RELU} for
 *       {@link io.qat4j.executor.kernel.LeakyRelu}.</li>
 * </ul>
 *
 * <p>Conventions shared by every kernel:
 * <ul>
 *   <li>real value {@code r = S * (q - Z)}; activations int8 with a per-tensor zero point;
 *       weights int8 symmetric ({@code Z = 0}); bias int32 with scale {@code S_in * S_w[c]} and
 *       zero point 0;</li>
 *   <li>layouts: images NCHW, dense activations {@code [N, C]}, row-major ("c" order);
 *       convolution weights {@code [O, I / groups, KH, KW]}, dense weights {@code [O, K]};</li>
 *   <li>output stage per channel {@code c}:
 *       {@code q = clamp(multiplyByQuantizedMultiplier(acc, m[c], shift[c]) + Z_out, actMin,
 *       actMax)}, with ReLU and ReLU6 expressed as the clamp bounds
 *       ({@link io.qat4j.executor.kernel.ActivationClamp});</li>
 *   <li>each kernel states its int32 accumulator bound in its javadoc and its params record
 *       rejects, with {@link java.lang.IllegalArgumentException}, shapes for which the bound
 *       could exceed {@code 2^31 - 1}; array sizes are checked at each call; where the bound
 *       depends on run-time data (in-degrees, graph sizes, node indices), the graph kernels check
 *       it on every run before computing and throw {@link io.qat4j.executor.kernel.InputDataException};</li>
 *   <li>no floating point: scales reach the kernels only as integer multiplier/shift pairs
 *       computed offline (package {@code io.qat4j.executor.prep}); a test scans this package's
 *       sources and fails on any floating-point type or literal;</li>
 *   <li>weights of 2 to 4 bits are stored two per byte in a signed 4-bit container
 *       ({@link io.qat4j.executor.kernel.PackedInt4}); the {@code runPacked4} variants give
 *       results identical to the int8 path.</li>
 * </ul>
 */
package io.qat4j.executor.kernel;
