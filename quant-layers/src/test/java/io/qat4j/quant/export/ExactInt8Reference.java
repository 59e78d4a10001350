package io.qat4j.quant.export;

import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.op.AveragePool2dOp;
import io.qat4j.executor.op.CommonAttributes;
import io.qat4j.executor.op.Conv2dOp;
import io.qat4j.executor.op.FullyConnectedLogitsOp;
import io.qat4j.executor.op.FullyConnectedOp;
import io.qat4j.executor.op.GlobalAveragePoolOp;
import io.qat4j.executor.op.MaxPool2dOp;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.executor.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent reference of the int8 ops of an exported artifact, written from the arithmetic
 * contract (DESIGN.md section 3; Jacob et al., CVPR 2018, section 2; TFLite's single-rounding
 * {@code MultiplyByQuantizedMultiplier} and quantized {@code ADD}) without the executor's kernel
 * classes: accumulators in {@code long} from the artifact's own integer weights and int32 biases,
 * and the exact real value {@code r} each output code rounds, so that its distance to a rounding
 * boundary is known. It also proves, per output element, a bound {@code delta} on how far the
 * fake-quantized network's float computation of the same value can be from {@code r}, and, per op,
 * how input code differences propagate.
 *
 * <h2>Teacher-forced claim</h2>
 * Feed an op the fake-quantized network's codes {@code q} of its inputs. The fake-quantized output
 * code is {@code f = clamp(round(v) + Z_out)} for a float value {@code v}; the integer op's code is
 * {@code e = clamp(round(r) + Z_out)} with the same clamp (ReLU is {@code max(Z, .)} in both;
 * ReLU6's upper code is {@code Z + round(6 / S)} in both, which the comparison checks). If
 * {@code |v - r| <= delta < 1/2}, then {@code f == e} unless {@code r} lies within {@code delta} of
 * a boundary {@code k + 1/2}, and then {@code |f - e| <= 1} (the clamp is monotone and
 * 1-Lipschitz; the two roundings break ties differently, ties are at distance 0).
 *
 * <h2>The bound delta (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., section
 * 3.1: {@code fl(a op b) = (a op b)(1 + d)}, {@code |d| <= u}, {@code u = 2^-24} in float; a product
 * of {@code n} factors {@code (1 + d_i)^{+-1}} is {@code 1 + t}, {@code |t| <= gamma_n = nu/(1-nu)};
 * a dot product of {@code n} terms in any order, fused multiply-adds included, perturbs each term by
 * at most {@code gamma_n}, lemma 3.1 and section 3.1)</h2>
 * Let {@code S_in, S_w[c], S_out} be the artifact's (double) scales, {@code Z} the zero points,
 * {@code c_i} the integer weights of an output channel, {@code acc = sum (q_i - Z) c_i} (exact),
 * {@code b} the real (folded) bias, {@code beta = b / (S_in S_w)}, {@code bq} the int32 bias and
 * {@code M = S_in S_w / S_out}, whose Q31 form is {@code Mq = m 2^(shift - 31)}. The ideal value is
 * {@code r* = M (acc + beta)}.
 * <ul>
 *   <li><b>Integer side</b>, {@code r = Mq (acc + bq)}:
 *   {@code |r - r*| <= |Mq - M| |acc + bq| + M |bq - beta|}. {@code QuantizeMultiplier} rounds a
 *   mantissa in {@code [1/2, 1)} to 31 bits (relative error {@code <= 2^-31}) of a ratio computed in
 *   double with two roundings, so {@code |Mq - M| <= rho M} with {@link #RHO} {@code = 2^-31 + 2^-51}.
 *   The int32 bias is {@code round(fl(b / fl(S_in S_w)))}: {@code |bq - beta| <= 1/2 + |beta| 2^-51},
 *   i.e. at most {@code 0.5 * S_in S_w / S_out} codes from the bias rounding.</li>
 *   <li><b>Fake-quant side</b> (conv/dense with batch norm folded, the longest path): each input is
 *   {@code x_i = fl((q_i - Z) fl(S_in))} (2 roundings); each weight is
 *   {@code fl(fl(c_i S_w) / s)} (2 roundings; the layer quantizes {@code W s} and divides by the
 *   batch-norm scale {@code s}); the {@code n}-term dot product ({@code n} roundings); the tail
 *   multiplies by {@code s} (1, which cancels {@code s} exactly in the reals) and adds the folded
 *   bias (1); the output quantizer divides by {@code fl(S_out)} (2). Every product term is perturbed
 *   by at most {@code gamma_{n+8}}, the bias by fewer roundings, so
 *   {@code |v - r*| <= gamma_{n+8} M (sum |(q_i - Z) c_i| + |beta|)}. Without batch norm the
 *   weight has 1 rounding, the bias is added inside the linear part (1) and the tail has none:
 *   {@code n + 6}; {@code n + 8} bounds both. ReLU/ReLU6 are exact float clamps. The dot-product
 *   bound holds for sums of products in any order (direct convolution, im2col and GEMM, as
 *   libnd4j's {@code conv2d} and {@code mmul} compute them); a transform-based convolution
 *   (Winograd, FFT) has other error bounds and would show here as a failure.</li>
 * </ul>
 * Hence, with {@code M <= Mq / (1 - rho)} and {@code |beta| <= |bq| + 1},
 * {@code delta = Mq/(1-rho) (rho |acc + bq| + 1/2 + (|bq| + 1) 2^-51 + gamma_{n+8} (sum |(q_i - Z) c_i| + |bq| + 1))}.
 * <ul>
 *   <li><b>Average pool</b> over {@code k} in-image positions (requantized by the following
 *   activation quantizer, {@code Mq ~ S_in / (k S_out)}, no bias): the float side has 2 roundings
 *   per input, {@code k - 1} in the sum, at most 2 in the division by {@code k} (a division, or a
 *   multiplication by a rounded {@code 1/k}) and 2 in the quantizer:
 *   {@code delta = Mq/(1-rho) (rho |sum| + gamma_{k+5} sum |q_i - Z|)}. <b>Global average pool</b>:
 *   the same with {@code k = H W}.</li>
 *   <li><b>Add</b> (TFLite, {@code leftShift = 20}): {@code R_j = round((q_j - Z_j) 2^20 M_j)}
 *   ({@code |error| <= 1/2} each), {@code r = Mout (R_1 + R_2)}; the three multipliers are each
 *   within {@code rho} of {@code S_j / (2 max S)} and {@code 2 max S / (2^20 S_out)}, so
 *   {@code |r - r*| <= Mout + ((1 + rho)^2 - 1) sum_j |q_j - Z_j| S_j / S_out}. The float side
 *   has 2 roundings per input, 1 in the sum and 2 in the quantizer: {@code gamma_5}.</li>
 *   <li><b>Max pool</b>: the maximum of exact codes, no arithmetic: codes equal exactly.</li>
 *   <li><b>Logits</b> (int32 output {@code acc + bq}, dequantized by {@code S_in S_w}): the test's
 *   float logits have 2 roundings per input, 1 per weight {@code fl(c_i S_w)}, {@code n} in the dot
 *   product and 1 for the bias: {@code |L_f - S_in S_w (acc + bq)| <= S_in S_w (1/2 + (|bq| + 1) 2^-51
 *   + gamma_{n+4} (sum |(q_i - Z) c_i| + |bq| + 1))}; the executor's {@code (float) (acc * fl(S_in S_w))}
 *   is within {@code (u + 2^-52) |S_in S_w (acc + bq)|} of its exact value.</li>
 * </ul>
 * The computed bounds are multiplied by {@link #SAFETY} to cover the rounding of their own double
 * evaluation (a few dozen operations, relative error far below {@code 2^-40}).
 *
 * <h2>Propagation</h2>
 * When the executor's input codes differ from the fake-quantized ones by at most {@code D}, the
 * executor's output {@code e} and the fake-quantized {@code f} satisfy
 * {@code |f - e| <= floor(|v - r(q_f)| + |r(q_f) - r(q_e)|) + 1}. For conv/dense,
 * {@code |r(q_f) - r(q_e)| <= Mq D ||c_row||_1}; for an average over {@code k} positions
 * {@code Mq k D}; for the add, each {@code R_j} moves by at most {@code floor(2^20 M_j D_j) + 1}
 * (nothing when {@code D_j = 0}); a max pool passes {@code D} on; clamps only contract. With the
 * data-independent worst case of {@code delta} ({@code |q - Z| <= max(127 - Z, Z + 128)}) this gives
 * a bound per op, computed from the artifact alone ({@link #propagate}).
 */
final class ExactInt8Reference {

    /** Unit roundoff of float. */
    static final double U = 0x1p-24;
    /** Relative error of a Q31 multiplier against the real ratio of double scales it was computed from. */
    static final double RHO = 0x1p-31 + 0x1p-51;
    /** Relative error of an int32 bias's double division (two roundings). */
    static final double BIAS_DIVISION = 0x1p-51;
    /** Inflation of a bound evaluated in double. */
    static final double SAFETY = 1 + 0x1p-40;
    /** TFLite's headroom shift of the quantized add, which the artifact must use for {@link #add}'s bound. */
    static final int ADD_LEFT_SHIFT = 20;

    private final LoadedArtifact artifact;
    private final Map<Integer, TensorInfo> tensors = new LinkedHashMap<>();

    ExactInt8Reference(LoadedArtifact artifact) {
        this.artifact = artifact;
        artifact.model().tensors().forEach(t -> tensors.put(t.id(), t));
    }

    /** @return {@code gamma_n = n u / (1 - n u)} */
    static double gamma(int n) {
        return n * U / (1 - n * U);
    }

    /**
     * One int8 op evaluated on given input codes.
     *
     * @param codes the reference output codes (clamped)
     * @param boundaryDistance distance of the exact pre-rounding value {@code r} to the nearest
     *     {@code k + 1/2} (infinite for a max pool, whose codes are exact)
     * @param delta the proven bound on the fake-quantized network's distance to {@code r}
     */
    record Int8Result(int[] codes, double[] boundaryDistance, double[] delta) {
    }

    /**
     * Int32 logits evaluated on given input codes.
     *
     * @param accumulators {@code acc + bq}, exact
     * @param scales {@code S_in S_w[c]} per class
     * @param fakeQuantBound the proven bound on {@code |L_f - S_in S_w (acc + bq)|} per element
     * @param integerBiasBound the same bound when the fake-quantized layer adds the integer model's
     *     bias ({@code IntegerBias}: {@code fl32(bq * S')}, {@code S' = S_in S_w} in double): the
     *     bias rounding (1/2) and division terms vanish; the bias carries two roundings (to float32,
     *     and the addition), within {@code gamma_{n+4}}'s count, and the artifact's scale may be the
     *     float32 rounding of {@code S'}, which moves {@code S' (acc + bq)} by at most
     *     {@code u |S (acc + bq)|}
     */
    record LogitResult(long[] accumulators, double[] scales, double[] fakeQuantBound, double[] integerBiasBound) {
    }

    TensorInfo tensor(int id) {
        return tensors.get(id);
    }

    /**
     * @param op an int8 op of the artifact
     * @param inputs its input codes, one array per input position (batch-major)
     * @param batch examples
     * @return the reference
     */
    Int8Result evaluate(OpNode op, List<int[]> inputs, int batch) {
        return switch (op.opType()) {
            case Conv2dOp.NAME -> conv2d(op, inputs.get(0), batch);
            case FullyConnectedOp.NAME -> fullyConnected(op, inputs.get(0), batch);
            case MaxPool2dOp.NAME -> maxPool(op, inputs.get(0), batch);
            case AveragePool2dOp.NAME -> averagePool(op, inputs.get(0), batch);
            case GlobalAveragePoolOp.NAME -> globalAveragePool(op, inputs.get(0), batch);
            case AddOp.NAME -> add(op, inputs.get(0), inputs.get(1), batch);
            default -> throw new IllegalArgumentException("no reference for op " + op.opType() + " '" + op.name() + "'");
        };
    }

    private int ints(OpNode op, String key) {
        return (int) op.attributes().ints(key)[0];
    }

    private int[] intList(OpNode op, String key) {
        long[] v = op.attributes().ints(key);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    /** Integer weight codes {@code [O][K]}, unpacked from the blob (two's complement nibbles, low first, at 4 bits). */
    int[][] weights(OpNode op) {
        TensorInfo w = tensor(op.input(1));
        byte[] data = artifact.data(w);
        int rows = w.dim(0);
        int k = w.elementCount() / rows;
        int[][] out = new int[rows][k];
        for (int i = 0; i < rows * k; i++) {
            int v;
            if (w.type() == ElementType.INT4_PACKED) {
                int nibble = (i % 2 == 0 ? data[i / 2] : data[i / 2] >> 4) & 0xF;
                v = nibble >= 8 ? nibble - 16 : nibble;
            } else {
                v = data[i];
            }
            out[i / k][i % k] = v;
        }
        return out;
    }

    /** The int32 bias, little-endian. */
    int[] bias(OpNode op) {
        TensorInfo b = tensor(op.input(2));
        ByteBuffer buf = ByteBuffer.wrap(artifact.data(b)).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[b.dim(0)];
        for (int i = 0; i < out.length; i++) {
            out[i] = buf.getInt();
        }
        return out;
    }

    /** Requantizes {@code x} by {@code m 2^(shift - 31)}, nearest, ties up; records the boundary distance. */
    private static int requantize(long x, int m, int shift, double[] distance, int at) {
        int t = 31 - shift;
        long n = x * m; // |x| < 2^31, m < 2^31
        long floor = n >> t;
        long frac = n - (floor << t); // in [0, 2^t)
        if (distance != null) {
            distance[at] = Math.scalb((double) Math.abs(frac - (1L << (t - 1))), -t);
        }
        return (int) ((n + (1L << (t - 1))) >> t);
    }

    private static double realMultiplier(int m, int shift) {
        return Math.scalb((double) m, shift - 31);
    }

    private static int clamp(int v, int[] clamp) {
        return Math.max(clamp[0], Math.min(clamp[1], v));
    }

    /** Largest {@code |q - Z|} of an int8 code. */
    static int maxOffset(int zeroPoint) {
        return Math.max(127 - zeroPoint, zeroPoint + 128);
    }

    /** The conv/dense bound {@code delta} (class documentation). */
    private static double linearDelta(double mq, long accPlusBias, long bias, long sumAbs, int terms) {
        return SAFETY * mq / (1 - RHO) * (RHO * Math.abs(accPlusBias) + 0.5 + (Math.abs(bias) + 1) * BIAS_DIVISION
                + gamma(terms + 8) * (sumAbs + Math.abs(bias) + 1));
    }

    /** The pooling bound {@code delta} over {@code k} positions (class documentation). */
    private static double poolDelta(double mq, long sum, long sumAbs, int k) {
        return SAFETY * mq / (1 - RHO) * (RHO * Math.abs(sum) + gamma(k + 5) * sumAbs);
    }

    private Int8Result conv2d(OpNode op, int[] x, int batch) {
        int[] in = intList(op, CommonAttributes.IN_SHAPE.name());
        int[] kernel = intList(op, CommonAttributes.KERNEL.name());
        int[] stride = intList(op, CommonAttributes.STRIDE.name());
        int[] dilation = intList(op, CommonAttributes.DILATION.name());
        int[] pad = intList(op, CommonAttributes.PAD.name());
        int groups = ints(op, Conv2dOp.GROUPS.name());
        int zIn = ints(op, CommonAttributes.INPUT_ZERO_POINT.name());
        int zOut = ints(op, CommonAttributes.OUTPUT_ZERO_POINT.name());
        int[] m = intList(op, CommonAttributes.MULTIPLIERS.name());
        int[] s = intList(op, CommonAttributes.SHIFTS.name());
        int[] clamp = intList(op, CommonAttributes.CLAMP.name());
        int[][] w = weights(op);
        int[] b = bias(op);
        int[] outShape = tensor(op.output(0)).shape();
        int outC = outShape[0];
        int outH = outShape[1];
        int outW = outShape[2];
        int inC = in[0] / groups;
        int terms = inC * kernel[0] * kernel[1];
        int size = outC * outH * outW;
        Int8Result r = new Int8Result(new int[batch * size], new double[batch * size], new double[batch * size]);
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < outC; o++) {
                int g = o / (outC / groups);
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        long acc = 0;
                        long sumAbs = 0;
                        for (int ci = 0; ci < inC; ci++) {
                            for (int ky = 0; ky < kernel[0]; ky++) {
                                int iy = oy * stride[0] - pad[0] + ky * dilation[0];
                                for (int kx = 0; kx < kernel[1]; kx++) {
                                    int ix = ox * stride[1] - pad[1] + kx * dilation[1];
                                    if (iy < 0 || iy >= in[1] || ix < 0 || ix >= in[2]) {
                                        continue; // padding holds Z_in: x - Z_in = 0
                                    }
                                    long p = (long) (x[((n * in[0] + g * inC + ci) * in[1] + iy) * in[2] + ix] - zIn)
                                            * w[o][(ci * kernel[0] + ky) * kernel[1] + kx];
                                    acc += p;
                                    sumAbs += Math.abs(p);
                                }
                            }
                        }
                        int at = n * size + (o * outH + oy) * outW + ox;
                        long total = acc + b[o];
                        r.codes()[at] = clamp(requantize(total, m[o], s[o], r.boundaryDistance(), at) + zOut, clamp);
                        r.delta()[at] = linearDelta(realMultiplier(m[o], s[o]), total, b[o], sumAbs, terms);
                    }
                }
            }
        }
        return r;
    }

    /** Accumulators {@code acc + bq} and {@code sum |(q - Z) c|} of a fully connected op, {@code [batch][O]}. */
    private long[][] dense(OpNode op, int[] x, int batch, long[] sumAbsOut) {
        int zIn = ints(op, CommonAttributes.INPUT_ZERO_POINT.name());
        int[][] w = weights(op);
        int[] b = bias(op);
        int k = w[0].length;
        long[][] out = new long[batch][w.length];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < w.length; o++) {
                long acc = b[o];
                long sumAbs = 0;
                for (int i = 0; i < k; i++) {
                    long p = (long) (x[n * k + i] - zIn) * w[o][i];
                    acc += p;
                    sumAbs += Math.abs(p);
                }
                out[n][o] = acc;
                sumAbsOut[n * w.length + o] = sumAbs;
            }
        }
        return out;
    }

    private Int8Result fullyConnected(OpNode op, int[] x, int batch) {
        int zOut = ints(op, CommonAttributes.OUTPUT_ZERO_POINT.name());
        int[] m = intList(op, CommonAttributes.MULTIPLIERS.name());
        int[] s = intList(op, CommonAttributes.SHIFTS.name());
        int[] clamp = intList(op, CommonAttributes.CLAMP.name());
        int[] b = bias(op);
        int outC = b.length;
        int terms = weights(op)[0].length;
        long[] sumAbs = new long[batch * outC];
        long[][] acc = dense(op, x, batch, sumAbs);
        Int8Result r = new Int8Result(new int[batch * outC], new double[batch * outC], new double[batch * outC]);
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < outC; o++) {
                int at = n * outC + o;
                r.codes()[at] = clamp(requantize(acc[n][o], m[o], s[o], r.boundaryDistance(), at) + zOut, clamp);
                r.delta()[at] = linearDelta(realMultiplier(m[o], s[o]), acc[n][o], b[o], sumAbs[at], terms);
            }
        }
        return r;
    }

    /**
     * @param op the {@code fully_connected_logits} op
     * @param x its input codes
     * @param batch examples
     * @return the exact logits and the bound on the fake-quantized float logits
     */
    LogitResult logits(OpNode op, int[] x, int batch) {
        if (!op.opType().equals(FullyConnectedLogitsOp.NAME)) {
            throw new IllegalArgumentException(op.opType() + " '" + op.name() + "' has no int32 logits");
        }
        int[] b = bias(op);
        int classes = b.length;
        int terms = weights(op)[0].length;
        TensorInfo out = tensor(op.output(0));
        long[] sumAbs = new long[batch * classes];
        long[][] acc = dense(op, x, batch, sumAbs);
        LogitResult r = new LogitResult(new long[batch * classes], new double[classes], new double[batch * classes],
                new double[batch * classes]);
        for (int c = 0; c < classes; c++) {
            r.scales()[c] = out.quant().scale(c);
        }
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < classes; c++) {
                int at = n * classes + c;
                r.accumulators()[at] = acc[n][c];
                r.fakeQuantBound()[at] = SAFETY * r.scales()[c] * (1 + 0x1p-52) * (0.5 + (Math.abs(b[c]) + 1) * BIAS_DIVISION
                        + gamma(terms + 4) * (sumAbs[at] + Math.abs(b[c]) + 1));
                r.integerBiasBound()[at] = SAFETY * r.scales()[c] * (1 + 0x1p-52) * (gamma(terms + 4) * (sumAbs[at]
                        + Math.abs(b[c]) + 1) + U * Math.abs(acc[n][c]));
            }
        }
        return r;
    }

    /** Bound on {@code |(float) (a * fl(S)) - a S|}, the executor's dequantization of an accumulator {@code a}. */
    static double dequantizationBound(long accumulator, double scale) {
        return SAFETY * (U + 0x1p-52) * Math.abs(accumulator) * scale;
    }

    private Int8Result maxPool(OpNode op, int[] x, int batch) {
        int[] in = intList(op, CommonAttributes.IN_SHAPE.name());
        int[] kernel = intList(op, CommonAttributes.KERNEL.name());
        int[] stride = intList(op, CommonAttributes.STRIDE.name());
        int[] pad = intList(op, CommonAttributes.PAD.name());
        int[] outShape = tensor(op.output(0)).shape();
        int size = outShape[0] * outShape[1] * outShape[2];
        Int8Result r = new Int8Result(new int[batch * size], new double[batch * size], new double[batch * size]);
        java.util.Arrays.fill(r.boundaryDistance(), Double.POSITIVE_INFINITY);
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < in[0]; c++) {
                for (int oy = 0; oy < outShape[1]; oy++) {
                    for (int ox = 0; ox < outShape[2]; ox++) {
                        int max = Integer.MIN_VALUE;
                        for (int ky = 0; ky < kernel[0]; ky++) {
                            for (int kx = 0; kx < kernel[1]; kx++) {
                                int iy = oy * stride[0] - pad[0] + ky;
                                int ix = ox * stride[1] - pad[1] + kx;
                                if (iy >= 0 && iy < in[1] && ix >= 0 && ix < in[2]) {
                                    max = Math.max(max, x[((n * in[0] + c) * in[1] + iy) * in[2] + ix]);
                                }
                            }
                        }
                        r.codes()[n * size + (c * outShape[1] + oy) * outShape[2] + ox] = max;
                    }
                }
            }
        }
        return r;
    }

    private Int8Result averagePool(OpNode op, int[] x, int batch) {
        int[] in = intList(op, CommonAttributes.IN_SHAPE.name());
        int[] kernel = intList(op, CommonAttributes.KERNEL.name());
        int[] stride = intList(op, CommonAttributes.STRIDE.name());
        int[] pad = intList(op, CommonAttributes.PAD.name());
        int zIn = ints(op, CommonAttributes.INPUT_ZERO_POINT.name());
        int zOut = ints(op, CommonAttributes.OUTPUT_ZERO_POINT.name());
        int[] m = intList(op, CommonAttributes.MULTIPLIERS.name());
        int[] s = intList(op, CommonAttributes.SHIFTS.name());
        int[] outShape = tensor(op.output(0)).shape();
        int size = outShape[0] * outShape[1] * outShape[2];
        Int8Result r = new Int8Result(new int[batch * size], new double[batch * size], new double[batch * size]);
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < in[0]; c++) {
                for (int oy = 0; oy < outShape[1]; oy++) {
                    for (int ox = 0; ox < outShape[2]; ox++) {
                        long sum = 0;
                        long sumAbs = 0;
                        int count = 0;
                        for (int ky = 0; ky < kernel[0]; ky++) {
                            for (int kx = 0; kx < kernel[1]; kx++) {
                                int iy = oy * stride[0] - pad[0] + ky;
                                int ix = ox * stride[1] - pad[1] + kx;
                                if (iy >= 0 && iy < in[1] && ix >= 0 && ix < in[2]) { // padding is not counted
                                    int d = x[((n * in[0] + c) * in[1] + iy) * in[2] + ix] - zIn;
                                    sum += d;
                                    sumAbs += Math.abs(d);
                                    count++;
                                }
                            }
                        }
                        int at = n * size + (c * outShape[1] + oy) * outShape[2] + ox;
                        r.codes()[at] = clamp(requantize(sum, m[count - 1], s[count - 1], r.boundaryDistance(), at) + zOut,
                                new int[] {-128, 127});
                        r.delta()[at] = poolDelta(realMultiplier(m[count - 1], s[count - 1]), sum, sumAbs, count);
                    }
                }
            }
        }
        return r;
    }

    private Int8Result globalAveragePool(OpNode op, int[] x, int batch) {
        int[] in = intList(op, CommonAttributes.IN_SHAPE.name());
        int zIn = ints(op, CommonAttributes.INPUT_ZERO_POINT.name());
        int zOut = ints(op, CommonAttributes.OUTPUT_ZERO_POINT.name());
        int m = intList(op, CommonAttributes.MULTIPLIERS.name())[0];
        int s = intList(op, CommonAttributes.SHIFTS.name())[0];
        int[] clamp = intList(op, CommonAttributes.CLAMP.name());
        int count = in[1] * in[2];
        Int8Result r = new Int8Result(new int[batch * in[0]], new double[batch * in[0]], new double[batch * in[0]]);
        for (int plane = 0; plane < batch * in[0]; plane++) {
            long sum = 0;
            long sumAbs = 0;
            for (int i = 0; i < count; i++) {
                int d = x[plane * count + i] - zIn;
                sum += d;
                sumAbs += Math.abs(d);
            }
            r.codes()[plane] = clamp(requantize(sum, m, s, r.boundaryDistance(), plane) + zOut, clamp);
            r.delta()[plane] = poolDelta(realMultiplier(m, s), sum, sumAbs, count);
        }
        return r;
    }

    /** The add's parameters, read from its attributes. */
    private record AddView(int z1, int m1, int s1, int z2, int m2, int s2, int leftShift, int mOut, int sOut, int zOut,
                           int[] clamp, double ratio1, double ratio2) {
    }

    private AddView addView(OpNode op) {
        double sOut = tensor(op.output(0)).quant().scale(0);
        return new AddView(ints(op, AddOp.INPUT1_ZERO_POINT.name()), ints(op, AddOp.INPUT1_MULTIPLIER.name()),
                ints(op, AddOp.INPUT1_SHIFT.name()), ints(op, AddOp.INPUT2_ZERO_POINT.name()),
                ints(op, AddOp.INPUT2_MULTIPLIER.name()), ints(op, AddOp.INPUT2_SHIFT.name()),
                ints(op, AddOp.LEFT_SHIFT.name()), ints(op, AddOp.OUTPUT_MULTIPLIER.name()), ints(op, AddOp.OUTPUT_SHIFT.name()),
                ints(op, CommonAttributes.OUTPUT_ZERO_POINT.name()), intList(op, CommonAttributes.CLAMP.name()),
                tensor(op.input(0)).quant().scale(0) / sOut, tensor(op.input(1)).quant().scale(0) / sOut);
    }

    private Int8Result add(OpNode op, int[] a, int[] b, int batch) {
        AddView p = addView(op);
        if (p.leftShift() != ADD_LEFT_SHIFT) {
            throw new IllegalArgumentException("add '" + op.name() + "' has left shift " + p.leftShift() + ", the bound assumes "
                    + ADD_LEFT_SHIFT);
        }
        double mOut = realMultiplier(p.mOut(), p.sOut());
        int size = a.length;
        Int8Result r = new Int8Result(new int[size], new double[size], new double[size]);
        for (int i = 0; i < size; i++) {
            long d1 = a[i] - p.z1();
            long d2 = b[i] - p.z2();
            long sum = (long) requantize(d1 << p.leftShift(), p.m1(), p.s1(), null, 0)
                    + requantize(d2 << p.leftShift(), p.m2(), p.s2(), null, 0);
            r.codes()[i] = clamp(requantize(sum, p.mOut(), p.sOut(), r.boundaryDistance(), i) + p.zOut(), p.clamp());
            r.delta()[i] = SAFETY * (mOut + ((1 + RHO) * (1 + RHO) - 1 + gamma(5))
                    * (Math.abs(d1) * p.ratio1() + Math.abs(d2) * p.ratio2()));
        }
        return r;
    }

    /**
     * The propagated bound of an int8 op (class documentation): the largest difference between the
     * executor's and the fake-quantized output codes when their inputs differ by at most the given
     * bounds.
     *
     * @param op an int8 op
     * @param inputBounds bound per input position
     * @return the bound on its output
     */
    int propagate(OpNode op, int[] inputBounds) {
        int d = inputBounds[0];
        return switch (op.opType()) {
            case MaxPool2dOp.NAME -> d;
            case Conv2dOp.NAME, FullyConnectedOp.NAME -> {
                int zIn = ints(op, CommonAttributes.INPUT_ZERO_POINT.name());
                int[] m = intList(op, CommonAttributes.MULTIPLIERS.name());
                int[] s = intList(op, CommonAttributes.SHIFTS.name());
                int[][] w = weights(op);
                int[] b = bias(op);
                int worst = 0;
                for (int o = 0; o < w.length; o++) {
                    long l1 = l1(w[o]);
                    long accMax = maxOffset(zIn) * l1 + Math.abs(b[o]);
                    double mq = realMultiplier(m[o], s[o]);
                    double delta = linearDelta(mq, accMax, b[o], accMax, w[o].length);
                    worst = Math.max(worst, floorPlusOne(SAFETY * mq * d * l1 + delta));
                }
                yield worst;
            }
            case AveragePool2dOp.NAME -> {
                int zIn = ints(op, CommonAttributes.INPUT_ZERO_POINT.name());
                int[] m = intList(op, CommonAttributes.MULTIPLIERS.name());
                int[] s = intList(op, CommonAttributes.SHIFTS.name());
                int worst = 0;
                for (int k = 1; k <= m.length; k++) {
                    worst = Math.max(worst, poolBound(realMultiplier(m[k - 1], s[k - 1]), k, maxOffset(zIn), d));
                }
                yield worst;
            }
            case GlobalAveragePoolOp.NAME -> {
                int[] in = intList(op, CommonAttributes.IN_SHAPE.name());
                int zIn = ints(op, CommonAttributes.INPUT_ZERO_POINT.name());
                yield poolBound(realMultiplier(intList(op, CommonAttributes.MULTIPLIERS.name())[0],
                        intList(op, CommonAttributes.SHIFTS.name())[0]), in[1] * in[2], maxOffset(zIn), d);
            }
            case AddOp.NAME -> {
                AddView p = addView(op);
                double mOut = realMultiplier(p.mOut(), p.sOut());
                long moved = addendMove(p.m1(), p.s1(), p.leftShift(), inputBounds[0])
                        + addendMove(p.m2(), p.s2(), p.leftShift(), inputBounds[1]);
                double delta = SAFETY * (mOut + ((1 + RHO) * (1 + RHO) - 1 + gamma(5))
                        * (maxOffset(p.z1()) * p.ratio1() + maxOffset(p.z2()) * p.ratio2()));
                yield floorPlusOne(SAFETY * mOut * moved + delta);
            }
            default -> throw new IllegalArgumentException("no propagation for op " + op.opType() + " '" + op.name() + "'");
        };
    }

    /** How far {@code R_j = round((q - Z) 2^L M_j)} can move when {@code q} moves by at most {@code d}. */
    private static long addendMove(int m, int shift, int leftShift, int d) {
        return d == 0 ? 0 : (long) Math.floor(SAFETY * realMultiplier(m, shift) * Math.scalb((double) d, leftShift)) + 1;
    }

    private static int poolBound(double mq, int k, int maxOffset, int d) {
        double delta = SAFETY * mq / (1 - RHO) * (RHO + gamma(k + 5)) * k * maxOffset;
        return floorPlusOne(SAFETY * mq * k * d + delta);
    }

    /** {@code floor(t) + 1}, capped at 255, the largest difference of two int8 codes. */
    private static int floorPlusOne(double t) {
        return (int) Math.min(255, Math.floor(t) + 1);
    }

    static long l1(int[] row) {
        long s = 0;
        for (int v : row) {
            s += Math.abs(v);
        }
        return s;
    }

    /**
     * Runs one op of the artifact alone on the executor: a one-op model whose graph inputs are the
     * op's activation inputs (the executor takes any activation as a named input).
     *
     * @param op the op
     * @param inputs codes per input position
     * @param batch examples
     * @return the executor's output tensor
     */
    Tensor runAlone(OpNode op, List<int[]> inputs, int batch) {
        List<TensorInfo> used = new ArrayList<>();
        List<Integer> graphInputs = new ArrayList<>();
        Map<String, Tensor> values = new LinkedHashMap<>();
        for (int k = 0; k < op.inputCount(); k++) {
            TensorInfo t = tensor(op.input(k));
            if (used.contains(t)) {
                continue;
            }
            used.add(t);
            if (!t.isConstant()) {
                graphInputs.add(t.id());
                byte[] codes = new byte[inputs.get(k).length];
                for (int i = 0; i < codes.length; i++) {
                    codes[i] = (byte) inputs.get(k)[i];
                }
                values.put(t.name(), Tensor.int8(Tensor.withLeading(batch, t.shape()), codes));
            }
        }
        TensorInfo out = tensor(op.output(0));
        used.add(out);
        ModelArtifact one = ModelArtifact.of(Provenance.EMPTY, used, List.of(op),
                graphInputs.stream().mapToInt(Integer::intValue).toArray(), new int[] {out.id()});
        try {
            Int8Executor ex = Int8Executor.of(new LoadedArtifact(one, artifact.blobs()), "op '" + op.name() + "' alone");
            return ex.run(values).get(out.name());
        } catch (io.qat4j.executor.artifact.ArtifactFormatException e) {
            throw new IllegalStateException("op '" + op.name() + "' does not load alone: " + e.getMessage(), e);
        }
    }
}
