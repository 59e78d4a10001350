package io.qat4j.executor.prep;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.BiasRequantizeParams;
import io.qat4j.executor.kernel.ChannelAffineParams;
import io.qat4j.executor.kernel.EdgeSoftmaxParams;
import io.qat4j.executor.kernel.Requantization;
import io.qat4j.executor.kernel.SegmentPool;
import io.qat4j.executor.kernel.SegmentPoolParams.Reduction;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.Rounding;

/**
 * The integer parameters of the graph ops, computed offline from floating-point scales (the
 * exporter's side of {@code scatter_add}, {@code segment_pool}, {@code weighted_aggregate},
 * {@code weighted_gather}, {@code leaky_relu}, {@code gcn_norm}, {@code edge_softmax} and {@code bias_requantize}): Q31 multipliers of scale ratios (TFLite
 * {@code QuantizeMultiplier}; Jacob et al., CVPR 2018, section 2.2), the dyadic form of the GCN
 * coefficients' scale, and I-BERT's integer constants of the exponential (Kim et al., ICML 2021).
 */
public final class GraphOpParams {

    /** I-BERT's polynomial {@code exp(r) ~= A (r + B)^2 + C} on {@code [-ln 2, 0]}, written {@code A ((r + b') r + c')}. */
    static final double POLY_A = 0.35815147;
    /** {@code b' = 0.96963238 / A}. */
    static final double POLY_B = 0.96963238 / POLY_A;
    /** {@code c' = 1 / A}. */
    static final double POLY_C = 1.0 / POLY_A;
    /** The fine logit scale {@code S'} lies in {@code [2^-(FINE_BITS + 1), 2^-FINE_BITS)}. */
    static final int FINE_BITS = 10;

    private GraphOpParams() {
    }

    /**
     * The output stage of {@code scatter_add}: {@code S_in / S_out}.
     *
     * @param inputScale the messages' scale
     * @param output the output's scale and zero point
     * @param clamp the output clamp
     * @return one channel
     */
    public static Requantization scatterAdd(double inputScale, AffineQuantParams output, ActivationClamp clamp) {
        return single(inputScale, output, clamp);
    }

    /**
     * The output stage of {@code attention_logits}: {@code S_f S_a / S_out}, no clamp beyond the
     * output's range (the LeakyReLU that follows is an op of its own).
     *
     * @param scoreScale the scores' scale {@code S_f S_a}
     * @param output the logits' scale and zero point
     * @return one channel
     */
    public static Requantization attentionLogits(double scoreScale, AffineQuantParams output) {
        return single(scoreScale, output, ActivationClamps.none(output));
    }

    /**
     * The output stage of {@code segment_pool}: {@code S_in / S_out} for sum and max,
     * {@code S_in / (S_out 2^16)} for the mean (which keeps {@value SegmentPool#MEAN_FRACTION_BITS}
     * fraction bits).
     *
     * @param reduction sum, mean or max
     * @param inputScale the node features' scale
     * @param output the output's scale and zero point
     * @param clamp the output clamp
     * @return one channel
     */
    public static Requantization segmentPool(Reduction reduction, double inputScale, AffineQuantParams output, ActivationClamp clamp) {
        double in = reduction == Reduction.MEAN ? Math.scalb(inputScale, -SegmentPool.MEAN_FRACTION_BITS) : inputScale;
        return single(in, output, clamp);
    }

    /**
     * The output stage of {@code weighted_aggregate} and {@code weighted_gather}: {@code S_w S_in / S_out}.
     *
     * @param weightScale the weights' scale ({@code 2^-k} for softmax codes)
     * @param inputScale the node features' scale
     * @param output the output's scale and zero point
     * @param clamp the output clamp
     * @return one channel
     */
    public static Requantization weightedAggregate(double weightScale, double inputScale, AffineQuantParams output,
            ActivationClamp clamp) {
        OutputMultipliers.checkScale(weightScale, "weight scale");
        return single(weightScale * inputScale, output, clamp);
    }

    /**
     * The output stage of {@code leaky_relu}: {@code [S_in / S_out, slope S_in / S_out]}.
     *
     * @param slope the negative slope, {@code >= 0} (0.2 in graph attention)
     * @param inputScale {@code S_in}
     * @param output the output's scale and zero point
     * @param clamp the output clamp
     * @return two channels
     */
    public static Requantization leakyRelu(double slope, double inputScale, AffineQuantParams output, ActivationClamp clamp) {
        if (!(slope >= 0) || Double.isInfinite(slope)) {
            throw new IllegalArgumentException("negative slope must be finite and >= 0, got " + slope);
        }
        return Requantization.of(OutputMultipliers.perChannel(inputScale, new double[] {1.0, slope}, output.scale()), output.zeroPoint(),
                clamp);
    }

    /**
     * The parameters of {@code bias_requantize}: the finest bias unit {@code S_in 2^-f}
     * ({@code f <= }{@value BiasRequantizeParams#MAX_BIAS_SHIFT}) whose accumulator bound
     * {@code (255 2^f + max |bias|) 2^max(shift, 0)} fits an int32, the bias rounded half away from
     * zero to that unit (error at most {@code S_in 2^-(f+1)}), and the multiplier of
     * {@code S_in 2^-f / S_out}.
     *
     * @param inputZeroPoint {@code Z_in}
     * @param inputScale {@code S_in}
     * @param bias the real bias per channel (zeros: a plain requantization)
     * @param output the output's scale and zero point
     * @param clamp the output clamp
     * @return the kernel parameters
     * @throws IllegalArgumentException if not even {@code f = 0} fits
     */
    public static BiasRequantizeParams biasRequantize(int inputZeroPoint, double inputScale, double[] bias, AffineQuantParams output,
            ActivationClamp clamp) {
        OutputMultipliers.checkScale(inputScale, "input scale");
        for (int f = BiasRequantizeParams.MAX_BIAS_SHIFT; f >= 0; f--) {
            double unit = Math.scalb(inputScale, -f);
            Requantization r = single(unit, output, clamp);
            int[] b = new int[bias.length];
            long bound = 0;
            boolean fits = true;
            for (int c = 0; c < bias.length && fits; c++) {
                double q = Rounding.halfAwayFromZero(bias[c] / unit);
                fits = Math.abs(q) <= Integer.MAX_VALUE;
                b[c] = fits ? (int) q : 0;
                bound = Math.max(bound, Math.abs((long) b[c]));
            }
            int left = r.maxLeftShift();
            bound += 255L << f;
            if (fits && left < 31 && bound <= (Integer.MAX_VALUE >> left)) {
                return new BiasRequantizeParams(bias.length, inputZeroPoint, f, b, r);
            }
        }
        throw new IllegalArgumentException("bias requantize: a bias of up to " + maxAbs(bias) + " at input scale " + inputScale
                + " overflows the int32 accumulator even at bias shift 0");
    }

    /**
     * {@code channel_affine}'s fixed point for {@code y_c = a_c x_c + t_c} from real
     * {@code x = S_in (q - Z_in)} onto the output's grid: {@code m_c = round(a_c S_in 2^P / S_out)},
     * {@code b_c = round(t_c 2^P / S_out)} (half away from zero), with the largest {@code P <= 30}
     * for which every {@code m_c} and {@code b_c} fits an int32, so each multiplier errs by at most
     * {@code 2^-(P+1)} and the map by at most {@code 2^-(P+1) (255 + 1)} output codes before the
     * final rounding.
     *
     * @param a the per-channel factors, any sign
     * @param t the per-channel offsets, real
     * @param input the input's scale and zero point
     * @param output the output's scale and zero point
     * @param clamp the output clamp
     * @return the kernel parameters
     * @throws IllegalArgumentException on lengths that differ, a value that is not finite, or an
     *     offset of {@code 2^31} output codes or more
     */
    public static ChannelAffineParams channelAffine(double[] a, double[] t, AffineQuantParams input, AffineQuantParams output,
            ActivationClamp clamp) {
        if (a.length != t.length || a.length == 0) {
            throw new IllegalArgumentException("channel affine: " + a.length + " factors and " + t.length + " offsets");
        }
        double[] m = new double[a.length];
        double[] b = new double[a.length];
        double largest = 0;
        for (int c = 0; c < a.length; c++) {
            m[c] = a[c] * input.scale() / output.scale();
            b[c] = t[c] / output.scale();
            if (!Double.isFinite(m[c]) || !Double.isFinite(b[c])) {
                throw new IllegalArgumentException("channel affine: channel " + c + " has factor " + a[c] + " and offset " + t[c]
                        + " (scales " + input.scale() + " -> " + output.scale() + "), not finite");
            }
            largest = Math.max(largest, Math.max(Math.abs(m[c]), Math.abs(b[c])));
        }
        for (int p = ChannelAffineParams.MAX_FRACTION_BITS; p >= 0; p--) {
            if (Rounding.halfAwayFromZero(Math.scalb(largest, p)) <= Integer.MAX_VALUE) {
                int[] mq = new int[a.length];
                int[] bq = new int[a.length];
                for (int c = 0; c < a.length; c++) {
                    mq[c] = (int) Rounding.halfAwayFromZero(Math.scalb(m[c], p));
                    bq[c] = (int) Rounding.halfAwayFromZero(Math.scalb(b[c], p));
                }
                return new ChannelAffineParams(a.length, input.zeroPoint(), p, mq, bq, output.zeroPoint(), clamp);
            }
        }
        throw new IllegalArgumentException("channel affine: a factor or offset of " + largest + " output codes does not fit an int32");
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static Requantization single(double inputScale, AffineQuantParams output, ActivationClamp clamp) {
        return Requantization.of(OutputMultipliers.perChannel(inputScale, new double[] {1.0}, output.scale()), output.zeroPoint(), clamp);
    }

    /**
     * The dyadic form of the GCN coefficients' scale for {@code gcn_norm}. Its
     * {@link QuantizedMultiplier#realValue()} is the scale the op rounds with; it equals
     * {@code scale} whenever {@code scale} has at most 31 significant bits (every float32 value),
     * and the exporter should write that value as the output tensor's scale.
     *
     * @param scale {@code S > 0}, normally a float32 value
     * @return {@code m 2^(shift - 31) = S}, rounded to 31 bits
     * @throws IllegalArgumentException if the scale is not positive and finite, or outside the shifts {@code [-31, 30]}
     */
    public static QuantizedMultiplier gcnNormScale(double scale) {
        OutputMultipliers.checkScale(scale, "GCN coefficient scale");
        QuantizedMultiplier q = QuantizedMultiplier.of(scale);
        if (q.multiplier() == 0 || q.shift() > 30) {
            throw new IllegalArgumentException("GCN coefficient scale " + scale + " is outside the dyadic range 2^-62 .. 2^30");
        }
        return q;
    }

    /**
     * I-BERT's integer constants of the softmax for logits of scale {@code S}: the fine scale
     * {@code S' = S 2^-p} with {@code p} chosen so that {@code S'} lies in {@code [2^-11, 2^-10)}
     * (fine enough that the step {@code x0 S'} is within {@code 2^-10} of {@code -ln 2} and the
     * polynomial resolves {@code exp} to about 22 bits, coarse enough that its values stay below
     * {@code 2^24}), then {@code x0 = floor(-ln 2 / S')}, {@code b = floor(b' / S')},
     * {@code c = floor(c' / S'^2)} as in I-BERT's {@code int_exp} and {@code int_polynomial}
     * (which use {@code -0.6931} for {@code -ln 2}; here {@code -Math.log(2)}).
     *
     * @param heads attention heads
     * @param logitScale {@code S}, in {@code [2^-42, 2^14)}
     * @param fractionBits {@code k}, output scale {@code 2^-k}
     * @return the kernel parameters
     * @throws IllegalArgumentException on a scale outside the range or another invalid parameter
     */
    public static EdgeSoftmaxParams edgeSoftmax(int heads, double logitScale, int fractionBits) {
        OutputMultipliers.checkScale(logitScale, "logit scale");
        int p = Math.getExponent(logitScale) + FINE_BITS + 1;
        if (p < -31 || p > 24) {
            throw new IllegalArgumentException("logit scale " + logitScale + " is outside [2^-42, 2^14)");
        }
        double fine = Math.scalb(logitScale, -p);
        int x0 = (int) Math.floor(-Math.log(2) / fine);
        int b = (int) Math.floor(POLY_B / fine);
        int c = (int) Math.floor(POLY_C / (fine * fine));
        return new EdgeSoftmaxParams(heads, p, x0, b, c, fractionBits);
    }
}
