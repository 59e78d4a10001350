package io.qat4j.executor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Shared pieces of the kernel tests (TFLite micro style: start from floats, quantize with declared
 * parameters, compare int8 outputs exactly).
 *
 * <p>Two kinds of references, never built from the kernel code:
 * <ul>
 *   <li>double: the real-valued op on dequantized inputs, quantized with the output parameters;
 *       equal to the kernel when the test data make every real output exactly representable,
 *       otherwise within 1 (the integer pipeline rounds the int32 bias and uses a Q31 multiplier);</li>
 *   <li>exact integer: the documented formula evaluated with long / BigInteger arithmetic
 *       ({@link #exactRequantize}); equal to the kernel bit for bit.</li>
 * </ul>
 */
final class KernelTestSupport {

    static final QuantRange INT8 = QuantRange.of(8, true, false);
    static final QuantRange INT8_NARROW = QuantRange.of(8, true, true);
    private static final QuantRange INT32 = new QuantRange(Integer.MIN_VALUE, Integer.MAX_VALUE);

    private KernelTestSupport() {
    }

    /**
     * The byte-level kernels the prepared layers are tested with: the Java reference always, and the
     * selected native one when its module is on the class path (int8-executor-native reruns these
     * tests from this module's test jar, with its AVX-512 VNNI and its AVX2 kernel).
     */
    static List<ByteKernels> byteKernels() {
        List<ByteKernels> all = new ArrayList<>(List.of(ByteKernels.reference()));
        if (ByteKernels.selected() != null) {
            all.add(ByteKernels.selected());
        }
        return all;
    }

    static AffineQuantParams activation(double scale, int zeroPoint) {
        return new AffineQuantParams(scale, zeroPoint, INT8);
    }

    static AffineQuantParams weight(double scale) {
        return new AffineQuantParams(scale, 0, INT8_NARROW);
    }

    static byte[] quantize(double[] real, AffineQuantParams p) {
        byte[] q = new byte[real.length];
        for (int i = 0; i < real.length; i++) {
            q[i] = (byte) p.quantize(real[i]);
        }
        return q;
    }

    static double[] dequantize(byte[] q, AffineQuantParams p) {
        double[] r = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            r[i] = p.dequantize(q[i]);
        }
        return r;
    }

    /** Per-channel symmetric quantization of {@code [O, perChannel]} weights. */
    static byte[] quantizePerChannel(double[] real, double[] channelScales) {
        int per = real.length / channelScales.length;
        byte[] q = new byte[real.length];
        for (int i = 0; i < real.length; i++) {
            q[i] = (byte) weight(channelScales[i / per]).quantize(real[i]);
        }
        return q;
    }

    /** Dequantizes {@code [O, perChannel]} weights with one scale per channel. */
    static double[] dequantizePerChannel(byte[] q, double[] channelScales) {
        int per = q.length / channelScales.length;
        double[] r = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            r[i] = channelScales[i / per] * q[i];
        }
        return r;
    }

    /** Bias to int32 with scale {@code S_in * S_w[c]} (AffineQuantParams on the int32 range). */
    static int[] quantizeBias(double[] bias, double inputScale, double[] weightScales) {
        int[] q = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            q[c] = new AffineQuantParams(inputScale * weightScales[c], 0, INT32).quantize(bias[c]);
        }
        return q;
    }

    /** Symmetric per-channel scales {@code max|w| / 127} of {@code [O, perChannel]} real weights. */
    static double[] symmetricChannelScales(double[] real, int channels) {
        int per = real.length / channels;
        double[] s = new double[channels];
        for (int c = 0; c < channels; c++) {
            double min = 0;
            double max = 0;
            for (int i = 0; i < per; i++) {
                min = Math.min(min, real[c * per + i]);
                max = Math.max(max, real[c * per + i]);
            }
            s[c] = AffineQuantParams.symmetric(min, max, INT8_NARROW).scale();
        }
        return s;
    }

    /** Calibrated asymmetric int8 parameters covering {@code values}. */
    static AffineQuantParams calibrate(double[] values) {
        double min = 0;
        double max = 0;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return AffineQuantParams.asymmetric(min, max, INT8);
    }

    static double[] uniform(Random rnd, int n, double lo, double hi) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return r;
    }

    /**
     * TFLite single-rounding {@code MultiplyByQuantizedMultiplier} (the kernels' output stage)
     * evaluated from its definition with BigInteger: the nearest integer to
     * {@code acc * m * 2^(shift - 31)}, ties toward +infinity, i.e.
     * {@code floor((acc * m * 2^max(shift, 0) + 2^(T - 1)) / 2^T)} with
     * {@code T = 31 + max(-shift, 0)}.
     */
    static int exactRequantize(long acc, int multiplier, int shift) {
        int left = Math.max(shift, 0);
        int total = 31 + Math.max(-shift, 0);
        BigInteger v = BigInteger.valueOf(acc).shiftLeft(left).multiply(BigInteger.valueOf(multiplier));
        BigInteger[] qr = v.add(BigInteger.ONE.shiftLeft(total - 1)).divideAndRemainder(BigInteger.ONE.shiftLeft(total));
        BigInteger floor = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
        return floor.intValueExact();
    }

    /**
     * The output stage of a kernel from its definition: {@link #exactRequantize} with channel
     * {@code channel}'s multiplier, plus the output zero point, clamped.
     */
    static byte exactOutput(long acc, Requantization r, int channel) {
        long q = exactRequantize(acc, r.multipliers()[channel], r.shifts()[channel]) + (long) r.outputZeroPoint();
        return (byte) clamp(q, r.activation().min(), r.activation().max());
    }

    /** {@code sum / count} rounded to nearest, ties away from zero, exactly. */
    static int roundedDivide(long sum, long count) {
        return new BigDecimal(sum).divide(new BigDecimal(count), 0, RoundingMode.HALF_UP).intValueExact();
    }

    static int clamp(long v, int lo, int hi) {
        return (int) Math.max(lo, Math.min(hi, v));
    }

    static void assertExact(byte[] expected, byte[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], what + ": element " + i);
        }
    }

    /** The integer pipeline's legitimate deviation from the double reference: at most 1 code. */
    static void assertWithinOne(byte[] doubleReference, byte[] actual, String what) {
        assertEquals(doubleReference.length, actual.length, what + ": length");
        for (int i = 0; i < actual.length; i++) {
            int d = Math.abs(doubleReference[i] - actual[i]);
            assertTrue(d <= 1, what + ": element " + i + " is " + actual[i] + ", double reference "
                    + doubleReference[i]);
        }
    }

    /**
     * Runs {@code call(i)} for {@code i < tasks}, 20 rounds, on 4 threads at once, and returns the
     * results in submission order (round-major), for thread-safety tests of prepared kernels.
     */
    static <T> java.util.List<T> concurrently(int tasks, java.util.function.IntFunction<T> call) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<T>> futures = new java.util.ArrayList<>();
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < tasks; i++) {
                    int task = i;
                    futures.add(pool.submit(() -> call.apply(task)));
                }
            }
            java.util.List<T> results = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
