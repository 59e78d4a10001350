package io.qat4j.quant.math;

import io.qat4j.executor.quant.Rounding;
import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fused single-pass loops over FLOAT arrays in C order with channels on dimension 1
 * ({@code [N, C]} or {@code [N, C, H, W]}), for the element-wise tail of a quantized layer:
 * per-channel statistics, per-channel affine transform plus activation, fake quantization with its
 * straight-through mask, and the matching backward passes.
 *
 * <p>The loops run on Java arrays (copied in and out of the off-heap buffers in bulk, so that the
 * JIT can vectorize them). Each replaces a chain of ND4J operations that would each allocate a
 * tensor-sized off-heap array;
 * the arithmetic is the same: the fake quantization divides by the float scale, rounds half away
 * from zero and clamps, exactly as {@link FakeQuant} does with ND4J's ops (which the layers keep
 * for DOUBLE networks and which the tests compare against). Over 400 lines because each forward
 * loop sits beside its backward loop and both layouts ({@code [N, C]} for dense and graph layers,
 * {@code [N, C, H, W]} for convolutions) share one indexing; split, the pairs would drift apart.
 */
public final class FloatKernels {

    private FloatKernels() {
    }

    /** Piece-wise linear activations whose derivative is 0 or 1. */
    public enum Act {
        /** {@code a = z} */
        IDENTITY,
        /** {@code a = max(0, z)} (derivative 0 at 0, as DL4J) */
        RELU,
        /** {@code a = min(max(0, z), 6)} */
        RELU6
    }

    /**
     * @param a an array
     * @return whether the fused loops can read it in place (FLOAT, C order, contiguous)
     */
    public static boolean supported(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.length() < Integer.MAX_VALUE && isCContiguous(a.shape(), a.stride());
    }

    private static boolean isCContiguous(long[] shape, long[] stride) {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /**
     * A view of an array's off-heap memory. The buffer does not keep the array reachable: ND4J frees
     * the memory once the array is garbage collected, so the caller must hold {@code a} (e.g. with
     * {@link Reference#reachabilityFence}) until it has finished with the buffer.
     *
     * @param a a FLOAT array in C order
     * @return a buffer over its elements in C order, without copying
     */
    public static FloatBuffer buffer(INDArray a) {
        if (!supported(a)) {
            throw new IllegalArgumentException("need a contiguous FLOAT array in C order, got " + a.shapeInfoToString());
        }
        FloatBuffer fb = a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        int off = (int) a.offset();
        return off == 0 ? fb : fb.position(off).slice();
    }

    /**
     * @param a a contiguous FLOAT array in C order
     * @return its elements in C order, copied to the heap
     */
    public static float[] read(INDArray a) {
        float[] out = new float[(int) a.length()];
        try {
            buffer(a).get(out);
        } finally {
            Reference.reachabilityFence(a);
        }
        return out;
    }

    /**
     * Copies values into a contiguous FLOAT C-order array.
     *
     * @param values elements in C order
     * @param a destination with as many elements
     */
    public static void write(float[] values, INDArray a) {
        try {
            buffer(a).put(values);
        } finally {
            Reference.reachabilityFence(a);
        }
    }

    /**
     * @param a any array
     * @return a contiguous FLOAT C-order array with the same values (a itself when already so)
     */
    public static INDArray contiguous(INDArray a) {
        return supported(a) ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    /**
     * Per-channel mean and biased variance (two passes per channel).
     *
     * @param y values {@code [N, C, inner]}
     * @param n batch
     * @param c channels
     * @param inner elements per channel and example
     * @param mean output, length c
     * @param var output, length c
     */
    public static void channelMeanVar(float[] y, int n, int c, int inner, double[] mean, double[] var) {
        if (inner == 1) {
            rowMajorMeanVar(y, n, c, mean, var);
            return;
        }
        long m = (long) n * inner;
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    s += y[base + i];
                }
            }
            double mu = s / m;
            double v = 0;
            for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    double d = y[base + i] - mu;
                    v += d * d;
                }
            }
            mean[ch] = mu;
            var[ch] = v / m;
        }
    }

    /**
     * {@link #channelMeanVar} of a {@code [N, C]} matrix, walking it row by row (the channel-major
     * walk strides over whole rows): each channel's sums run over the rows in the same order, so the
     * results are the same to the bit.
     */
    private static void rowMajorMeanVar(float[] y, int n, int c, double[] mean, double[] var) {
        double[] s = new double[c];
        for (int b = 0; b < n; b++) {
            int base = b * c;
            for (int ch = 0; ch < c; ch++) {
                s[ch] += y[base + ch];
            }
        }
        for (int ch = 0; ch < c; ch++) {
            mean[ch] = s[ch] / n;
        }
        double[] v = new double[c];
        for (int b = 0; b < n; b++) {
            int base = b * c;
            for (int ch = 0; ch < c; ch++) {
                double d = y[base + ch] - mean[ch];
                v[ch] += d * d;
            }
        }
        for (int ch = 0; ch < c; ch++) {
            var[ch] = v[ch] / n;
        }
    }

    /**
     * {@code out = act(y * mul[ch] + add[ch])}; {@code gradMask = act'(.)} (0 or 1); returns the
     * minimum and maximum of {@code out}.
     *
     * @param y input {@code [N, C, inner]}
     * @param out output, same layout (may be y)
     * @param gradMask output derivative mask, same layout
     * @param n batch
     * @param c channels
     * @param inner elements per channel and example
     * @param mul per-channel factor
     * @param add per-channel offset
     * @param act activation
     * @return {@code {min, max}} of the output
     */
    public static float[] affineActivate(float[] y, float[] out, float[] gradMask, int n, int c, int inner,
                                         float[] mul, float[] add, Act act) {
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (b * c + ch) * inner;
                float f = mul[ch];
                float o = add[ch];
                for (int i = base; i < base + inner; i++) {
                    out[i] = y[i] * f + o;
                }
            }
        }
        int len = n * c * inner;
        switch (act) {
            case RELU -> {
                for (int i = 0; i < len; i++) {
                    float z = out[i];
                    gradMask[i] = z > 0 ? 1f : 0f;
                    out[i] = z > 0 ? z : 0f;
                }
            }
            case RELU6 -> {
                for (int i = 0; i < len; i++) {
                    float z = out[i];
                    gradMask[i] = z > 0 && z < 6f ? 1f : 0f;
                    out[i] = Math.min(Math.max(z, 0f), 6f);
                }
            }
            default -> java.util.Arrays.fill(gradMask, 0, len, 1f);
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            min = Math.min(min, out[i]);
            max = Math.max(max, out[i]);
        }
        return new float[] {min, max};
    }

    /**
     * Fake quantization in place, {@code x <- S (clamp(round(x / S) + Z) - Z)} with rounding half
     * away from zero; multiplies {@code gradMask} by the in-range indicator of the unclamped code
     * (clipped STE) when {@code clipped}.
     *
     * @param x values, quantized in place
     * @param len number of elements
     * @param scale {@code S}
     * @param zeroPoint {@code Z}
     * @param qMin smallest code
     * @param qMax largest code
     * @param gradMask gradient mask to update, or null
     * @param clipped whether the mask takes the in-range indicator
     * @return the number of elements whose code was clamped
     */
    public static int fakeQuant(float[] x, int len, double scale, int zeroPoint, int qMin, int qMax,
                                float[] gradMask, boolean clipped) {
        float s = (float) scale;
        int clampedCount = 0;
        for (int i = 0; i < len; i++) {
            int code = unclampedCode(x[i] / s, zeroPoint);
            if (code < qMin || code > qMax) {
                clampedCount++;
                code = code < qMin ? qMin : qMax;
                if (clipped && gradMask != null) {
                    gradMask[i] = 0f;
                }
            }
            x[i] = (code - zeroPoint) * s;
        }
        return clampedCount;
    }

    /**
     * Counts the values that {@link #fakeQuant} would clamp, leaving them unchanged.
     *
     * @param x values
     * @param len number of values
     * @param scale quantization scale
     * @param zeroPoint zero point
     * @param qMin smallest code
     * @param qMax largest code
     * @return how many values round to a code outside {@code [qMin, qMax]}
     */
    public static int countClamped(float[] x, int len, double scale, int zeroPoint, int qMin, int qMax) {
        float s = (float) scale;
        int clampedCount = 0;
        for (int i = 0; i < len; i++) {
            int code = unclampedCode(x[i] / s, zeroPoint);
            if (code < qMin || code > qMax) {
                clampedCount++;
            }
        }
        return clampedCount;
    }

    /**
     * The code of {@code v = x / S} before clamping: {@code v} rounded half away from zero, plus the
     * zero point. Inside the code range it is the code of {@link Rounding#quantizeFloat} (the same
     * float division, the same rounding: {@code (int) |v|} is {@code floor(|v|)} and
     * {@code |v| - floor(|v|)} is exact in float); outside it, it lies outside too, where
     * {@code quantizeFloat} returns {@code qMin - 1} or {@code qMax + 1}; NaN gives 0, as there. A
     * loop of int conversions instead of {@code Math.floor} and {@code copySign} that the JIT
     * keeps tight: about 4 times faster on 8 million values.
     *
     * @param v the value divided by the scale, in float
     * @param zeroPoint the zero point
     * @return the unclamped code
     */
    static int unclampedCode(float v, int zeroPoint) {
        if (v != v) {
            return 0;
        }
        float av = Math.abs(v);
        int t = (int) Math.min(av, 0x1p30f); // floor(|v|); |v| >= 2^30 is far outside any code range
        if (av - t >= 0.5f) {
            t++;
        }
        return (v < 0 ? -t : t) + zeroPoint;
    }

    /**
     * Batch-norm backward with batch statistics (Ioffe and Szegedy, ICML 2015, section 3):
     * {@code xhat = (y - mean) * invStd}, {@code dBeta = sum dz}, {@code dGamma = sum dz xhat},
     * {@code dy = gamma invStd / M (M dz - sum dz - xhat sum dz xhat)}.
     *
     * @param dz gradient of the normalized-and-scaled output
     * @param y the pre-normalization values
     * @param dy output gradient of y (may be dz)
     * @param n batch
     * @param c channels
     * @param inner elements per channel and example
     * @param mean batch means
     * @param invStd batch {@code 1/sqrt(var + eps)}
     * @param gamma scales
     * @param dGamma output
     * @param dBeta output
     */
    public static void batchNormBackward(float[] dz, float[] y, float[] dy, int n, int c, int inner,
                                         double[] mean, double[] invStd, float[] gamma, double[] dGamma, double[] dBeta) {
        if (inner == 1) {
            rowMajorBatchNormBackward(dz, y, dy, n, c, mean, invStd, gamma, dGamma, dBeta);
            return;
        }
        long m = (long) n * inner;
        for (int ch = 0; ch < c; ch++) {
            double sDz = 0;
            double sDzX = 0;
            double mu = mean[ch];
            double is = invStd[ch];
            for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    double g = dz[base + i];
                    sDz += g;
                    sDzX += g * (y[base + i] - mu) * is;
                }
            }
            dBeta[ch] = sDz;
            dGamma[ch] = sDzX;
            double k = gamma[ch] * is / m;
            for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    double xhat = (y[base + i] - mu) * is;
                    dy[base + i] = (float) (k * (m * dz[base + i] - sDz - xhat * sDzX));
                }
            }
        }
    }

    /**
     * {@link #batchNormBackward} of a {@code [N, C]} matrix, row by row, with the same per-channel
     * summation order (the same results to the bit).
     */
    private static void rowMajorBatchNormBackward(float[] dz, float[] y, float[] dy, int n, int c, double[] mean,
                                                  double[] invStd, float[] gamma, double[] dGamma, double[] dBeta) {
        double[] sDz = new double[c];
        double[] sDzX = new double[c];
        for (int b = 0; b < n; b++) {
            int base = b * c;
            for (int ch = 0; ch < c; ch++) {
                double g = dz[base + ch];
                sDz[ch] += g;
                sDzX[ch] += g * (y[base + ch] - mean[ch]) * invStd[ch];
            }
        }
        double[] k = new double[c];
        for (int ch = 0; ch < c; ch++) {
            dBeta[ch] = sDz[ch];
            dGamma[ch] = sDzX[ch];
            k[ch] = gamma[ch] * invStd[ch] / n;
        }
        for (int b = 0; b < n; b++) {
            int base = b * c;
            for (int ch = 0; ch < c; ch++) {
                double xhat = (y[base + ch] - mean[ch]) * invStd[ch];
                dy[base + ch] = (float) (k[ch] * ((long) n * dz[base + ch] - sDz[ch] - xhat * sDzX[ch]));
            }
        }
    }

    /**
     * Backward of the frozen (folded) batch norm {@code z = s y + beta - s mean}:
     * {@code dy = s dz}, {@code dBeta = sum dz}, {@code dGamma = sum dz (y - mean) / std}.
     *
     * @param dz gradient of z
     * @param y pre-normalization values
     * @param dy output gradient of y (may be dz)
     * @param n batch
     * @param c channels
     * @param inner elements per channel and example
     * @param s fold scales {@code gamma / std}
     * @param mean running means
     * @param std running standard deviations
     * @param dGamma output
     * @param dBeta output
     */
    public static void frozenBatchNormBackward(float[] dz, float[] y, float[] dy, int n, int c, int inner,
                                               float[] s, float[] mean, float[] std, double[] dGamma, double[] dBeta) {
        if (inner == 1) {
            // [N, C]: row by row, each channel's sums in the same order (the same results to the bit)
            double[] sDz = new double[c];
            double[] sG = new double[c];
            for (int b = 0; b < n; b++) {
                int base = b * c;
                for (int ch = 0; ch < c; ch++) {
                    float g = dz[base + ch];
                    sDz[ch] += g;
                    sG[ch] += g * (y[base + ch] - mean[ch]) / std[ch];
                    dy[base + ch] = g * s[ch];
                }
            }
            System.arraycopy(sDz, 0, dBeta, 0, c);
            System.arraycopy(sG, 0, dGamma, 0, c);
            return;
        }
        for (int ch = 0; ch < c; ch++) {
            double sDz = 0;
            double sG = 0;
            for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    float g = dz[base + i];
                    sDz += g;
                    sG += g * (y[base + i] - mean[ch]) / std[ch];
                    dy[base + i] = g * s[ch];
                }
            }
            dBeta[ch] = sDz;
            dGamma[ch] = sG;
        }
    }

    /**
     * @param v values
     * @return a FLOAT vector
     */
    public static INDArray vector(double[] v) {
        return Nd4j.createFromArray(v).castTo(DataType.FLOAT);
    }
}
