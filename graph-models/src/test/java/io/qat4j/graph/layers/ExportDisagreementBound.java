package io.qat4j.graph.layers;

import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.SegmentPoolParams.Reduction;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.kernel.EdgeSoftmax;
import io.qat4j.executor.kernel.PackedInt4;
import io.qat4j.executor.op.AddSelfLoopsOp;
import io.qat4j.executor.op.AttentionLogitsOp;
import io.qat4j.executor.op.BiasRequantizeOp;
import io.qat4j.executor.op.ChannelAffineOp;
import io.qat4j.executor.op.EdgeSoftmaxOp;
import io.qat4j.executor.op.FullyConnectedLogitsOp;
import io.qat4j.executor.op.FullyConnectedOp;
import io.qat4j.executor.op.GatherOp;
import io.qat4j.executor.op.GcnNormOp;
import io.qat4j.executor.op.IntAttribute;
import io.qat4j.executor.op.IntListAttribute;
import io.qat4j.executor.op.LeakyReluOp;
import io.qat4j.executor.op.ScatterAddOp;
import io.qat4j.executor.op.SegmentPoolOp;
import io.qat4j.executor.op.WeightedGatherOp;
import java.util.HashMap;
import java.util.Map;

/**
 * How far the executor's codes can be from the fake-quantized network's, derived op by op from an
 * exported graph network, its scales and weights, and the batch's largest in-degree and graph.
 *
 * <p>Each op of the artifact computes the tensor of one quantizer of the network. Given the same
 * input codes, both round the same real value, the executor from its exact integer accumulator
 * and the network from a float32 computation: they can differ only where that value lies within
 * float32 error of a rounding boundary, and then by one code. Given input codes that differ by at
 * most {@code d_in}, the real value differs by at most {@code L d_in S_in} ({@code L} the op's
 * Lipschitz constant in its inputs), so the output codes differ by at most
 * {@code floor(L d_in S_in / S_out) + 1}; clamps never widen a difference. Sum aggregations are the
 * exception: the network computes {@code scatter_add}'s codes from its message codes as the kernel
 * does ({@code IntegerReductions}), so the same message codes give the same aggregate. The quantized network
 * input is the same on both sides ({@code d = 0}); integer inputs are exact. The read-out's logits
 * then differ by at most {@code S_h max_c sum_k |W_ck|} per code of difference of its input.
 * Biases rounded onto their int32 grid add half a unit of that grid ({@code bias_requantize},
 * {@code fully_connected}).
 *
 * <p>Graph attention: where the network quantizes, it computes the logits, the LeakyReLU, the
 * coefficients and the messages from its feature codes with the integer model's kernels
 * ({@code IntegerAttention}), so equal feature codes give equal codes all the way to the
 * aggregate. From feature codes {@code d_f > 0} apart: the int32 scores differ by at most
 * {@code d_f S_f max_h S_a sum |a_h|} (a real error, carried to {@code attention_logits}' rounding);
 * {@code leaky_relu}, monotone with the multipliers 1 and 0.2 on one grid, by at most one code more
 * than its input; then logits within {@code eta} (real) change the exact softmax {@code s} by a
 * factor within {@code e^{+-2 eta}}, and each side's {@code edge_softmax} errs against the exact
 * softmax of its own input by at most {@code s (U/L - 1) + A}, {@code A = 2^-(k+1) + D 2^-29}
 * (the derivation of {@code EdgeSoftmaxTest}'s {@code softmaxIsWithinTheDerivedBound}, here with
 * {@code q <= 30}, so {@code U = U0 e^{30 S'}}; {@code D 2^-29} for the floors below the polynomial,
 * {@code 1 / (c 2^16)} with {@code c >= 2^21}, and for terms clamped at {@code 30 x0}; {@code D}
 * the largest in-degree with the self-loop). So the two coefficients differ by at most
 * {@code s rel + 2A}, {@code rel = (U/L - 1)(1 + e^{2 eta}) + e^{2 eta} - 1}: {@code ceil} of that
 * in codes of the scale {@code 2^-k} (at most {@code 2^k}: both lie in {@code [0, 1]}), whose
 * codes reach {@code 2^k} (not 255) in {@code weighted_gather}. Summed over the edges into one
 * target, {@code s} sums to 1 and each side's codes to {@code 2^k} within {@code D/2}, so the
 * messages {@code alpha f} that {@code scatter_add} sums differ by at most
 * {@code S_f (M min(rel + 2 D A, 2 + D 2^-k) + d_f (1 + D 2^-(k+1))) + D S_msg},
 * {@code M = max |f - Z_f|} (each message rounds once on each side), not {@code D} times the worst
 * message.
 */
final class ExportDisagreementBound {

    private final Map<Integer, TensorInfo> tensors = new HashMap<>();
    private final Map<Integer, Long> codes = new HashMap<>();
    /** Int32 tensors (and the LeakyReLU's codes): the bound on their real difference. */
    private final Map<Integer, Double> realError = new HashMap<>();
    /** The largest {@code |code - Z|} of a weights operand, where not 255. */
    private final Map<Integer, Double> maxCode = new HashMap<>();
    /** {@code edge_softmax}'s coefficients: the bound on their difference between the two sides. */
    private final Map<Integer, SoftmaxError> softmax = new HashMap<>();
    /** Graph attention's messages: the bound on their real difference summed over the edges into one target. */
    private final Map<Integer, Double> summedError = new HashMap<>();

    /**
     * {@code |alpha_1 - alpha_2| <= s relative + absolute} per edge, {@code s} the exact softmax of the network's logits.
     *
     * @param relative {@code (U/L - 1)(1 + e^{2 eta}) + e^{2 eta} - 1}
     * @param absolute {@code 2 (2^-(k+1) + D 2^-29)}
     * @param fractionBits {@code k}
     */
    private record SoftmaxError(double relative, double absolute, int fractionBits) {
    }
    private double logitsPerCode = Double.NaN;
    private double logitBias = Double.NaN;

    /**
     * @param artifact the exported network
     * @param maxInDegree the batch's largest in-degree, self-loop included where an op adds it
     * @param maxGraphNodes the batch's largest graph
     */
    ExportDisagreementBound(LoadedArtifact artifact, int maxInDegree, int maxGraphNodes) {
        artifact.model().tensors().forEach(t -> tensors.put(t.id(), t));
        for (OpNode op : artifact.model().ops()) {
            long d = switch (op.opType()) {
                case AddSelfLoopsOp.NAME -> 0;
                case GcnNormOp.NAME -> 1;
                case GatherOp.NAME -> d(op.input(0));
                case BiasRequantizeOp.NAME -> round(d(op.input(0)) * scale(op.input(0)) + halfUnit(op.input(1)), op);
                case FullyConnectedOp.NAME -> round(d(op.input(0)) * scale(op.input(0)) * rowSum(artifact, op.input(1))
                        + halfUnit(op.input(2)), op);
                // the network computes it with the kernel from its own scores: exact scores give the same codes
                case AttentionLogitsOp.NAME -> realError.get(op.input(0)) + realError.get(op.input(1)) == 0 ? 0
                        : round(realError.get(op.input(0)) + realError.get(op.input(1)), op);
                case LeakyReluOp.NAME -> {
                    long leaky = d(op.input(0)) == 0 ? 0 : d(op.input(0)) + 1;
                    realError.put(op.output(0), leaky * scale(op.output(0)));
                    yield leaky;
                }
                case EdgeSoftmaxOp.NAME -> {
                    int k = (int) op.attributes().ints(EdgeSoftmaxOp.OUTPUT_FRACTION_BITS.name())[0];
                    double eta = realError.get(op.input(0));
                    if (eta == 0) {
                        softmax.put(op.output(0), new SoftmaxError(0, 0, k));
                        maxCode.put(op.output(0), Math.scalb(1.0, k));
                        yield 0;
                    }
                    double relative = softmaxRelativeError(op, scale(op.input(0))) * (1 + Math.exp(2 * eta)) + Math.expm1(2 * eta);
                    double absolute = 2 * (Math.scalb(1.0, -(k + 1)) + (maxInDegree + 1) * 0x1p-29);
                    softmax.put(op.output(0), new SoftmaxError(relative, absolute, k));
                    maxCode.put(op.output(0), Math.scalb(1.0, k));
                    yield (long) Math.ceil(Math.scalb(Math.min(relative + absolute, 1), k)); // both coefficients lie in [0, 1]
                }
                case WeightedGatherOp.NAME -> {
                    SoftmaxError a = softmax.get(op.input(2));
                    if (d(op.input(0)) == 0 && d(op.input(2)) == 0) {
                        yield 0; // the same codes through the same kernel
                    }
                    if (a != null) {
                        double edges = maxInDegree + 1;
                        double alphaSum = a.relative() + edges * a.absolute();
                        double unit = Math.scalb(1.0, -a.fractionBits());
                        summedError.put(op.output(0), scale(op.input(0)) * (maxAbs(op.input(0)) * Math.min(alphaSum, 2 + edges * unit)
                                + d(op.input(0)) * (1 + edges * unit / 2)) + edges * scale(op.output(0)));
                    }
                    yield round(scale(op.input(0)) * scale(op.input(2))
                            * (maxCode.getOrDefault(op.input(2), 255.0) * d(op.input(0)) + maxAbs(op.input(0)) * d(op.input(2))
                            + (double) d(op.input(0)) * d(op.input(2))), op);
                }
                // the same message codes give the same codes: the network sums and requantizes them as the kernel does
                case ScatterAddOp.NAME -> summedError.containsKey(op.input(0)) ? round(summedError.get(op.input(0)), op)
                        : d(op.input(0)) == 0 ? 0 : round((double) (maxInDegree + 1) * d(op.input(0)) * scale(op.input(0)), op);
                // input i moves the output by |m_i| 2^L m_out codes per code (|w| S_2 / S_out for GIN's (1 + eps) x)
                case AddOp.NAME -> round(scale(op.output(0)) * (d(op.input(0)) * addFactor(op, AddOp.INPUT1_MULTIPLIER, AddOp.INPUT1_SHIFT)
                        + d(op.input(1)) * addFactor(op, AddOp.INPUT2_MULTIPLIER, AddOp.INPUT2_SHIFT)), op);
                case ChannelAffineOp.NAME -> {
                    // the fixed point's factors within 2^-(P+1) of a_c S_in / S_out per code of input offset (|x - Z| <= 255)
                    int[] m = intList(op, ChannelAffineOp.FACTORS);
                    int shift = (int) op.attributes().ints(ChannelAffineOp.FRACTION_BITS.name())[0];
                    long largest = java.util.Arrays.stream(m).mapToLong(v -> Math.abs((long) v)).max().orElse(0);
                    yield (long) Math.floor(Math.scalb((double) largest, -shift) * d(op.input(0)) + Math.scalb(257.0, -shift - 1)) + 1;
                }
                // in inference the network pools the same codes with the kernel: equal codes, equal output
                case SegmentPoolOp.NAME -> d(op.input(0)) == 0 ? 0 : poolBound(op, maxGraphNodes);
                case FullyConnectedLogitsOp.NAME -> {
                    // the read-out is the last of these; graph attention's scores come before it
                    logitsPerCode = scale(op.input(0)) * rowSum(artifact, op.input(1));
                    // the int32 bias is within half its unit of the float bias the fake-quantized read-out adds
                    logitBias = op.inputs().length > 2 && op.input(2) >= 0 ? halfUnit(op.input(2)) : 0;
                    realError.put(op.output(0), d(op.input(0)) * logitsPerCode + logitBias);
                    yield 0;
                }
                default -> throw new AssertionError("no bound for op " + op.opType());
            };
            codes.put(op.output(0), d);
        }
    }

    /** @return {@code |m_i| 2^L m_out}, output codes per code of input {@code i} of an {@code add} */
    private static double addFactor(OpNode op, IntAttribute multiplier, IntAttribute shift) {
        double in = Math.scalb((double) Math.abs(op.attributes().ints(multiplier.name())[0]),
                (int) op.attributes().ints(shift.name())[0] - 31);
        double out = Math.scalb((double) op.attributes().ints(AddOp.OUTPUT_MULTIPLIER.name())[0],
                (int) op.attributes().ints(AddOp.OUTPUT_SHIFT.name())[0] - 31);
        return Math.scalb(in * out, (int) op.attributes().ints(AddOp.LEFT_SHIFT.name())[0]);
    }

    /** {@code segment_pool} with input codes {@code d > 0} apart: the sum over a graph's nodes moves by {@code n d S_in}, the mean and max by {@code d S_in}. */
    private long poolBound(OpNode op, int maxGraphNodes) {
        Reduction r = Reduction.ofCode((int) op.attributes().ints(SegmentPoolOp.MODE.name())[0]);
        double n = r == Reduction.SUM ? maxGraphNodes : 1;
        // the mean's 16 fraction bits round once more, by at most 2^-17 S_in
        return round(n * d(op.input(0)) * scale(op.input(0)) + (r == Reduction.MEAN ? 0x1p-17 * scale(op.input(0)) : 0), op);
    }

    private static int[] intList(OpNode op, IntListAttribute a) {
        return java.util.Arrays.stream(op.attributes().ints(a.name())).mapToInt(v -> (int) v).toArray();
    }

    private long d(int tensor) {
        return codes.getOrDefault(tensor, 0L);
    }

    private double scale(int tensor) {
        return tensors.get(tensor).quant().scale(0);
    }

    /** @return {@code max |q - Z|} over the INT8 codes {@code [-128, 127]} of a tensor */
    private double maxAbs(int tensor) {
        int z = tensors.get(tensor).quant().zeroPoint(0);
        return Math.max(z + 128, 127 - z);
    }

    /** @return half the largest unit of a rounded bias constant */
    private double halfUnit(int bias) {
        TensorInfo t = tensors.get(bias);
        double max = 0;
        for (int c = 0; c < t.quant().count(); c++) {
            max = Math.max(max, t.quant().scale(c));
        }
        return max / 2;
    }

    /**
     * {@code U/L - 1} of the integer exponential (see the class comment): {@code L0}, {@code U0} the
     * extremes of {@code z(r) A S'^2 / exp(r S')} over the remainders {@code r = x0 + 1 .. 0}.
     */
    private static double softmaxRelativeError(OpNode op, double logitScale) {
        int p = (int) op.attributes().ints(EdgeSoftmaxOp.INPUT_SHIFT.name())[0];
        if (p < 0) {
            throw new AssertionError("no bound derived for edge_softmax with a negative input shift (logit scale " + logitScale + ")");
        }
        long x0 = op.attributes().ints(EdgeSoftmaxOp.EXP_X0.name())[0];
        long b = op.attributes().ints(EdgeSoftmaxOp.EXP_B.name())[0];
        long c = op.attributes().ints(EdgeSoftmaxOp.EXP_C.name())[0];
        double fine = Math.scalb(logitScale, -p);
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (long r = x0 + 1; r <= 0; r++) {
            double ratio = ((r + b) * r + c) * 0.35815147 * fine * fine / Math.exp(r * fine);
            lo = Math.min(lo, ratio);
            hi = Math.max(hi, ratio);
        }
        return hi * Math.exp(EdgeSoftmax.MAX_HALVINGS * fine) / lo - 1;
    }

    private long round(double realBound, OpNode op) {
        return (long) Math.floor(realBound / scale(op.output(0))) + 1;
    }

    /** @return {@code max_c S_w[c] sum_k |q_ck|} of an INT8 weight constant {@code [O, K]} */
    private double rowSum(LoadedArtifact artifact, int weights) {
        TensorInfo w = tensors.get(weights);
        int o = w.dim(0);
        int k = w.dim(1);
        byte[] stored = artifact.blobs().get(w.blobIndex());
        byte[] q = w.type() == ElementType.INT4_PACKED ? PackedInt4.unpack(stored, o * k) : stored;
        double max = 0;
        for (int c = 0; c < o; c++) {
            long sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.abs(q[c * k + j]);
            }
            max = Math.max(max, sum * w.quant().scale(c));
        }
        return max;
    }

    /**
     * @param name an int8 tensor's name
     * @return the bound on its code differences
     */
    long codes(String name) {
        return tensors.values().stream().filter(t -> t.name().equals(name)).findFirst()
                .map(t -> d(t.id())).orElseThrow(() -> new AssertionError("no tensor " + name));
    }

    /**
     * @param inputCodes the largest code difference of the read-out's input
     * @return the bound on a logit's difference: {@code S_h max_c sum_k |W_ck|} per input code, plus
     *     half a unit of the int32 bias (the fake-quantized read-out adds its float bias)
     */
    double logits(long inputCodes) {
        return logitsPerCode * inputCodes + logitBias;
    }
}
