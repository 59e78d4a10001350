package io.qat4j.executor.kernel.gemm;

import java.util.Locale;

/**
 * The integer kernels under the executor's convolutions and dense layers on the Java path: the
 * int32 matrix product (gemmlowp's int32 accumulation, TFLite's {@code reference_integer_ops}), the
 * output stage that requantizes its accumulators ({@link #requantize}) and the 2 x 2 max pooling
 * between convolutions ({@link #maxPool2x2}). The product:
 *
 * <pre>
 *   c[i][j] += sum_{k < depth} a[i][k] * b[k][j]      (i < m, j < n)
 * </pre>
 *
 * in Java {@code int} arithmetic, exact modulo {@code 2^32} in any order of summation, so every
 * implementation gives the same int32 bit for bit; it is the true sum whenever the caller's
 * accumulator bound holds (the kernels' parameter records check {@code 128 * 255 * K + |bias|
 * <= 2^31 - 1}).
 *
 * <p>Implementations: {@link #scalar()}, plain loops, which runs everywhere, and the JDK Vector
 * API's on int lanes ({@code VectorIntGemm}, register-blocked), when the JVM has module
 * {@code jdk.incubator.vector} ({@code --add-modules jdk.incubator.vector}; the {@code qat4j}
 * launcher and the build's tests pass it). {@link #selected()} takes the Vector API's when
 * available, or the one the system property {@value #PROPERTY} names ({@code scalar} or
 * {@code vector}).
 */
public abstract class IntGemm {

    /**
     * System property choosing the path: {@code auto} (the default: native kernels when present, see
     * {@link io.qat4j.executor.kernel.ByteKernels#selected()}, else the Vector API's, else scalar),
     * {@code native}, {@code vector} or {@code scalar}.
     */
    public static final String PROPERTY = "qat4j.gemm";

    /**
     * Ints a caller may leave unused after the last element of {@code b} so that the vector
     * implementation loads whole vectors at the last columns (a masked load costs scalar code on JDK
     * 17); without them the results are the same, only slower.
     */
    public static final int B_SLACK = 64;

    private static final String VECTOR_CLASS = "io.qat4j.executor.kernel.gemm.VectorIntGemm";

    /** Holder of the selection, made on first use. */
    private static final class Selected {
        static final IntGemm INSTANCE = select(System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Accumulates the product into {@code c}.
     *
     * @param m rows of {@code a} and {@code c}
     * @param n columns of {@code b} and {@code c}
     * @param depth columns of {@code a}, rows of {@code b}
     * @param a row {@code i} at {@code aOffset + i * lda}
     * @param aOffset first element of {@code a}
     * @param lda row stride of {@code a}
     * @param b row {@code k} at {@code bOffset + k * ldb}
     * @param bOffset first element of {@code b}
     * @param ldb row stride of {@code b}
     * @param c accumulators, row {@code i} at {@code cOffset + i * ldc}, added to
     * @param cOffset first element of {@code c}
     * @param ldc row stride of {@code c}
     */
    public abstract void multiplyAdd(int m, int n, int depth, int[] a, int aOffset, int lda, int[] b, int bOffset,
                                     int ldb, int[] c, int cOffset, int ldc);

    /**
     * {@link #multiplyAdd} for operands whose every product is small: {@code |a[i][k] * b[k][j]| <=
     * maxAbsProduct}, as for 4-bit weights times offset 8-bit activations ({@code 8 * 255 = 2040}).
     * The result is {@link #multiplyAdd}'s, bit for bit; an implementation may use the bound to sum
     * runs of products in 16-bit fields before widening them ({@code VectorPairProduct}: two columns per
     * int lane, {@code 32767 / maxAbsProduct} products per run). This one ignores the bound.
     *
     * @param maxAbsProduct a bound on every {@code |a[i][k] * b[k][j]|} that the caller guarantees,
     *     >= 0; a false bound gives wrong sums
     * @param m rows of {@code a} and {@code c}
     * @param n columns of {@code b} and {@code c}
     * @param depth columns of {@code a}, rows of {@code b}
     * @param a row {@code i} at {@code aOffset + i * lda}
     * @param aOffset first element of {@code a}
     * @param lda row stride of {@code a}
     * @param b row {@code k} at {@code bOffset + k * ldb}
     * @param bOffset first element of {@code b}
     * @param ldb row stride of {@code b}
     * @param c accumulators, row {@code i} at {@code cOffset + i * ldc}, added to
     * @param cOffset first element of {@code c}
     * @param ldc row stride of {@code c}
     */
    public void multiplyAddBounded(int maxAbsProduct, int m, int n, int depth, int[] a, int aOffset, int lda, int[] b,
                                   int bOffset, int ldb, int[] c, int cOffset, int ldc) {
        multiplyAdd(m, n, depth, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    }

    /**
     * @param n columns of a product
     * @return the columns this implementation computes at the speed of whole register blocks: a
     *     caller whose operands {@code b} and {@code c} have rows this long (the extra columns
     *     holding any values, their results unused) avoids the slower remainder blocks; {@code n}
     *     for the scalar loops
     */
    public int paddedColumns(int n) {
        return n;
    }

    /**
     * The output stage of the prepared kernels, gemmlowp's "fixed-point multiplier, rounding shift,
     * add zero point, clamp" (TFLite's {@code MultiplyByQuantizedMultiplier} then the activation
     * clamp), on {@code n} accumulators:
     *
     * <pre>
     *   out[outOffset + i] = clamp(((long) acc[accOffset + i] * m + 2^(T - 1)) >> T + Z_out, actMin, actMax),  T = 31 - shift
     * </pre>
     *
     * i.e. {@code FixedPoint.multiplyByQuantizedMultiplier}, the nearest integer to
     * {@code acc * m * 2^(shift - 31)}, ties upward. The {@code long} product is exact
     * ({@code |acc * m| < 2^62}) and the result fits an int (callers bound their accumulators and
     * multipliers), so every implementation gives these bytes. This one is the reference loop,
     * without branches (a shortcut for {@code acc <= 0} under a fused ReLU gave the same bytes but
     * cost more in mispredicted branches than the multiplication it saved).
     *
     * @param acc accumulators
     * @param accOffset first accumulator
     * @param n count
     * @param multiplier Q31 multiplier {@code m >= 0}
     * @param shift exponent, in {@code [-31, 30]}
     * @param zOut output zero point
     * @param actMin clamp minimum, an int8 code
     * @param actMax clamp maximum, an int8 code
     * @param out int8 output
     * @param outOffset first output element
     */
    public void requantize(int[] acc, int accOffset, int n, int multiplier, int shift, int zOut, int actMin, int actMax,
                           byte[] out, int outOffset) {
        int total = 31 - shift;
        long round = 1L << (total - 1);
        for (int i = 0; i < n; i++) {
            // q_y = Z_out + acc * S_in * S_w / S_out
            int q = (int) (((long) acc[accOffset + i] * multiplier + round) >> total) + zOut;
            out[outOffset + i] = (byte) Math.max(actMin, Math.min(actMax, q));
        }
    }

    /**
     * Max pooling over 2 x 2 windows at stride 2 without padding (the pooling between the
     * convolutions of a CNN), as {@link io.qat4j.executor.kernel.ByteKernels#maxPool2x2} defines it:
     * per plane {@code [inHeight, inWidth]},
     * {@code out[p][oy][ox] = clamp(max(in[p][2oy + dy][2ox + dx], dy, dx < 2), actMin, actMax)},
     * {@code oy < inHeight / 2}, {@code ox < inWidth / 2}. The caller has checked the array lengths.
     *
     * @param planes planes ({@code N * C})
     * @param inHeight input rows per plane, >= 2
     * @param inWidth input columns per plane, >= 2
     * @param in {@code planes * inHeight * inWidth} int8 codes
     * @param out {@code planes * (inHeight / 2) * (inWidth / 2)} int8 codes, written
     * @param actMin clamp minimum
     * @param actMax clamp maximum
     * @return false, having written nothing, when this implementation leaves the pooling to the
     *     caller's loops (the scalar one does)
     */
    public boolean maxPool2x2(int planes, int inHeight, int inWidth, byte[] in, byte[] out, int actMin, int actMax) {
        return false;
    }

    /** @return the implementation's name, as README and the benchmarks report it ({@code scalar}, {@code vector-512}, ...) */
    public abstract String name();

    /** @return plain Java loops: the reference, available everywhere */
    public static IntGemm scalar() {
        return ScalarIntGemm.INSTANCE;
    }

    /**
     * @return the Vector API implementation, when the JVM has module {@code jdk.incubator.vector}
     *     and int vectors of at least 8 lanes; otherwise null
     */
    public static IntGemm vector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            IntGemm g = (IntGemm) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
            return g.name() == null ? null : g;
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /**
     * @return the implementation the executor uses: the one {@value #PROPERTY} names, else the
     *     Vector API's when available, else the scalar one
     * @throws IllegalStateException when {@value #PROPERTY} names an unknown or unavailable one
     */
    public static IntGemm selected() {
        return Selected.INSTANCE;
    }

    static IntGemm select(String requested) {
        switch (requested) {
            case "", "auto", "native" -> { // native: ByteKernels multiplies, this one requantizes and runs the graph ops
                IntGemm v = vector();
                if (v == null) {
                    System.getLogger(IntGemm.class.getName()).log(System.Logger.Level.WARNING, "the JDK Vector API is not"
                            + " available, so the int8 executor multiplies with its scalar loops, several times slower: run"
                            + " java with --add-modules jdk.incubator.vector (the qat4j launcher does)");
                }
                return v != null ? v : scalar();
            }
            case "scalar" -> {
                return scalar();
            }
            case "vector" -> {
                IntGemm v = vector();
                if (v == null) {
                    throw new IllegalStateException("-D" + PROPERTY + "=vector: the JDK Vector API is not available (run java"
                            + " with --add-modules jdk.incubator.vector on a CPU with 256-bit vectors or wider)");
                }
                return v;
            }
            default -> throw new IllegalStateException("-D" + PROPERTY + "=" + requested + ": expected auto, native, scalar or vector");
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
